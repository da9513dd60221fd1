// Scaleway: the metadata service at 169.254.42.42 only answers requests from a privileged source
// port (1-1023), so these requests bind one (send.ts). User data at /user_data/cloud-init (404 =
// none); metadata from /conf?format=json; check-in PATCHes /state to "booted".
import { baseUrl } from './endpoint.ts';
import { send } from './send.ts';
import { entry } from '../report.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';
import { fetchError } from '../resource/errors.ts';

export const SCALEWAY_ENDPOINT = 'SCALEWAY_METADATA';
const DEFAULT_BASE = 'http://169.254.42.42';

interface ScalewayConf {
  id?: string;
  hostname?: string;
  commercial_type?: string;
  private_ip?: string;
  public_ip?: { address?: string } | null;
  ipv6?: { address?: string } | null;
  location?: { zone_id?: string };
  ssh_public_keys?: { key?: string }[];
}

/** One privileged-port GET; EADDRINUSE on the random port is just another attempt. */
async function get(ctx: ProviderContext, url: string) {
  const res = await send(ctx, { url, method: 'GET', privilegedPort: true, headers: { 'user-agent': ctx.fetch.userAgent } });
  if (res.status !== 200 && res.status !== 404) throw fetchError('FETCH_FAILED', [], url, new Error(`HTTP status ${res.status}`));
  return res;
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const url = `${baseUrl(ctx, SCALEWAY_ENDPOINT, DEFAULT_BASE)}/conf?format=json`;
  const res = await get(ctx, url);
  if (res.status === 404) throw entry('error', 'METADATA_FAILED', undefined, 'scaleway', `${url} not found`);
  const conf = JSON.parse(res.body.toString('utf8')) as ScalewayConf;
  const attributes: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') attributes[name] = value;
  };
  set('SCALEWAY_HOSTNAME', conf.hostname);
  set('SCALEWAY_INSTANCE_ID', conf.id);
  set('SCALEWAY_INSTANCE_TYPE', conf.commercial_type);
  // The names Afterburn's code writes (its docs say SCALEWAY_PRIVATE_IPV4 and so on; units read these).
  set('SCALEWAY_IPV4_PRIVATE', conf.private_ip);
  set('SCALEWAY_IPV4_PUBLIC', conf.public_ip?.address);
  set('SCALEWAY_IPV6_PUBLIC', conf.ipv6?.address);
  set('SCALEWAY_ZONE_ID', conf.location?.zone_id);
  const sshKeys = (conf.ssh_public_keys ?? []).map((k) => (k.key ?? '').trim()).filter((k) => k !== '');
  return { attributes, sshKeys, hostname: conf.hostname };
}

async function checkIn(ctx: ProviderContext): Promise<void> {
  const res = await send(ctx, {
    url: `${baseUrl(ctx, SCALEWAY_ENDPOINT, DEFAULT_BASE)}/state`,
    method: 'PATCH',
    attempts: 5,
    privilegedPort: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state_detail: 'booted' }),
  });
  if (res.status >= 300) throw entry('error', 'CHECK_IN_FAILED', undefined, 'scaleway', `state answered HTTP ${res.status}`);
}

export const scaleway: Provider = {
  id: 'scaleway',
  async fetchConfig(ctx) {
    const url = `${baseUrl(ctx, SCALEWAY_ENDPOINT, DEFAULT_BASE)}/user_data/cloud-init`;
    const res = await get(ctx, url);
    if (res.status === 404) {
      ctx.device.log.info(`no config: ${url} answered 404 (no user data)`);
      return undefined;
    }
    return userDataToConfig(ctx, res.body, url);
  },
  metadata,
  checkIn,
};
