// Everything a fetch depends on besides the resource itself: offline mode, timeouts, proxy, extra
// CAs, the logger, the retry clock and the overridable cloud endpoints. Built once per config.
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

export type Logger = (line: string) => void;

export interface FetchTimeouts {
  /** Per attempt, until the response headers arrive; 0 = no limit (ignition.timeouts.httpResponseHeaders). */
  responseHeadersMs: number;
  /** Over all attempts of one resource, the body included; 0 = retry forever (ignition.timeouts.httpTotal). */
  totalMs: number;
  /** Longest pause between two pieces of a response body; default BODY_IDLE_MS (http.ts). Not an Ignition setting. */
  bodyIdleMs?: number;
}

export interface ProxySettings {
  httpProxy?: string | null;
  httpsProxy?: string | null;
  noProxy?: readonly (string | null)[] | null;
}

/**
 * Services the fetcher talks to besides the resource's own host. Each can be pointed elsewhere with
 * `endpoints` or the environment variable `KINDLING_TEST_ENDPOINT_<NAME>` (e.g.
 * `KINDLING_TEST_ENDPOINT_S3=http://127.0.0.1:9000`); the option wins over the variable.
 * - S3: base URL of an S3-compatible service, addressed path-style (`<base>/<bucket>/<key>`);
 *   default `https://<bucket>.s3.<region>.<partition domain>` (virtual-hosted).
 * - GCS: base URL of the Cloud Storage JSON API; default `https://storage.googleapis.com`.
 * - AWS_METADATA, GCP_METADATA: instance metadata services; default `http://169.254.169.254`.
 */
export type EndpointName = 'S3' | 'GCS' | 'AWS_METADATA' | 'GCP_METADATA';

export interface FetchContext {
  /** fetch-offline: anything but `data:` fails with NEED_NET. */
  offline: boolean;
  timeouts: FetchTimeouts;
  proxy: ProxySettings;
  /** PEM text of extra trusted CAs, already fetched and verified (see ca.ts). */
  certificateAuthorities: readonly string[];
  log: Logger;
  /** The retry clock, injectable so tests do not wait for real backoffs. */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Where temporary files go unless a fetch names its own directory. */
  tmpDir: string;
  /** `aws` or `gcp` lets s3:// and gs:// fetches ask the instance metadata service for credentials. */
  platform: string | undefined;
  endpoints: Partial<Record<EndpointName, string>>;
  userAgent: string;
  /** Cancels every fetch made with this context (fetchAll uses it to stop the rest after a failure). */
  signal: AbortSignal | undefined;
  /**
   * Identity of the connection pools (see http.ts). Contexts derived with a spread share it, so a
   * per-fetchAll signal does not cost new connections; pools are also keyed by proxy and trust.
   */
  connections: object;
}

export const defaultTimeouts: FetchTimeouts = { responseHeadersMs: 10_000, totalMs: 0 };

export function createFetchContext(options: Partial<FetchContext> = {}): FetchContext {
  return {
    offline: options.offline ?? false,
    timeouts: options.timeouts ?? defaultTimeouts,
    proxy: options.proxy ?? {},
    certificateAuthorities: options.certificateAuthorities ?? [],
    log: options.log ?? (() => {}),
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    now: options.now ?? Date.now,
    tmpDir: options.tmpDir ?? tmpdir(),
    platform: options.platform,
    endpoints: options.endpoints ?? {},
    userAgent: options.userAgent ?? 'Ignition/2.26.0 (Kindling)',
    signal: options.signal,
    connections: options.connections ?? {},
  };
}

/** The ignition.timeouts section (seconds) as context timeouts; absent values take the defaults. */
export function timeoutsFromConfig(timeouts: { httpResponseHeaders?: number | null; httpTotal?: number | null } | null | undefined): FetchTimeouts {
  return {
    responseHeadersMs: (timeouts?.httpResponseHeaders ?? 10) * 1000,
    totalMs: (timeouts?.httpTotal ?? 0) * 1000,
  };
}

export function endpoint(ctx: FetchContext, name: EndpointName): string | undefined {
  const value = ctx.endpoints[name] ?? process.env[`KINDLING_TEST_ENDPOINT_${name}`];
  return value === undefined || value === '' ? undefined : value.replace(/\/+$/, '');
}
