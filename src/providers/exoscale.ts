// Exoscale (CloudStack-style service): user data at /1.0/user-data (404 = none); metadata from
// /1.0/meta-data/<key>.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const EXOSCALE_ENDPOINT = 'EXOSCALE_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, EXOSCALE_ENDPOINT, DEFAULT_BASE)}/1.0/meta-data/`;
  const attributes = await fetchAttributes(ctx, base, {
    EXOSCALE_INSTANCE_ID: 'instance-id',
    EXOSCALE_LOCAL_HOSTNAME: 'local-hostname',
    EXOSCALE_PUBLIC_HOSTNAME: 'public-hostname',
    EXOSCALE_AVAILABILITY_ZONE: 'availability-zone',
    EXOSCALE_PUBLIC_IPV4: 'public-ipv4',
    EXOSCALE_LOCAL_IPV4: 'local-ipv4',
    EXOSCALE_SERVICE_OFFERING: 'service-offering',
    EXOSCALE_CLOUD_IDENTIFIER: 'cloud-identifier',
    EXOSCALE_VM_ID: 'vm-id',
  }, {}, { keepEmpty: true });
  const sshKeys = keyLines(await getTextOrUndefined(ctx, `${base}public-keys`));
  return { attributes, sshKeys, hostname: attributes.EXOSCALE_LOCAL_HOSTNAME || undefined };
}

export const exoscale = httpUserDataProvider(
  { id: 'exoscale', endpoint: EXOSCALE_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/1.0/user-data' },
  { metadata },
);
