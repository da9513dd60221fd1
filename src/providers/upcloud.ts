// UpCloud: user data at /metadata/v1/user_data (404 = none; the service must be enabled for custom
// images); metadata from /metadata/v1/<key>.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const UPCLOUD_ENDPOINT = 'UPCLOUD_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, UPCLOUD_ENDPOINT, DEFAULT_BASE)}/metadata/v1/`;
  const attributes = await fetchAttributes(ctx, base, {
    UPCLOUD_HOSTNAME: 'hostname',
    UPCLOUD_INSTANCE_ID: 'instance_id',
    UPCLOUD_REGION: 'region',
  });
  const sshKeys = keyLines(await getTextOrUndefined(ctx, `${base}public_keys`));
  return { attributes, sshKeys, hostname: attributes.UPCLOUD_HOSTNAME };
}

export const upcloud = httpUserDataProvider(
  { id: 'upcloud', endpoint: UPCLOUD_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/metadata/v1/user_data' },
  { metadata },
);
