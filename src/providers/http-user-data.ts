// The common shape of the simplest providers: one GET of user data at a link-local service, a
// policy for 404 (no config for most; an error on DigitalOcean and Packet), extra headers,
// extra retried statuses and an optional base64 layer.
import { baseUrl } from './endpoint.ts';
import { metadataRequest } from './http.ts';
import type { FetchedConfig, Provider, ProviderContext } from './types.ts';
import { decodeBase64OrThrow, userDataToConfig } from './user-data.ts';

export interface HttpUserDataSpec {
  id: string;
  /** Endpoint name for overrides, e.g. HETZNER_METADATA (KINDLING_TEST_ENDPOINT_HETZNER_METADATA). */
  endpoint: string;
  defaultBase: string;
  path: string;
  headers?: Record<string, string>;
  /** true: 404 is an error like any other (DigitalOcean, Packet). */
  notFoundIsError?: boolean;
  retry?: readonly number[];
  base64?: boolean;
}

export async function fetchHttpUserData(ctx: ProviderContext, spec: HttpUserDataSpec): Promise<FetchedConfig | undefined> {
  const url = `${baseUrl(ctx, spec.endpoint, spec.defaultBase)}${spec.path}`;
  const res = await metadataRequest(ctx, {
    url,
    headers: spec.headers,
    pass: spec.notFoundIsError === true ? [] : [404],
    retry: spec.retry,
  });
  if (res.status === 404) {
    ctx.device.log.info(`no config: ${url} answered 404 (no user data)`);
    return undefined;
  }
  const bytes = spec.base64 === true ? decodeBase64OrThrow(res.body.toString('utf8'), url) : res.body;
  return userDataToConfig(ctx, bytes, url);
}

export function httpUserDataProvider(spec: HttpUserDataSpec, extra: Omit<Provider, 'id' | 'fetchConfig'> = {}): Provider {
  return { id: spec.id, fetchConfig: (ctx) => fetchHttpUserData(ctx, spec), ...extra };
}
