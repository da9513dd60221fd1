// An upstream-style provider for the handshake bench: HashiCorp's go-plugin server (what every
// provider built on HashiCorp's SDKs runs) serving a ct_config-shaped data source over tfplugin5.
// It does not render Butane (rendered echoes content); it only sets the yardstick for the time
// from process start to the handshake line.
package main

import (
	"context"
	"hash/crc32"
	"strconv"

	plugin "github.com/hashicorp/go-plugin"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
	"google.golang.org/grpc"
	proto "kindling.local/terraform/tfplugin5"
)

var dataType = cty.Object(map[string]cty.Type{
	"content": cty.String, "snippets": cty.List(cty.String), "strict": cty.Bool,
	"pretty_print": cty.Bool, "files_dir": cty.String, "rendered": cty.String, "id": cty.String,
})

type server struct {
	proto.UnimplementedProviderServer
}

func attr(name, ty string, required, optional, computed bool) *proto.Schema_Attribute {
	return &proto.Schema_Attribute{Name: name, Type: []byte(ty), Required: required, Optional: optional, Computed: computed}
}

func (server) GetSchema(context.Context, *proto.GetProviderSchema_Request) (*proto.GetProviderSchema_Response, error) {
	return &proto.GetProviderSchema_Response{
		Provider: &proto.Schema{Block: &proto.Schema_Block{}},
		DataSourceSchemas: map[string]*proto.Schema{"ct_config": {Block: &proto.Schema_Block{Attributes: []*proto.Schema_Attribute{
			attr("content", `"string"`, true, false, false),
			attr("snippets", `["list","string"]`, false, true, false),
			attr("strict", `"bool"`, false, true, false),
			attr("pretty_print", `"bool"`, false, true, false),
			attr("files_dir", `"string"`, false, true, false),
			attr("rendered", `"string"`, false, false, true),
			attr("id", `"string"`, false, false, true),
		}}}},
	}, nil
}

func (server) PrepareProviderConfig(_ context.Context, r *proto.PrepareProviderConfig_Request) (*proto.PrepareProviderConfig_Response, error) {
	return &proto.PrepareProviderConfig_Response{PreparedConfig: r.Config}, nil
}

func (server) Configure(context.Context, *proto.Configure_Request) (*proto.Configure_Response, error) {
	return &proto.Configure_Response{}, nil
}

func (server) ValidateDataSourceConfig(context.Context, *proto.ValidateDataSourceConfig_Request) (*proto.ValidateDataSourceConfig_Response, error) {
	return &proto.ValidateDataSourceConfig_Response{}, nil
}

func (server) ReadDataSource(_ context.Context, r *proto.ReadDataSource_Request) (*proto.ReadDataSource_Response, error) {
	v, err := ctymsgpack.Unmarshal(r.Config.Msgpack, dataType)
	if err != nil {
		return nil, err
	}
	attrs := v.AsValueMap()
	content := attrs["content"]
	attrs["rendered"] = content
	attrs["id"] = cty.StringVal(strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(content.AsString()))), 10))
	state, err := ctymsgpack.Marshal(cty.ObjectVal(attrs), dataType)
	if err != nil {
		return nil, err
	}
	return &proto.ReadDataSource_Response{State: &proto.DynamicValue{Msgpack: state}}, nil
}

func (server) Stop(context.Context, *proto.Stop_Request) (*proto.Stop_Response, error) {
	return &proto.Stop_Response{}, nil
}

type providerPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (providerPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterProviderServer(s, &server{})
	return nil
}

func (providerPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (interface{}, error) {
	return nil, nil
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  5,
			MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		},
		VersionedPlugins: map[int]plugin.PluginSet{5: {"provider": providerPlugin{}}},
		GRPCServer:       plugin.DefaultGRPCServer,
	})
}
