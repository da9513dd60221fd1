// Base addresses of the metadata services. Each has a name (AWS_METADATA, AZURE_METADATA, ...) and
// can be pointed at a test server with ProviderContext.endpoints or, like the fetcher's endpoints,
// the environment variable KINDLING_TEST_ENDPOINT_<NAME>; nothing else changes where we connect.
import type { ProviderContext } from './types.ts';

export const TEST_ENDPOINT_PREFIX = 'KINDLING_TEST_ENDPOINT_';

/** The base URL (no trailing slash) for `name`, or `fallback` when nothing overrides it. */
export function baseUrl(ctx: ProviderContext, name: string, fallback: string): string {
  const fromFetch = (ctx.fetch.endpoints as Record<string, string | undefined>)[name];
  const value = ctx.endpoints[name] ?? fromFetch ?? ctx.env[`${TEST_ENDPOINT_PREFIX}${name}`];
  return (value === undefined || value === '' ? fallback : value).replace(/\/+$/, '');
}

/** True when the base address was overridden (tests): link-local-only tricks such as IPv6 zones are skipped. */
export function isOverridden(ctx: ProviderContext, name: string): boolean {
  return baseUrl(ctx, name, '') !== '';
}
