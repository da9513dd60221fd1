// Requests the fetcher cannot make: a body (POST/PATCH check-ins to Azure, Scaleway, Packet) or a
// privileged source port (Scaleway only answers from ports below 1024). Plain node:http, but the
// fetcher's offline gate, retry loop, deadline and cancellation; user data and metadata otherwise
// go through http.ts.
import { requireOnline } from '../resource/offline.ts';
import { withRetries, type Attempt } from '../resource/retry.ts';
import type { ProviderContext } from './types.ts';

export interface SendRequest {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Bind the client socket to a random port in 1..1022 (needs root or CAP_NET_BIND_SERVICE). */
  privilegedPort?: boolean;
  /** Attempts before giving up on connection errors and 5xx; the context's deadline applies as well. */
  attempts?: number;
}

export interface SendResponse {
  status: number;
  body: Buffer;
}

/** One exchange; the whole of it (connect, headers, body) must fit in `timeoutMs` (0 = no limit). */
function once(req: SendRequest, localPort: number | undefined, timeoutMs: number, signal: AbortSignal | undefined): Promise<SendResponse> {
  const url = new URL(req.url);
  // Loaded on first use, not with the module: the startup snapshot holds this module (src/warm.ts).
  const send = url.protocol === 'https:' ? process.getBuiltinModule('node:https').request : process.getBuiltinModule('node:http').request;
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = send(url, { method: req.method, headers, localPort, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    const timer = timeoutMs > 0 ? setTimeout(() => r.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs) : undefined;
    r.on('close', () => clearTimeout(timer));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends once per attempt until a status below 500 arrives; that response is returned as it is. */
export async function send(ctx: ProviderContext, req: SendRequest): Promise<SendResponse> {
  requireOnline(ctx.fetch, req.url);
  return withRetries(
    ctx.fetch,
    [],
    req.url,
    async (n, timeoutMs): Promise<Attempt<SendResponse>> => {
      ctx.fetch.log(`${req.method} ${req.url}: attempt #${n}`);
      try {
        const port = req.privilegedPort === true ? 1 + Math.floor(Math.random() * 1022) : undefined;
        const res = await once(req, port, timeoutMs, ctx.fetch.signal);
        if (res.status < 500) return { ok: true, value: res };
        return { ok: false, cause: new Error(`HTTP status ${res.status}`) };
      } catch (error) {
        if (ctx.fetch.signal?.aborted === true) throw error;
        return { ok: false, cause: error };
      }
    },
    { maxAttempts: req.attempts },
  );
}
