// Amazon EC2: IMDSv2 (PUT a session token, send it with every GET), falling back to IMDSv1 when
// the token PUT answers 404. User data at 2019-10-01/user-data, 404 = none; metadata from the
// 2021-01-03 tree as Afterburn names it (AWS_*), the region from the identity document.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined, metadataRequest } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const AWS_ENDPOINT = 'AWS_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';
export const TOKEN_TTL_SECONDS = '21600';

function base(ctx: ProviderContext): string {
  return baseUrl(ctx, AWS_ENDPOINT, DEFAULT_BASE);
}

/** The IMDSv2 header to send, or none when the service only speaks IMDSv1. */
export async function imdsHeaders(ctx: ProviderContext): Promise<Record<string, string>> {
  const res = await metadataRequest(ctx, {
    url: `${base(ctx)}/latest/api/token`,
    method: 'PUT',
    headers: { 'X-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS },
    pass: [404],
  });
  if (res.status === 404) {
    ctx.device.log.info('IMDSv2 token endpoint answered 404; using IMDSv1');
    return {};
  }
  return { 'X-aws-ec2-metadata-token': res.body.toString('utf8').trim() };
}

const ATTRIBUTES = {
  AWS_INSTANCE_ID: 'instance-id',
  AWS_INSTANCE_TYPE: 'instance-type',
  AWS_IPV4_LOCAL: 'local-ipv4',
  AWS_IPV4_PUBLIC: 'public-ipv4',
  AWS_IPV6: 'ipv6',
  AWS_AVAILABILITY_ZONE: 'placement/availability-zone',
  AWS_AVAILABILITY_ZONE_ID: 'placement/availability-zone-id',
  AWS_HOSTNAME: 'hostname',
  AWS_PUBLIC_HOSTNAME: 'public-hostname',
};

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const headers = await imdsHeaders(ctx);
  const meta = `${base(ctx)}/2021-01-03/meta-data/`;
  const attributes = await fetchAttributes(ctx, meta, ATTRIBUTES, headers, { keepEmpty: true });
  const identity = await getTextOrUndefined(ctx, `${base(ctx)}/2021-01-03/dynamic/instance-identity/document`, headers);
  if (identity !== undefined) {
    const region = (JSON.parse(identity) as { region?: unknown }).region;
    if (typeof region === 'string' && region !== '') attributes.AWS_REGION = region;
  }
  const sshKeys: string[] = [];
  for (const line of keyLines(await getTextOrUndefined(ctx, `${meta}public-keys`, headers))) {
    const index = line.split('=')[0];
    const key = await getTextOrUndefined(ctx, `${meta}public-keys/${index}/openssh-key`, headers);
    sshKeys.push(...keyLines(key));
  }
  return { attributes, sshKeys, hostname: attributes.AWS_HOSTNAME };
}

export const aws: Provider = {
  id: 'aws',
  async fetchConfig(ctx) {
    const headers = await imdsHeaders(ctx);
    const url = `${base(ctx)}/2019-10-01/user-data`;
    const res = await metadataRequest(ctx, { url, headers, pass: [404] });
    if (res.status === 404) {
      ctx.device.log.info(`no config: ${url} answered 404 (no user data)`);
      return undefined;
    }
    return userDataToConfig(ctx, res.body, url);
  },
  metadata,
};
