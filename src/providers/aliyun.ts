// Alibaba Cloud (Aliyun): its own metadata address 100.100.100.200; user data at
// /latest/user-data (404 = none); metadata from /latest/meta-data/<key>.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const ALIYUN_ENDPOINT = 'ALIYUN_METADATA';
const DEFAULT_BASE = 'http://100.100.100.200';

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, ALIYUN_ENDPOINT, DEFAULT_BASE)}/latest/meta-data/`;
  const attributes = await fetchAttributes(ctx, base, {
    ALIYUN_EIPV4: 'eipv4',
    ALIYUN_HOSTNAME: 'hostname',
    ALIYUN_IMAGE_ID: 'image-id',
    ALIYUN_INSTANCE_ID: 'instance-id',
    ALIYUN_INSTANCE_TYPE: 'instance/instance-type',
    ALIYUN_IPV4_PRIVATE: 'private-ipv4',
    ALIYUN_IPV4_PUBLIC: 'public-ipv4',
    ALIYUN_REGION_ID: 'region-id',
    ALIYUN_VPC_ID: 'vpc-id',
    ALIYUN_ZONE_ID: 'zone-id',
  });
  const sshKeys: string[] = [];
  for (const id of keyLines(await getTextOrUndefined(ctx, `${base}public-keys/`))) {
    sshKeys.push(...keyLines(await getTextOrUndefined(ctx, `${base}public-keys/${id.replace(/\/$/, '')}/openssh-key`)));
  }
  return { attributes, sshKeys, hostname: attributes.ALIYUN_HOSTNAME };
}

export const aliyun = httpUserDataProvider(
  { id: 'aliyun', endpoint: ALIYUN_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/latest/user-data' },
  { metadata },
);
