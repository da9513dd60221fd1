// Real servers on 127.0.0.1 for the resource tests: an HTTP(S) origin with per-test handlers, a
// forward proxy (absolute-form and CONNECT) that records what went through it, TLS material made
// with the openssl CLI, and a fake clock for the retry loop.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../helpers/process.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Running {
  url: string;
  port: number;
  /** Method and path of every request, in arrival order. */
  seen: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close: () => Promise<void>;
}

function track(server: Server, base: string, host: string, seen: Running['seen']): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${base}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
        port,
        seen,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startHttp(handler: Handler, host = '127.0.0.1'): Promise<Running> {
  const seen: Running['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return track(server, 'http', host, seen);
}

export function startHttps(handler: Handler, tls: TlsFiles): Promise<Running> {
  const seen: Running['seen'] = [];
  const server = createHttpsServer({ key: tls.serverKey, cert: tls.serverCert }, (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return track(server as unknown as Server, 'https', '127.0.0.1', seen);
}

/**
 * A forward proxy. Plain requests (absolute-form) and CONNECT tunnels are sent to `origin(host)`,
 * so a test can name hosts that do not resolve and still reach a local server through the proxy.
 */
export function startProxy(origin: (host: string) => { host: string; port: number }): Promise<Running> {
  const seen: Running['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const target = new URL(req.url ?? '');
    const to = origin(target.host);
    const upstream = httpRequest(
      { host: to.host, port: to.port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push({ method: 'CONNECT', url: req.url ?? '', headers: req.headers });
    const to = origin(req.url ?? '');
    const upstream = connect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return track(server, 'http', '127.0.0.1', seen);
}

export interface TlsFiles {
  dir: string;
  caCert: string;
  serverKey: string;
  serverCert: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1 and files.example.test, via openssl. */
export function makeTls(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-tls-'));
  const run = (...args: string[]): void => {
    runSync('openssl', args, { cwd: dir, check: true });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Kindling Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=files.example.test');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:files.example.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  return {
    dir,
    caCert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    serverKey: readFileSync(join(dir, 'server.key'), 'utf8'),
    serverCert: readFileSync(join(dir, 'server.pem'), 'utf8'),
  };
}

/** The retry clock for tests: sleeping advances virtual time at once and is recorded. */
export function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

/** A local IPv4 address that is not loopback (proxies never apply to loopback), if the machine has one. */
export function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/**
 * What a stage does with a fetched resource: fetch into a temporary file beside the destination,
 * then rename it into place. Fault tests use it to show that nothing appears at the destination.
 */
export async function installTo(
  dest: string,
  run: (dir: string) => Promise<{ file: string }>,
): Promise<void> {
  const { rename } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const fetched = await run(dirname(dest));
  await rename(fetched.file, dest);
}
