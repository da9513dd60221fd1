// HTTP(S) for every scheme that speaks it (http, https, and the S3/GCS/metadata APIs). The only
// undici importer: default headers, redirects, status policy, retries, timeouts, proxy and trust.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

// undici is the largest part of the bundle; stages that only read the fetch stage's cache (every
// stage after fetch) never make a request, so it is loaded on the first request only.
type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
// Bundled as an ES module chunk, undici (CommonJS) arrives as the namespace's default export.
const loadUndici = (): Promise<Undici> =>
  (undici ??= import('undici').then((m) => ('Agent' in m && typeof m.Agent === 'function' ? m : (m as unknown as { default: Undici }).default)));
import type { ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { describe, fetchError } from './errors.ts';
import { proxyFor } from './no-proxy.ts';
import { requireOnline, tighterDeadline } from './offline.ts';
import { withRetries, type Attempt } from './retry.ts';
import { redact } from './url.ts';

export type Headers = Record<string, string>;

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'PUT';
  /** Sent to the first URL only; redirect targets get `redirectHeaders` (upstream drops custom headers). */
  headers: Headers;
  redirectHeaders?: Headers;
  /** Statuses handed back to the caller rather than treated as failures. */
  pass?: (status: number) => boolean;
  /** Statuses retried besides >= 500 (providers such as Azure add 404/410/429). */
  retry?: (status: number) => boolean;
  /** A shorter deadline than ctx.timeouts.totalMs for this request (metadata look-ups); 0 = the context's. */
  totalMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** Reads and drops the rest of the body, for responses the caller does not want. */
  discard: () => Promise<void>;
}

/** Go's http.Client gives up after ten redirects; so do we. */
export const maxRedirects = 10;

/**
 * A response body that stops arriving for this long fails the attempt. Upstream's client has no
 * such limit when httpTotal is unset (its default), so a server that sends headers and then stalls
 * would hold the boot forever; a minute without a byte is far beyond any working server
 * (docs/compatibility.md, "A stalled body fails").
 */
export const BODY_IDLE_MS = 60_000;

// node:http and node:tls are loaded when first needed, not when this module loads: the single
// executable's startup snapshot holds this module evaluated, and Node's snapshot builder cannot
// serialise those two (src/warm.ts).
const statusText = (code: number): string | undefined => process.getBuiltinModule('node:http').STATUS_CODES[code];

/** The headers upstream sends on every HTTP fetch (ignition-spec.md §8.2). */
export function defaultHeaders(ctx: FetchContext): Headers {
  return {
    'user-agent': ctx.userAgent,
    accept: 'application/vnd.coreos.ignition+json;version=3.6.0, */*;q=0.1',
    'accept-encoding': 'identity',
  };
}

/** Opens a response with upstream's retry loop; failures are ProvisionErrors naming `source`. */
export async function httpOpen(req: HttpRequest, ctx: FetchContext, path: ConfigPath, source: string): Promise<HttpResponse> {
  requireOnline(ctx, source, path);
  // A request's own deadline can only shorten the context's, never lift it.
  const totalMs = tighterDeadline(ctx.timeouts.totalMs, req.totalMs);
  const started = ctx.now();
  const res = await withRetries(ctx, path, source, (n, headersTimeout) => attempt(req, ctx, path, source, n, headersTimeout), { totalMs });
  // As upstream's request context: httpTotal bounds reading the body too, not only the attempts.
  if (totalMs > 0) bodyDeadline(res.body, started + totalMs - ctx.now(), path, source);
  return res;
}

/** Destroys `body` with a TIMEOUT error naming `source` unless it has closed within `ms`. */
function bodyDeadline(body: Readable, ms: number, path: ConfigPath, source: string): void {
  const timer = setTimeout(() => {
    body.destroy(fetchError('TIMEOUT', path, source, new Error('the response body did not arrive within httpTotal')));
  }, Math.max(0, ms));
  body.once('close', () => clearTimeout(timer));
}

