// Akamai (Linode) Metadata Service: PUT /v1/token for a short-lived token, then GET with the
// `Metadata-Token` header. User data is base64 (and may be gzip inside); 404 = none. Always needs
// the network (upstream).
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined, metadataRequest } from './http.ts';
import { indexed } from './attributes.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';
import { decodeBase64OrThrow, userDataToConfig } from './user-data.ts';

export const AKAMAI_ENDPOINT = 'AKAMAI_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

async function token(ctx: ProviderContext, base: string): Promise<string> {
  const res = await metadataRequest(ctx, {
    url: `${base}/v1/token`,
    method: 'PUT',
    headers: { 'Metadata-Token-Expiry-Seconds': '300', Accept: 'text/plain' },
  });
  return res.body.toString('utf8').trim();
}

interface AkamaiInstance {
  id?: number | string;
  host_uuid?: string;
  label?: string;
  region?: string;
  type?: string;
  tags?: string[];
}
interface AkamaiNetwork {
  ipv4?: { public?: string[]; private?: string[]; shared?: string[] };
  ipv6?: { slaac?: string; link_local?: string; ranges?: string[]; shared_ranges?: string[] };
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = baseUrl(ctx, AKAMAI_ENDPOINT, DEFAULT_BASE);
  const headers = { 'Metadata-Token': await token(ctx, base), Accept: 'application/json' };
  const json = async <T>(path: string): Promise<T> => JSON.parse((await getTextOrUndefined(ctx, `${base}${path}`, headers)) ?? '{}') as T;
  const inst = await json<AkamaiInstance>('/v1/instance');
  const net = await json<AkamaiNetwork>('/v1/network');
  const keys = await json<{ users?: Record<string, string[]> }>('/v1/ssh-keys');
  const attributes: Record<string, string> = {
    ...indexed('AKAMAI_PUBLIC_IPV4', net.ipv4?.public ?? []),
    ...indexed('AKAMAI_PRIVATE_IPV4', net.ipv4?.private ?? []),
    ...indexed('AKAMAI_SHARED_IPV4', net.ipv4?.shared ?? []),
    ...indexed('AKAMAI_IPV6_RANGE', net.ipv6?.ranges ?? []),
    ...indexed('AKAMAI_IPV6_SHARED_RANGE', net.ipv6?.shared_ranges ?? []),
  };
  const set = (name: string, value: unknown) => {
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') attributes[name] = String(value);
  };
  set('AKAMAI_INSTANCE_ID', inst.id);
  set('AKAMAI_INSTANCE_HOST_UUID', inst.host_uuid);
  set('AKAMAI_INSTANCE_LABEL', inst.label);
  set('AKAMAI_INSTANCE_REGION', inst.region);
  set('AKAMAI_INSTANCE_TYPE', inst.type);
  // Afterburn writes the tags even when there are none (an empty value).
  attributes.AKAMAI_INSTANCE_TAGS = (inst.tags ?? []).join(':');
  set('AKAMAI_IPV6_SLAAC', net.ipv6?.slaac);
  set('AKAMAI_IPV6_LINK_LOCAL', net.ipv6?.link_local);
  return { attributes, sshKeys: Object.values(keys.users ?? {}).flat() };
}

export const akamai: Provider = {
  id: 'akamai',
  async fetchConfig(ctx) {
    const base = baseUrl(ctx, AKAMAI_ENDPOINT, DEFAULT_BASE);
    const headers = { 'Metadata-Token': await token(ctx, base), Accept: '*/*' };
    const url = `${base}/v1/user-data`;
    const res = await metadataRequest(ctx, { url, headers, pass: [404] });
    if (res.status === 404) {
      ctx.device.log.info(`no config: ${url} answered 404 (no user data)`);
      return undefined;
    }
    return userDataToConfig(ctx, decodeBase64OrThrow(res.body.toString('utf8'), url), url);
  },
  metadata,
};
