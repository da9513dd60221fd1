// A Terraform-style plugin client for Kindling's provider tests. It starts the provider the way
// Terraform does (HashiCorp's go-plugin client: magic cookie, PLUGIN_PROTOCOL_VERSIONS, AutoMTLS,
// gRPC over a unix socket) and makes the provider RPCs with values encoded by go-cty's msgpack
// package, so the tests exercise the provider against the real client libraries rather than an
// imitation of them.
//
// What Debian's go-plugin 1.0.1 (the client used here) does, read from its source: it sets the
// cookie, PLUGIN_MIN_PORT/PLUGIN_MAX_PORT, PLUGIN_PROTOCOL_VERSIONS (comma-separated) and, with
// AutoMTLS, PLUGIN_CLIENT_CERT (PEM of a self-signed ECDSA P-521 certificate, SAN localhost); it
// hands the plugin its own stdin; it reads the first stdout line as CORE|APP|NETWORK|ADDR|PROTOCOL
// and takes a sixth field longer than 50 characters as the server certificate (unpadded base64
// DER), trusted as the only root CA for ServerName "localhost"; later stdout lines are read and
// dropped. It opens plugin.GRPCBroker/StartStream at connect, pings grpc.health.v1.Health/Check
// with service "plugin", and Kill sends plugin.GRPCController/Shutdown, waits 2 s for the process
// to exit and then SIGKILLs it. Newer go-plugin (Terraform's) adds plugin.GRPCStdio,
// PLUGIN_UNIX_SOCKET_DIR and an optional seventh handshake field for multiplexing.
//
// Input (stdin): one JSON script, see script below. Output (stdout): JSON lines, one "started"
// event, one result per step, one "exit" event. Lines are flushed as they are written so that a
// step that kills this process still leaves the lines before it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/golang/protobuf/ptypes/empty"
	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Terraform's handshake: the cookie is fixed by Terraform, not by the provider.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
)

type script struct {
	// Command and its arguments; Argv0 replaces argv[0] (the provider dispatches on it).
	Command []string `json:"command"`
	Argv0   string   `json:"argv0"`
	// Protocol versions offered, like Terraform's VersionedPlugins (default 5 and 6).
	Versions []int `json:"versions"`
	// Cookie overrides the magic cookie value (a wrong one must be refused).
	Cookie *string `json:"cookie"`
	// NoAutoMTLS starts the provider without a client certificate.
	NoAutoMTLS bool   `json:"no_auto_mtls"`
	Steps      []step `json:"steps"`
}

type step struct {
	Op       string                     `json:"op"`
	TypeName string                     `json:"type_name"`
	Config   map[string]json.RawMessage `json:"config"`
	// Unknown lists attributes sent as cty unknown values (as Terraform does during validation).
	Unknown []string `json:"unknown"`
	// Types overrides or adds attribute types (cty JSON type notation), to send malformed values.
	Types map[string]json.RawMessage `json:"types"`
	// Msgpack sends these raw bytes (base64) as the config instead of an encoded object.
	Msgpack []byte `json:"msgpack"`
	// DelayMs: how long a *_mid_call step lets the call run before cutting it off.
	DelayMs int `json:"delay_ms"`
}

type output struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (o *output) write(v map[string]interface{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_ = o.enc.Encode(v)
	_ = os.Stdout.Sync()
}

// providerPlugin is the "provider" plugin of either protocol version; Dispense returns the
// matching adapter around the generated client.
type providerPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	version int
}

type dispensed struct {
	conn *grpc.ClientConn
	api  provider
}

func (p *providerPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return fmt.Errorf("client only")
}

func (p *providerPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	if p.version == 6 {
		return &dispensed{conn: conn, api: newProvider6(conn)}, nil
	}
	return &dispensed{conn: conn, api: newProvider5(conn)}, nil
}

func main() {
	out := &output{enc: json.NewEncoder(os.Stdout)}
	out.enc.SetEscapeHTML(false)
	raw, err := ioutil.ReadAll(os.Stdin)
	if err != nil {
		fail(out, "read script", err)
	}
	var s script
	if err := json.Unmarshal(raw, &s); err != nil {
		fail(out, "parse script", err)
	}
	os.Exit(runScript(out, &s))
}

func fail(out *output, what string, err error) {
	out.write(map[string]interface{}{"event": "client_error", "what": what, "error": err.Error()})
	os.Exit(2)
}