async function attempt(
  req: HttpRequest,
  ctx: FetchContext,
  path: ConfigPath,
  source: string,
  n: number,
  headersTimeout: number,
): Promise<Attempt<HttpResponse>> {
  let method = req.method ?? 'GET';
  let url = new URL(req.url);
  let headers = req.headers;
  ctx.log(`${method} ${redact(url.href)}: attempt #${n}`);
  const { Agent, ProxyAgent, request } = await loadUndici();
  for (let hop = 0; hop <= maxRedirects; hop++) {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(withoutUserinfo(url), {
        method,
        headers: basicAuth(url, headers),
        dispatcher: dispatcherFor(url, ctx, Agent, ProxyAgent),
        headersTimeout,
        bodyTimeout: ctx.timeouts.bodyIdleMs ?? BODY_IDLE_MS,
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal?.aborted === true) throw error;
      ctx.log(`${method} error: ${describe(error)}`);
      if (isTlsFailure(error)) throw fetchError('TLS_UNTRUSTED', path, source, error);
      // Only the network gets another try: a bad argument fails the same way every time.
      if (!isTransient(error)) throw fetchError('FETCH_FAILED', path, source, error);
      return { ok: false, cause: error };
    }
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      await res.body.dump().catch(() => {});
      url = new URL(location, url);
      // As browsers and Go do: 303, and 301/302 after anything but GET/HEAD, continue as GET.
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'PUT')) method = 'GET';
      headers = req.redirectHeaders ?? defaultHeaders(ctx);
      continue;
    }
    ctx.log(`${method} result: ${statusText(res.statusCode) ?? res.statusCode}`);
    if (res.statusCode === 200 || res.statusCode === 204 || req.pass?.(res.statusCode) === true) {
      const body = res.body;
      return { ok: true, value: { status: res.statusCode, headers: res.headers, body, discard: () => body.dump().catch(() => {}) } };
    }
    await res.body.dump().catch(() => {});
    const cause = new Error(`HTTP status ${res.statusCode} ${statusText(res.statusCode) ?? ''}`.trim());
    if (res.statusCode >= 500 || req.retry?.(res.statusCode) === true) return { ok: false, cause };
    if (res.statusCode === 404) throw fetchError('NOT_FOUND', path, source, undefined);
    throw fetchError('FETCH_FAILED', path, source, cause);
  }
  throw fetchError('REDIRECT_LOOP', path, source, undefined, maxRedirects);
}

/** Network and timeout failures; not our own mistakes (TypeError) nor undici's argument checks. */
function isTransient(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError) return false;
  return (error as { code?: unknown }).code !== 'UND_ERR_INVALID_ARG';
}

/** Like Go's client, credentials in the URL become a Basic Authorization header. */
function basicAuth(url: URL, headers: Headers): Headers {
  if ((url.username === '' && url.password === '') || headers.authorization !== undefined) return headers;
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { ...headers, authorization: `Basic ${Buffer.from(user).toString('base64')}` };
}

function withoutUserinfo(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return bare;
}

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Certificate failures never heal by retrying, so they fail at once (see docs/compatibility.md). */
function isTlsFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && tlsCodes.has(code)) return true;
  }
  return false;
}

const systemBundles = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem'];
let systemRoots: string[] | undefined;

/** Trust = the distribution's CA bundle (as Go's system pool), Node's roots, and the config's CAs. */
function trusted(ctx: FetchContext): string[] {
  if (systemRoots === undefined) {
    systemRoots = [...process.getBuiltinModule('node:tls').rootCertificates];
    for (const bundle of systemBundles) {
      try {
        systemRoots.push(readFileSync(bundle, 'utf8'));
        break;
      } catch {
        continue;
      }
    }
  }
  return [...systemRoots, ...ctx.certificateAuthorities];
}

const pools = new WeakMap<object, Map<string, Dispatcher>>();
const trustKeys = new WeakMap<readonly string[], string>();

function trustKey(cas: readonly string[]): string {
  let key = trustKeys.get(cas);
  if (key === undefined) {
    key = process.getBuiltinModule('node:crypto').createHash('sha256').update(cas.join('\n')).digest('hex');
    trustKeys.set(cas, key);
  }
  return key;
}

function dispatcherFor(url: URL, ctx: FetchContext, Agent: Undici['Agent'], ProxyAgent: Undici['ProxyAgent']): Dispatcher {
  let pool = pools.get(ctx.connections);
  if (pool === undefined) {
    pool = new Map();
    pools.set(ctx.connections, pool);
  }
  const proxy = proxyFor(url, ctx.proxy);
  const key = `${proxy === undefined ? 'direct' : `${url.protocol}${proxy}`} ${trustKey(ctx.certificateAuthorities)}`;
  let dispatcher = pool.get(key);
  if (dispatcher === undefined) {
    const ca = trusted(ctx);
    const connect = { timeout: 30_000, ca };
    dispatcher =
      proxy === undefined
        ? new Agent({ connect })
        : new ProxyAgent({ uri: proxy, proxyTunnel: url.protocol === 'https:', connect, requestTls: connect, proxyTls: connect });
    pool.set(key, dispatcher);
  }
  return dispatcher;
}

/** Closes the connection pools of a context; call when the stage is done fetching. */
export async function closeHttp(ctx: FetchContext): Promise<void> {
  const pool = pools.get(ctx.connections);
  pools.delete(ctx.connections);
  if (pool !== undefined) await Promise.all([...pool.values()].map((d) => d.close()));
}
