// Oracle Cloud Infrastructure: IMDS v2 with `Authorization: Bearer Oracle`; user data is the
// base64 instance metadata key user_data (404 = none, 429 retried); metadata from /opc/v2/instance.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { keyLines } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import { entry } from '../report.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const ORACLE_ENDPOINT = 'ORACLECLOUD_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';
const AUTH = { Authorization: 'Bearer Oracle' };

interface OracleInstance {
  availabilityDomain?: string;
  compartmentId?: string;
  faultDomain?: string;
  hostname?: string;
  id?: string;
  shape?: string;
  canonicalRegionName?: string;
  region?: string;
  metadata?: { ssh_authorized_keys?: string };
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const url = `${baseUrl(ctx, ORACLE_ENDPOINT, DEFAULT_BASE)}/opc/v2/instance`;
  const text = await getTextOrUndefined(ctx, url, AUTH);
  if (text === undefined) throw entry('error', 'METADATA_FAILED', undefined, 'oraclecloud', `${url} not found`);
  const doc = JSON.parse(text) as OracleInstance;
  const attributes: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') attributes[name] = value;
  };
  set('ORACLECLOUD_AVAILABILITY_DOMAIN', doc.availabilityDomain);
  set('ORACLECLOUD_COMPARTMENT_ID', doc.compartmentId);
  set('ORACLECLOUD_FAULT_DOMAIN', doc.faultDomain);
  set('ORACLECLOUD_HOSTNAME', doc.hostname);
  set('ORACLECLOUD_INSTANCE_ID', doc.id);
  set('ORACLECLOUD_INSTANCE_SHAPE', doc.shape);
  set('ORACLECLOUD_REGION_ID', doc.canonicalRegionName ?? doc.region);
  return { attributes, sshKeys: keyLines(doc.metadata?.ssh_authorized_keys), hostname: doc.hostname };
}

export const oraclecloud = httpUserDataProvider(
  {
    id: 'oraclecloud',
    endpoint: ORACLE_ENDPOINT,
    defaultBase: DEFAULT_BASE,
    path: '/opc/v2/instance/metadata/user_data',
    headers: AUTH,
    retry: [429],
    base64: true,
  },
  { metadata },
);