func runScript(out *output, s *script) int {
	if len(s.Command) == 0 {
		fail(out, "script", fmt.Errorf("command is empty"))
	}
	versions := s.Versions
	if len(versions) == 0 {
		versions = []int{5, 6}
	}
	plugins := map[int]plugin.PluginSet{}
	for _, v := range versions {
		plugins[v] = plugin.PluginSet{"provider": &providerPlugin{version: v}}
	}
	cookie := magicCookieValue
	if s.Cookie != nil {
		cookie = *s.Cookie
	}
	cmd := exec.Command(s.Command[0], s.Command[1:]...)
	if s.Argv0 != "" {
		cmd.Args[0] = s.Argv0
	}
	var providerStderr bytes.Buffer
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  uint(versions[0]),
			MagicCookieKey:   magicCookieKey,
			MagicCookieValue: cookie,
		},
		VersionedPlugins: plugins,
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         !s.NoAutoMTLS,
		Managed:          false,
		StartTimeout:     30 * time.Second,
		Stderr:           &lockedBuffer{buf: &providerStderr},
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "go-plugin",
			Level:  hclog.Debug,
			Output: os.Stderr,
		}),
	})
	killed := false
	exitEvent := func() {
		if !killed {
			client.Kill()
		}
		ev := map[string]interface{}{"event": "exit", "provider": processStatus(cmd)}
		ev["provider_stderr"] = providerStderrText(&providerStderr)
		out.write(ev)
	}

	started := time.Now()
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		out.write(map[string]interface{}{"event": "start_error", "error": err.Error(), "provider": processStatus(cmd), "provider_stderr": providerStderrText(&providerStderr)})
		return 1
	}
	raw, err := rpc.Dispense("provider")
	if err != nil {
		client.Kill()
		out.write(map[string]interface{}{"event": "start_error", "error": err.Error()})
		return 1
	}
	d := raw.(*dispensed)
	reattach := client.ReattachConfig()
	out.write(map[string]interface{}{
		"event":        "started",
		"pid":          reattach.Pid,
		"version":      client.NegotiatedVersion(),
		"protocol":     string(client.Protocol()),
		"network":      reattach.Addr.Network(),
		"address":      reattach.Addr.String(),
		"handshake_ms": float64(time.Since(started).Microseconds()) / 1000,
	})

	r := &runner{out: out, api: d.api, conn: d.conn, client: client, cmd: cmd, schemas: map[string][]attribute{}}
	for i, st := range s.Steps {
		res := r.step(st)
		res["step"] = i
		res["op"] = st.Op
		out.write(res)
		if st.Op == "kill" || st.Op == "shutdown" {
			killed = true
		}
	}
	exitEvent()
	return 0
}

type runner struct {
	out      *output
	api      provider
	conn     *grpc.ClientConn
	client   *plugin.Client
	cmd      *exec.Cmd
	schemas  map[string][]attribute
	provider []attribute
}

func (r *runner) attributesOf(typeName string) ([]attribute, error) {
	if err := r.ensureSchema(); err != nil {
		return nil, err
	}
	attrs, ok := r.schemas[typeName]
	if !ok {
		// An unknown type still gets a request: the provider must answer it with a diagnostic.
		return []attribute{}, nil
	}
	return attrs, nil
}

// config encodes a step's data source config, or returns the step's failure result.
func (r *runner) config(typeName string, st step) ([]attribute, []byte, map[string]interface{}) {
	attrs, err := r.attributesOf(typeName)
	if err != nil {
		return nil, nil, rpcError(err)
	}
	cfg, err := encodeConfig(attrs, st)
	if err != nil {
		return nil, nil, clientError(err)
	}
	return attrs, cfg, nil
}

func (r *runner) ensureSchema() error {
	if r.schemas["\x00loaded"] != nil {
		return nil
	}
	s, err := r.api.schema(context.Background())
	if err != nil {
		return err
	}
	for name, ds := range s.DataSources {
		r.schemas[name] = ds.attrs
	}
	r.provider = s.Provider.attrs
	r.schemas["\x00loaded"] = []attribute{}
	return nil
}

