// Vultr: user data at /user-data/user-data (404 = none); metadata from /v1/<key> text values.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const VULTR_ENDPOINT = 'VULTR_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${baseUrl(ctx, VULTR_ENDPOINT, DEFAULT_BASE)}/v1/`;
  const attributes = await fetchAttributes(ctx, base, {
    VULTR_HOSTNAME: 'hostname',
    VULTR_INSTANCE_ID: 'instanceid',
    VULTR_REGION_CODE: 'region/regioncode',
  });
  const sshKeys = keyLines(await getTextOrUndefined(ctx, `${base}public-keys`));
  return { attributes, sshKeys, hostname: attributes.VULTR_HOSTNAME };
}

export const vultr = httpUserDataProvider(
  { id: 'vultr', endpoint: VULTR_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/user-data/user-data' },
  { metadata },
);
