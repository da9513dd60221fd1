// HTTP exchanges with metadata services through the fetcher's retry loop (src/resource/http.ts):
// offline refusal (NEED_NET), extra headers, which statuses mean "nothing here" and which are
// retried. Bodies come back as bytes because user data may be gzip.
import type { Readable } from 'node:stream';
import { fetchError } from '../resource/errors.ts';
import { requireOnline, tighterDeadline } from '../resource/offline.ts';
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
  return { status: res.status, body: await readBodyWithin(res.body, bodyDeadlineMs(ctx, req), req.url), headers: res.headers };
}

/** Metadata answers are small: the body must arrive within the response timeout, or the request's deadline when tighter. */
function bodyDeadlineMs(ctx: ProviderContext, req: MetadataRequest): number {
  return tighterDeadline(ctx.fetch.timeouts.responseHeadersMs, tighterDeadline(ctx.fetch.timeouts.totalMs, req.totalMs)) || BODY_FALLBACK_MS;
}

/** Without any configured limit, a stalled body still ends. */
const BODY_FALLBACK_MS = 10_000;

async function readBodyWithin(body: Readable, ms: number, source: string): Promise<Buffer> {
  const timer = setTimeout(() => body.destroy(fetchError('TIMEOUT', [], source, new Error(`the response body did not arrive within ${ms} ms`))), ms);
  try {
    return await readBody(body);
  } finally {
    clearTimeout(timer);
  }
}

/** GET a text value; undefined on any passed status (404 by default). */
export async function getTextOrUndefined(ctx: ProviderContext, url: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  const res = await metadataRequest(ctx, { url, headers, pass: [404] });
  return res.status === 404 ? undefined : res.body.toString('utf8');
}
