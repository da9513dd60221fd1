// HTTP exchanges with metadata services through the fetcher's retry loop (src/resource/http.ts):
// offline refusal (NEED_NET), extra headers, which statuses mean "nothing here" and which are
// retried. Bodies come back as bytes because user data may be gzip.
import type { Readable } from 'node:stream';
import { requireOnline } from '../resource/offline.ts';
import { defaultHeaders, httpOpen } from '../resource/http.ts';
import type { ProviderContext } from './types.ts';

export interface MetadataRequest {
  url: string;
  method?: 'GET' | 'PUT';
  headers?: Record<string, string>;
  /** Statuses handed back instead of failing (typically 404 = "no user data"). */
  pass?: readonly number[];
  /** Statuses retried like 5xx (Azure 404/410/429, Oracle 429). */
  retry?: readonly number[];
  /** A shorter deadline for this request than the context's (the fetch timeout); it never lifts it. */
  totalMs?: number;
}

export interface MetadataResponse {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Throws NEED_NET in fetch-offline: the caller will be run again once the network is up. */
export function requireNetwork(ctx: ProviderContext, source: string): void {
  requireOnline(ctx.fetch, source);
}

export async function metadataRequest(ctx: ProviderContext, req: MetadataRequest): Promise<MetadataResponse> {
  requireNetwork(ctx, req.url);
  const headers = { ...defaultHeaders(ctx.fetch) };
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  const pass = req.pass ?? [];
  const retry = req.retry ?? [];
  const res = await httpOpen(
    {
      url: req.url,
      method: req.method ?? 'GET',
      headers,
      redirectHeaders: headers,
      pass: (status) => pass.includes(status),
      retry: (status) => retry.includes(status),
      totalMs: req.totalMs,
    },
    ctx.fetch,
    [],
    req.url,
  );
  return { status: res.status, body: await readBody(res.body), headers: res.headers };
}

/** GET a text value; undefined on any passed status (404 by default). */
export async function getTextOrUndefined(ctx: ProviderContext, url: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  const res = await metadataRequest(ctx, { url, headers, pass: [404] });
  return res.status === 404 ? undefined : res.body.toString('utf8');
}
