// gs:// sources through the Cloud Storage JSON API: anonymous first; if that is refused and we run
// on GCE, again with the instance service account's token from the metadata server.
import type { Readable } from 'node:stream';
import type { ConfigPath } from '../report.ts';
import { endpoint, type FetchContext } from './context.ts';
import { fetchError } from './errors.ts';
import { defaultHeaders, httpOpen } from './http.ts';
import { getText } from './metadata.ts';

export function gcsUrl(ctx: FetchContext, source: string): string {
  const rest = source.slice('gs://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const object = slash < 0 ? '' : rest.slice(slash + 1);
  const base = endpoint(ctx, 'GCS') ?? 'https://storage.googleapis.com';
  return `${base}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(object)}?alt=media`;
}

const refused = (status: number): boolean => status === 401 || status === 403;

export async function openGcs(source: string, ctx: FetchContext, path: ConfigPath): Promise<Readable> {
  const url = gcsUrl(ctx, source);
  const anonymous = await httpOpen({ url, headers: defaultHeaders(ctx), pass: refused }, ctx, path, source);
  if (!refused(anonymous.status)) return anonymous.body;
  await anonymous.discard();
  if (ctx.platform !== 'gcp') {
    throw fetchError('FETCH_FAILED', path, source, new Error(`HTTP status ${anonymous.status} and no GCE service account to retry with`));
  }
  const token = await serviceAccountToken(ctx, path, source);
  const res = await httpOpen({ url, headers: { ...defaultHeaders(ctx), authorization: `Bearer ${token}` } }, ctx, path, source);
  return res.body;
}

async function serviceAccountToken(ctx: FetchContext, path: ConfigPath, source: string): Promise<string> {
  const base = endpoint(ctx, 'GCP_METADATA') ?? 'http://169.254.169.254';
  const res = await getText(ctx, path, source, {
    url: `${base}/computeMetadata/v1/instance/service-accounts/default/token`,
    headers: { 'metadata-flavor': 'Google' },
  });
  const doc = JSON.parse(res.text) as { access_token?: string };
  if (typeof doc.access_token !== 'string') throw fetchError('FETCH_FAILED', path, source, new Error('metadata server returned no access token'));
  return doc.access_token;
}
