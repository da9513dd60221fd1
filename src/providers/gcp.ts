// Google Compute Engine: the metadata server by IP (not metadata.google.internal, to avoid DNS
// spoofing), always with `Metadata-Flavor: Google`. User data is the instance attribute
// `user-data`, 404 = none. SSH keys follow GCE's instance/project/block-project-keys rules.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { fetchAttributes } from './attributes.ts';
import { fetchHttpUserData } from './http-user-data.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';

export const GCP_ENDPOINT = 'GCP_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';
const FLAVOR = { 'Metadata-Flavor': 'Google' };

/** `user:ssh-ed25519 AAAA... comment` lines -> the key part. */
export function gceKeys(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const colon = l.indexOf(':');
      return colon < 0 ? l : l.slice(colon + 1).trim();
    })
    .filter((k) => k !== '');
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const v1 = `${baseUrl(ctx, GCP_ENDPOINT, DEFAULT_BASE)}/computeMetadata/v1/`;
  const get = (path: string) => getTextOrUndefined(ctx, `${v1}${path}`, FLAVOR);
  const attributes = await fetchAttributes(
    ctx,
    v1,
    {
      GCP_HOSTNAME: 'instance/hostname',
      GCP_MACHINE_TYPE: 'instance/machine-type',
      GCP_IP_LOCAL_0: 'instance/network-interfaces/0/ip',
      GCP_IP_EXTERNAL_0: 'instance/network-interfaces/0/access-configs/0/external-ip',
    },
    FLAVOR,
  );
  let sshKeys: string[];
  const legacy = await get('instance/attributes/sshKeys');
  if (legacy !== undefined) {
    sshKeys = gceKeys(legacy);
  } else {
    sshKeys = gceKeys(await get('instance/attributes/ssh-keys'));
    const block = (await get('instance/attributes/block-project-ssh-keys'))?.trim().toLowerCase() === 'true';
    if (!block) {
      sshKeys.push(...gceKeys(await get('project/attributes/sshKeys')), ...gceKeys(await get('project/attributes/ssh-keys')));
    }
  }
  return { attributes, sshKeys, hostname: attributes.GCP_HOSTNAME };
}

export const gcp: Provider = {
  id: 'gcp',
  fetchConfig: (ctx) =>
    fetchHttpUserData(ctx, {
      id: 'gcp',
      endpoint: GCP_ENDPOINT,
      defaultBase: DEFAULT_BASE,
      path: '/computeMetadata/v1/instance/attributes/user-data',
      headers: FLAVOR,
    }),
  metadata,
};
