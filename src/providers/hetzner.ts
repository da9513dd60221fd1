// Hetzner Cloud: user data at /hetzner/v1/userdata (404 = none); metadata from the YAML-ish
// /hetzner/v1/metadata document (flat `key: value` lines are all we read) and its sub-paths.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const HETZNER_ENDPOINT = 'HETZNER_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

/** Top-level `key: value` pairs of a simple YAML mapping (nested blocks are skipped). */
export function flatYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (m === null || m[2] === undefined || m[2] === '') continue;
    out[m[1]!] = m[2].replace(/^(['"])(.*)\1$/, '$2').trim();
  }
  return out;
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, HETZNER_ENDPOINT, DEFAULT_BASE)}/hetzner/v1`;
  const doc = flatYaml((await getTextOrUndefined(ctx, `${base}/metadata`)) ?? '');
  const attributes: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') attributes[name] = value;
  };
  set('HETZNER_HOSTNAME', doc.hostname);
  set('HETZNER_INSTANCE_ID', doc['instance-id']);
  set('HETZNER_PUBLIC_IPV4', doc['public-ipv4']);
  set('HETZNER_AVAILABILITY_ZONE', doc['availability-zone']);
  set('HETZNER_REGION', doc.region);
  const keysJson = await getTextOrUndefined(ctx, `${base}/metadata/public-keys`);
  const sshKeys = keysJson === undefined ? [] : (JSON.parse(keysJson) as string[]).filter((k) => typeof k === 'string' && k !== '');
  return { attributes, sshKeys, hostname: attributes.HETZNER_HOSTNAME };
}

export const hetzner = httpUserDataProvider(
  { id: 'hetzner', endpoint: HETZNER_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/hetzner/v1/userdata' },
  { metadata },
);
