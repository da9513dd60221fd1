// s3:// and arn: sources (ignition-spec.md §8.1): object URLs and access points, the bucket's
// region, IAM role credentials from EC2's metadata service when on AWS, anonymous requests otherwise.
import type { Readable } from 'node:stream';
import type { ConfigPath } from '../report.ts';
import { endpoint, type FetchContext } from './context.ts';
import { fetchError } from './errors.ts';
import { defaultHeaders, httpOpen } from './http.ts';
import { getText } from './metadata.ts';
import { awsEncode, signRequest, type AwsCredentials } from './sigv4.ts';

export interface S3Location {
  partition: string;
  bucket: string;
  key: string;
  versionId: string | undefined;
  /** Access points name their region and account; plain objects discover the bucket's region. */
  accessPoint?: { name: string; region: string; account: string };
}

const defaultRegion = 'us-east-1';

export function parseS3(source: string, path: ConfigPath): S3Location {
  const query = source.indexOf('?');
  const base = query < 0 ? source : source.slice(0, query);
  const versionId = query < 0 ? undefined : (new URLSearchParams(source.slice(query + 1)).get('versionId') ?? undefined);
  if (base.startsWith('s3://')) {
    const rest = base.slice(5);
    const slash = rest.indexOf('/');
    return {
      partition: 'aws',
      bucket: slash < 0 ? rest : rest.slice(0, slash),
      key: slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1)),
      versionId,
    };
  }
  const parts = base.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 's3') throw fetchError('S3_ARN_INVALID', path, source, undefined);
  const [, partition, , region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (resource.startsWith('accesspoint/')) {
    const m = /^accesspoint\/([^/]+)\/object\/(.+)$/.exec(resource);
    if (m === null || region === '' || account === '') throw fetchError('S3_ARN_INVALID', path, source, undefined);
    return { partition, bucket: `${m[1]}-${account}`, key: m[2]!, versionId, accessPoint: { name: m[1]!, region, account } };
  }
  const slash = resource.indexOf('/');
  if (slash <= 0) throw fetchError('S3_ARN_INVALID', path, source, undefined);
  return { partition, bucket: resource.slice(0, slash), key: resource.slice(slash + 1), versionId };
}

function domainOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The object's URL: the test endpoint path-style, else AWS's virtual-hosted (path-style for dotted buckets). */
export function objectUrl(ctx: FetchContext, loc: S3Location, region: string): URL {
  const override = endpoint(ctx, 'S3');
  const key = awsEncode(loc.key, true);
  let url: URL;
  if (override !== undefined) url = new URL(`${override}/${loc.bucket}/${key}`);
  else if (loc.accessPoint !== undefined) url = new URL(`https://${loc.bucket}.s3-accesspoint.${region}.${domainOf(loc.partition)}/${key}`);
  else if (loc.bucket.includes('.')) url = new URL(`https://s3.${region}.${domainOf(loc.partition)}/${loc.bucket}/${key}`);
  else url = new URL(`https://${loc.bucket}.s3.${region}.${domainOf(loc.partition)}/${key}`);
  if (loc.versionId !== undefined) url.searchParams.set('versionId', loc.versionId);
  return url;
}

export async function openS3(source: string, ctx: FetchContext, path: ConfigPath): Promise<Readable> {
  const loc = parseS3(source, path);
  const onAws = ctx.platform === 'aws';
  const imds = onAws ? await imdsSession(ctx, path, source) : undefined;
  const credentials = imds === undefined ? undefined : await roleCredentials(ctx, path, source, imds);
  if (loc.accessPoint !== undefined && credentials === undefined) throw fetchError('S3_CREDENTIALS_REQUIRED', path, source, undefined);
  const hint = imds === undefined ? defaultRegion : await regionHint(ctx, path, source, imds);
  const region = loc.accessPoint?.region ?? (await bucketRegion(ctx, path, source, loc, hint));
  const url = objectUrl(ctx, loc, region);
  const headers = defaultHeaders(ctx);
  const signed =
    credentials === undefined
      ? {}
      : signRequest({ method: 'GET', url, headers: {}, region, service: 's3', credentials, at: new Date(ctx.now()) });
  const res = await httpOpen({ url: url.href, headers: { ...headers, ...signed } }, ctx, path, source);
  return res.body;
}

/** GetBucketRegion: S3 names a bucket's region in `x-amz-bucket-region` whatever the status. */
async function bucketRegion(ctx: FetchContext, path: ConfigPath, source: string, loc: S3Location, hint: string): Promise<string> {
  const url = objectUrl(ctx, { ...loc, key: '', versionId: undefined }, hint);
  const res = await getText(ctx, path, source, { url: url.href.replace(/\/$/, ''), method: 'HEAD', pass: () => true });
  const header = res.headers['x-amz-bucket-region'];
  const region = Array.isArray(header) ? header[0] : header;
  return region !== undefined && region !== '' ? region : hint;
}

interface ImdsSession {
  base: string;
  token: string | undefined;
}

/** IMDSv2 token; a 403/404/405 answer means only IMDSv1 is offered. */
async function imdsSession(ctx: FetchContext, path: ConfigPath, source: string): Promise<ImdsSession> {
  const base = endpoint(ctx, 'AWS_METADATA') ?? 'http://169.254.169.254';
  const res = await getText(ctx, path, source, {
    url: `${base}/latest/api/token`,
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
    pass: (s) => s === 403 || s === 404 || s === 405,
  });
  return { base, token: res.status === 200 ? res.text.trim() : undefined };
}

function imdsHeaders(session: ImdsSession): Record<string, string> {
  return session.token === undefined ? {} : { 'x-aws-ec2-metadata-token': session.token };
}

async function regionHint(ctx: FetchContext, path: ConfigPath, source: string, session: ImdsSession): Promise<string> {
  const res = await getText(ctx, path, source, {
    url: `${session.base}/latest/meta-data/placement/region`,
    headers: imdsHeaders(session),
    pass: (s) => s === 404,
  });
  return res.status === 200 && res.text.trim() !== '' ? res.text.trim() : defaultRegion;
}

/** The instance role's temporary credentials; none when the instance has no role. */
async function roleCredentials(ctx: FetchContext, path: ConfigPath, source: string, session: ImdsSession): Promise<AwsCredentials | undefined> {
  const listUrl = `${session.base}/latest/meta-data/iam/security-credentials/`;
  const list = await getText(ctx, path, source, { url: listUrl, headers: imdsHeaders(session), pass: (s) => s === 404 });
  const role = list.text.split('\n')[0]?.trim();
  if (list.status !== 200 || role === undefined || role === '') return undefined;
  const res = await getText(ctx, path, source, { url: `${listUrl}${encodeURIComponent(role)}`, headers: imdsHeaders(session) });
  const doc = JSON.parse(res.text) as { AccessKeyId?: string; SecretAccessKey?: string; Token?: string };
  if (doc.AccessKeyId === undefined || doc.SecretAccessKey === undefined) return undefined;
  return { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.Token };
}
