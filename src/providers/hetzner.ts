// Hetzner Cloud: user data at /hetzner/v1/userdata (404 = none); metadata as Afterburn reads it:
// the YAML document /hetzner/v1/metadata (and the public IPv6 from its network-config block), the
// private networks at /metadata/private-networks, keys at /metadata/public-keys and the hostname
// at /metadata/hostname.
import { canonicalIp, indexed } from './attributes.ts';
import { isMapping, listOf, parseBlockYaml, textOf, type BlockMapping, type BlockValue } from './block-yaml.ts';
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import { entry } from '../report.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const HETZNER_ENDPOINT = 'HETZNER_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';


/**
 * The first public IPv6 address of the network config (cloud-init v1 layout): the first
 * `physical` entry's first subnet with `ipv6: true`, its address without the prefix length.
 */
export function publicIpv6(networkConfig: BlockValue | undefined): string | undefined {
  if (!isMapping(networkConfig)) return undefined;
  const physical = listOf(networkConfig.config).find((e) => isMapping(e) && e.type === 'physical');
  if (!isMapping(physical)) return undefined;
  const subnet = listOf(physical.subnets).find((s) => isMapping(s) && s.ipv6 === true);
  const address = isMapping(subnet) ? textOf(subnet.address) : undefined;
  if (address === undefined) return undefined;
  const ip = canonicalIp(address);
  return ip.includes(':') ? ip : undefined;
}

async function yamlAt(ctx: ProviderContext, url: string): Promise<BlockValue> {
  const body = await getTextOrUndefined(ctx, url);
  if (body === undefined) throw entry('error', 'METADATA_FAILED', undefined, 'hetzner', `${url} not found`);
  return parseBlockYaml(body);
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, HETZNER_ENDPOINT, DEFAULT_BASE)}/hetzner/v1/metadata`;
  const doc = await yamlAt(ctx, base);
  const meta: BlockMapping = isMapping(doc) ? doc : {};
  const privateNetworks = listOf(await yamlAt(ctx, `${base}/private-networks`));
  const attributes: Record<string, string> = indexed(
    'HETZNER_PRIVATE_IPV4',
    privateNetworks.map((n) => (isMapping(n) ? textOf(n.ip) : undefined)),
  );
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) attributes[name] = value;
  };
  set('HETZNER_AVAILABILITY_ZONE', textOf(meta['availability-zone']));
  set('HETZNER_HOSTNAME', textOf(meta.hostname));
  set('HETZNER_INSTANCE_ID', textOf(meta['instance-id']));
  set('HETZNER_PUBLIC_IPV4', textOf(meta['public-ipv4']));
  set('HETZNER_PUBLIC_IPV6', publicIpv6(meta['network-config']));
  set('HETZNER_REGION', textOf(meta.region));
  const keysJson = await getTextOrUndefined(ctx, `${base}/public-keys`);
  const sshKeys = keysJson === undefined ? [] : (JSON.parse(keysJson) as unknown[]).filter((k): k is string => typeof k === 'string' && k !== '');
  const hostname = (await getTextOrUndefined(ctx, `${base}/hostname`))?.trim();
  return { attributes, sshKeys, hostname: hostname === '' ? undefined : hostname };
}

export const hetzner = httpUserDataProvider(
  { id: 'hetzner', endpoint: HETZNER_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/hetzner/v1/userdata' },
  { metadata },
);
