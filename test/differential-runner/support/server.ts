// A loopback HTTP server for runner tests: each run gets its own URL prefix with its own routes,
// and every request is logged so a test can tell which stage did the fetching.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a route answers: a body, a bare status, a redirect, a body that needs a header, or `size`
 * bytes of `k` generated on the fly (so neither side of a large transfer is held in memory here).
 */
export type Served = string | Buffer | { status: number } | { redirect: string } | { body: string | Buffer; header: [string, string] } | { generated: number };

const CHUNK = Buffer.alloc(1 << 20, 'k');

function pump(res: ServerResponse, size: number): void {
  let left = size;
  const more = (): void => {
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

export interface LoopbackServer {
  base: string;
  /** Routes under `/<prefix>/`; replaces any earlier routes of that prefix. */
  route(prefix: string, routes: Record<string, Served>): void;
  /** Requests seen so far under `/<prefix>/`. */
  requests(prefix: string): number;
  close(): Promise<void>;
}

export async function startServer(latencyMs = 0): Promise<LoopbackServer> {
  const routes = new Map<string, Served>();
  const counts = new Map<string, number>();
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const prefix = path.split('/')[1] ?? '';
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    const served = routes.get(path);
    if (served === undefined) return void res.writeHead(404).end('not found\n');
    if (typeof served === 'string' || Buffer.isBuffer(served)) return void res.end(served);
    if ('status' in served) return void res.writeHead(served.status).end();
    if ('redirect' in served) return void res.writeHead(302, { location: served.redirect }).end();
    if ('generated' in served) return pump(res.writeHead(200, { 'content-length': served.generated }), served.generated);
    const [name, value] = served.header;
    if (req.headers[name.toLowerCase()] !== value) return void res.writeHead(403).end('missing header\n');
    res.end(served.body);
  };
  const server = createServer((req, res) => {
    if (latencyMs > 0) setTimeout(() => answer(req, res), latencyMs);
    else answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    route(prefix, table) {
      for (const key of [...routes.keys()]) if (key.startsWith(`/${prefix}/`)) routes.delete(key);
      for (const [name, served] of Object.entries(table)) routes.set(`/${prefix}/${name}`, served);
    },
    requests: (prefix) => counts.get(prefix) ?? 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
