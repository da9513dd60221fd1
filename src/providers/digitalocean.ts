// DigitalOcean: user data at /metadata/v1/user-data where every error, 404 included, is fatal
// (upstream), and metadata from the single /metadata/v1.json document.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { canonicalIp, indexed } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import { entry } from '../report.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const DIGITALOCEAN_ENDPOINT = 'DIGITALOCEAN_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

interface DoAddress {
  ip_address?: string;
}
interface DoInterface {
  ipv4?: DoAddress;
  ipv6?: DoAddress;
  anchor_ipv4?: DoAddress;
}
interface DoMetadata {
  hostname?: string;
  region?: string;
  public_keys?: string[];
  interfaces?: { public?: DoInterface[]; private?: DoInterface[] };
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const url = `${baseUrl(ctx, DIGITALOCEAN_ENDPOINT, DEFAULT_BASE)}/metadata/v1.json`;
  const text = await getTextOrUndefined(ctx, url);
  if (text === undefined) throw entry('error', 'METADATA_FAILED', undefined, 'digitalocean', `${url} not found`);
  const doc = JSON.parse(text) as DoMetadata;
  const pub = doc.interfaces?.public ?? [];
  const priv = doc.interfaces?.private ?? [];
  // Indexed by interface position and printed as parsed addresses (IPv6 compressed, lower case), as Afterburn does.
  const ip = (a: DoAddress | undefined) => (a?.ip_address === undefined ? undefined : canonicalIp(a.ip_address));
  const attributes: Record<string, string> = {
    ...indexed('DIGITALOCEAN_IPV4_PUBLIC', pub.map((i) => ip(i.ipv4))),
    ...indexed('DIGITALOCEAN_IPV4_ANCHOR', pub.map((i) => ip(i.anchor_ipv4))),
    ...indexed('DIGITALOCEAN_IPV6_PUBLIC', pub.map((i) => ip(i.ipv6))),
    ...indexed('DIGITALOCEAN_IPV4_PRIVATE', priv.map((i) => ip(i.ipv4))),
    ...indexed('DIGITALOCEAN_IPV6_PRIVATE', priv.map((i) => ip(i.ipv6))),
  };
  if (doc.hostname !== undefined) attributes.DIGITALOCEAN_HOSTNAME = doc.hostname;
  if (doc.region !== undefined) attributes.DIGITALOCEAN_REGION = doc.region;
  return { attributes, sshKeys: doc.public_keys ?? [], hostname: doc.hostname };
}

export const digitalocean = httpUserDataProvider(
  { id: 'digitalocean', endpoint: DIGITALOCEAN_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/metadata/v1/user-data', notFoundIsError: true },
  { metadata },
);
