// `terraform-provider-ct`: the provider process as go-plugin's client (Terraform, OpenTofu) starts
// it. Refuses to run without the magic cookie; requires AutoMTLS; serves gRPC on a unix socket in
// a private directory; prints the handshake line and nothing else on stdout (logs go to stderr,
// which Terraform shows with TF_LOG). Ends, removing the socket, on GRPCController.Shutdown (what
// Terraform calls when done), SIGTERM, or when its parent goes away. SIGINT is ignored as go-plugin
// plugins do: Terraform relays Ctrl-C to its plugins' process group and then asks them to Stop.
// Stdin is not watched: go-plugin hands the plugin Terraform's own stdin, which may be /dev/null.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOLD_OPEN, startGrpcServer, type RunningServer } from './grpc.ts';
import { checkClientCertificate, createServerCertificate } from './certificate.ts';
import { handshakeLine, hasMagicCookie, negotiateProtocol, NOT_A_PROGRAM } from './handshake.ts';
import { providerService } from './provider.ts';

/** Where the provider writes: text only (the CLI hands it file descriptors 1 and 2). */
export interface ProviderIo {
  stdout: ProviderOutput;
  stderr: ProviderOutput;
}

interface ProviderOutput {
  write(text: string): unknown;
}

type Env = Readonly<Record<string, string | undefined>>;

/** How often the parent is checked for: an orphaned provider would otherwise wait forever. */
const PARENT_POLL_MS = 500;

function logger(stderr: ProviderOutput): (level: string, message: string) => void {
  return (level, message) => {
    stderr.write(`${new Date().toISOString()} [${level}] terraform-provider-ct: ${message}\n`);
  };
}

/** Runs the provider until it is told to stop; resolves to the exit code. */
export async function serveProvider(env: Env, io: ProviderIo): Promise<number> {
  if (!hasMagicCookie(env)) {
    io.stderr.write(NOT_A_PROGRAM);
    return 1;
  }
  const log = logger(io.stderr);
  const clientCert = env['PLUGIN_CLIENT_CERT'];
  if (clientCert === undefined || clientCert.trim() === '') {
    log('ERROR', 'PLUGIN_CLIENT_CERT is not set: this provider only runs with go-plugin AutoMTLS (Terraform and OpenTofu use it)');
    return 1;
  }
  const certProblem = await checkClientCertificate(clientCert);
  if (certProblem !== undefined) {
    log('ERROR', `PLUGIN_CLIENT_CERT: ${certProblem}`);
    return 1;
  }
  const protocol = negotiateProtocol(env['PLUGIN_PROTOCOL_VERSIONS']);
  const serverCert = await createServerCertificate();

  let dir: string;
  try {
    dir = mkdtempSync(join(env['PLUGIN_UNIX_SOCKET_DIR'] || tmpdir(), 'plugin'));
  } catch (error) {
    log('ERROR', `cannot make the socket directory: ${(error as Error).message}`);
    return 1;
  }
  const socketPath = join(dir, 'ct.sock');
  let finish: (reason: string) => void = () => undefined;
  const finished = new Promise<string>((resolve) => {
    finish = resolve;
  });

  const provider = providerService(protocol);
  let server: RunningServer;
  try {
    server = await startGrpcServer({
      socketPath,
      keyPem: serverCert.keyPem,
      certPem: serverCert.certPem,
      clientCaPem: clientCert,
      services: {
        [provider.name]: provider.handlers,
        'plugin.GRPCController': {
          // Answered first, then the server goes: go-plugin's client waits for the reply or an error.
          Shutdown: () => {
            finish('shutdown requested');
            return {};
          },
        },
        'plugin.GRPCStdio': { StreamStdio: HOLD_OPEN },
        'plugin.GRPCBroker': { StartStream: HOLD_OPEN },
        'grpc.health.v1.Health': { Check: () => ({ status: 1 }) },
      },
      onHandlerError: (method, error) => log('ERROR', `${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    log('ERROR', `cannot serve on ${socketPath}: ${(error as Error).message}`);
    return 1;
  }

  const onTerm = (): void => finish('SIGTERM');
  const onInt = (): void => log('INFO', 'interrupt received, ignored (Terraform stops plugins itself)');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) finish('parent process exited');
  }, PARENT_POLL_MS);
  watch.unref();

  io.stdout.write(handshakeLine(protocol, socketPath, serverCert.der));
  log('INFO', `serving protocol ${protocol} on ${socketPath}`);

  const reason = await finished;
  clearInterval(watch);
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  log('INFO', `stopped: ${reason}`);
  return 0;
}