func (r *runner) step(st step) map[string]interface{} {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	typeName := st.TypeName
	if typeName == "" {
		typeName = "ct_config"
	}
	switch st.Op {
	case "schema":
		s, err := r.api.schema(ctx)
		if err != nil {
			return rpcError(err)
		}
		for name, ds := range s.DataSources {
			r.schemas[name] = ds.attrs
		}
		r.provider = s.Provider.attrs
		r.schemas["\x00loaded"] = []attribute{}
		return map[string]interface{}{"schema": s}
	case "validate_provider", "configure":
		if err := r.ensureSchema(); err != nil {
			return rpcError(err)
		}
		cfg, err := encodeConfig(r.provider, st)
		if err != nil {
			return clientError(err)
		}
		var diags []diagnostic
		if st.Op == "configure" {
			diags, err = r.api.configure(ctx, cfg)
		} else {
			diags, err = r.api.validateProvider(ctx, cfg)
		}
		if err != nil {
			return rpcError(err)
		}
		return map[string]interface{}{"diagnostics": diags}
	case "validate", "read":
		attrs, cfg, failed := r.config(typeName, st)
		if failed != nil {
			return failed
		}
		if st.Op == "validate" {
			diags, err := r.api.validateData(ctx, typeName, cfg)
			if err != nil {
				return rpcError(err)
			}
			return map[string]interface{}{"diagnostics": diags}
		}
		state, diags, err := r.api.readData(ctx, typeName, cfg)
		if err != nil {
			return rpcError(err)
		}
		res := map[string]interface{}{"diagnostics": diags}
		decoded, derr := decodeState(attrs, state)
		if derr != nil {
			res["state_error"] = derr.Error()
		} else {
			res["state"] = decoded
		}
		return res
	case "stop":
		msg, err := r.api.stop(ctx)
		if err != nil {
			return rpcError(err)
		}
		return map[string]interface{}{"error": msg}
	case "ping":
		rpc, err := r.client.Client()
		if err == nil {
			err = rpc.Ping()
		}
		if err != nil {
			return rpcError(err)
		}
		return map[string]interface{}{"ok": true}
	case "shutdown":
		// What go-plugin's client sends on Kill, sent on its own: the provider must then exit
		// by itself, without the SIGKILL that Kill falls back on.
		err := r.conn.Invoke(ctx, "/plugin.GRPCController/Shutdown", &empty.Empty{}, &empty.Empty{})
		res := map[string]interface{}{}
		if err != nil {
			res["rpc_error"] = err.Error()
		}
		res["exited"] = waitExit(r.client, 20*time.Second)
		r.client.Kill()
		res["provider"] = processStatus(r.cmd)
		return res
	case "kill":
		r.client.Kill()
		return map[string]interface{}{"provider": processStatus(r.cmd)}
	case "cancel_mid_call", "kill_self_mid_call":
		_, cfg, failed := r.config(typeName, st)
		if failed != nil {
			return failed
		}
		callCtx, callCancel := context.WithCancel(context.Background())
		defer callCancel()
		done := make(chan error, 1)
		go func() {
			_, _, err := r.api.readData(callCtx, typeName, cfg)
			done <- err
		}()
		select {
		case err := <-done:
			// The call beat the deadline; say so, the test then knows nothing was cut off.
			return map[string]interface{}{"finished_first": true, "rpc_error": errString(err)}
		case <-time.After(time.Duration(st.DelayMs) * time.Millisecond):
		}
		if st.Op == "kill_self_mid_call" {
			r.out.write(map[string]interface{}{"event": "killing_self", "provider_pid": r.client.ReattachConfig().Pid})
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		callCancel()
		return map[string]interface{}{"finished_first": false, "rpc_error": errString(<-done)}
	}
	return clientError(fmt.Errorf("unknown op %q", st.Op))
}

func waitExit(client *plugin.Client, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if client.Exited() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// processStatus says how the provider process ended, once go-plugin has reaped it.
func processStatus(cmd *exec.Cmd) map[string]interface{} {
	if cmd.ProcessState == nil {
		return map[string]interface{}{"reaped": false}
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	res := map[string]interface{}{"reaped": true, "exit_code": ws.ExitStatus()}
	if ws.Signaled() {
		res["signal"] = ws.Signal().String()
	}
	return res
}

func rpcError(err error) map[string]interface{} {
	return map[string]interface{}{"rpc_error": err.Error()}
}

func clientError(err error) map[string]interface{} {
	return map[string]interface{}{"client_error": err.Error()}
}

func errString(err error) interface{} {
	if err == nil {
		return nil
	}
	return err.Error()
}

// lockedBuffer collects the provider's stderr, written by go-plugin's reader goroutine.
type lockedBuffer struct {
	buf *bytes.Buffer
}

var stderrMu sync.Mutex

func (b *lockedBuffer) Write(p []byte) (int, error) {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	return b.buf.Write(p)
}

func providerStderrText(buf *bytes.Buffer) string {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	return strings.TrimSpace(buf.String())
}
