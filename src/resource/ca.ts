// Extra trust from ignition.security.tls.certificateAuthorities (ignition-spec.md §8.4): each entry
// is fetched with its own headers, compression and hash, must hold PEM certificates, and joins the
// system pool for every later HTTPS fetch of that config.
import type { ConfigPath } from '../report.ts';
import { createFetchContext, timeoutsFromConfig, type FetchContext, type ProxySettings } from './context.ts';
import { fetchError } from './errors.ts';
import { closeFetchContext, fetchToBuffer } from './fetch.ts';
import type { Resource } from './types.ts';

/** The parts of a config's `ignition` section that configure the fetcher. */
export interface IgnitionFetchSettings {
  timeouts?: { httpResponseHeaders?: number | null; httpTotal?: number | null } | null;
  proxy?: ProxySettings | null;
  security?: { tls?: { certificateAuthorities?: readonly Resource[] | null } | null } | null;
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits a bundle into PEM certificates; a bundle without any, or with a broken one, fails. */
export function parseBundle(text: string, path: ConfigPath, source: string): string[] {
  const blocks = text.match(pemBlock) ?? [];
  if (blocks.length === 0) throw fetchError('TLS_CA_INVALID', path, source, undefined);
  for (const block of blocks) {
    try {
      new (process.getBuiltinModule('node:crypto').X509Certificate)(block);
    } catch (error) {
      throw fetchError('TLS_CA_INVALID', path, source, error);
    }
  }
  return blocks;
}

/**
 * A context configured from a config's `ignition` section: its timeouts and proxy, and its CAs
 * fetched (through that proxy, trusting what `base` trusts) and added to the trust.
 */
export async function contextForConfig(ignition: IgnitionFetchSettings | null | undefined, base: FetchContext): Promise<FetchContext> {
  const configured = createFetchContext({
    ...base,
    connections: {},
    timeouts: ignition?.timeouts === undefined || ignition.timeouts === null ? base.timeouts : timeoutsFromConfig(ignition.timeouts),
    proxy: ignition?.proxy ?? base.proxy,
  });
  const extra: string[] = [];
  const cas = ignition?.security?.tls?.certificateAuthorities ?? [];
  for (const [index, ca] of cas.entries()) {
    const path = ['ignition', 'security', 'tls', 'certificateAuthorities', index];
    const bytes = await fetchToBuffer(ca, configured, path);
    extra.push(...parseBundle(bytes.toString('utf8'), path, ca.source ?? ''));
  }
  if (extra.length === 0) return configured;
  await closeFetchContext(configured);
  return { ...configured, connections: {}, certificateAuthorities: [...base.certificateAuthorities, ...extra] };
}
