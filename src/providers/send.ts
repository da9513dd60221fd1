// Requests the fetcher cannot make: a body (POST/PATCH check-ins to Azure, Scaleway, Packet) or a
// privileged source port (Scaleway only answers from ports below 1024). Plain node:http with a
// small retry loop on the context's clock; user data and metadata otherwise go through http.ts.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fetchError } from '../resource/errors.ts';
import { backoff } from '../resource/retry.ts';
import type { ProviderContext } from './types.ts';

export interface SendRequest {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Bind the client socket to a random port in 1..1022 (needs root or CAP_NET_BIND_SERVICE). */
  privilegedPort?: boolean;
  /** Attempts before giving up on connection errors and 5xx; default: until the context's total deadline (0 = forever). */
  attempts?: number;
}

export interface SendResponse {
  status: number;
  body: Buffer;
}

function once(req: SendRequest, localPort: number | undefined): Promise<SendResponse> {
  const url = new URL(req.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = send(url, { method: req.method, headers, localPort, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('timed out waiting for the response')));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends once per attempt until a status below 500 arrives; that response is returned as it is. */
export async function send(ctx: ProviderContext, req: SendRequest): Promise<SendResponse> {
  if (ctx.fetch.offline) throw fetchError('NEED_NET', [], req.url, undefined);
  const attempts = req.attempts ?? Infinity;
  const deadline = ctx.fetch.timeouts.totalMs > 0 ? ctx.fetch.now() + ctx.fetch.timeouts.totalMs : Infinity;
  let lastCause: unknown;
  for (let n = 1; n <= attempts; n++) {
    ctx.fetch.log(`${req.method} ${req.url}: attempt #${n}`);
    try {
      const port = req.privilegedPort === true ? 1 + Math.floor(Math.random() * 1022) : undefined;
      const res = await once(req, port);
      if (res.status < 500) return res;
      lastCause = new Error(`HTTP status ${res.status}`);
    } catch (error) {
      lastCause = error;
    }
    if (n >= attempts) break;
    if (ctx.fetch.now() + backoff(n) >= deadline) throw fetchError('TIMEOUT', [], req.url, lastCause);
    await ctx.fetch.sleep(backoff(n));
  }
  throw fetchError('FETCH_FAILED', [], req.url, lastCause);
}
