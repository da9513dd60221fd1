// gs:// sources against a GCS-style JSON API server and a fake GCE metadata server: anonymous
// first, then the service account's token when the bucket refuses anonymous reads.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createFetchContext, type FetchContext } from '../../src/resource/context.ts';
import { closeFetchContext, fetchToBuffer } from '../../src/resource/fetch.ts';
import { fakeClock, startHttp, type Running } from './servers.ts';

let gcs: Running;
let metadata: Running;
const contexts: FetchContext[] = [];

beforeAll(async () => {
  gcs = await startHttp((req, res) => {
    const url = new URL(req.url ?? '', 'http://x');
    const m = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (m === null || url.searchParams.get('alt') !== 'media') return void res.writeHead(400).end();
    const [bucket, object] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    if (bucket === 'private' && req.headers.authorization !== 'Bearer ya29.token') return void res.writeHead(401).end();
    if (object === 'missing') return void res.writeHead(404).end();
    res.end(`${bucket}:${object}`);
  });
  metadata = await startHttp((req, res) => {
    if (req.headers['metadata-flavor'] !== 'Google') return void res.writeHead(403).end();
    if (req.url === '/computeMetadata/v1/instance/service-accounts/default/token') {
      return void res.end(JSON.stringify({ access_token: 'ya29.token', expires_in: 3599, token_type: 'Bearer' }));
    }
    res.writeHead(404).end();
  });
});

afterEach(async () => {
  gcs.seen.length = 0;
  metadata.seen.length = 0;
  await Promise.all(contexts.splice(0).map((c) => closeFetchContext(c)));
});

afterAll(async () => {
  await gcs.close();
  await metadata.close();
});

function context(platform?: string): FetchContext {
  const clock = fakeClock();
  const ctx = createFetchContext({ platform, now: clock.now, sleep: clock.sleep, endpoints: { GCS: gcs.url, GCP_METADATA: metadata.url } });
  contexts.push(ctx);
  return ctx;
}

describe('gs', () => {
  test('public objects are fetched anonymously, object names escaped as one path segment', async () => {
    const got = await fetchToBuffer({ source: 'gs://public/dir/config.ign' }, context('gcp'));
    expect(got.toString()).toBe('public:dir/config.ign');
    expect(gcs.seen.map((s) => s.url)).toEqual(['/storage/v1/b/public/o/dir%2Fconfig.ign?alt=media']);
    expect(gcs.seen[0]!.headers.authorization).toBeUndefined();
    expect(metadata.seen).toEqual([]);
  });

  test('on GCE a refused anonymous read is retried with the metadata server token', async () => {
    const got = await fetchToBuffer({ source: 'gs://private/secret.ign' }, context('gcp'));
    expect(got.toString()).toBe('private:secret.ign');
    expect(metadata.seen.map((s) => s.url)).toEqual(['/computeMetadata/v1/instance/service-accounts/default/token']);
    expect(gcs.seen.map((s) => s.headers.authorization)).toEqual([undefined, 'Bearer ya29.token']);
  });

  test('off GCE a refused read fails without asking any metadata server', async () => {
    await expect(fetchToBuffer({ source: 'gs://private/secret.ign' }, context(), ['ignition', 'config', 'replace'])).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      path: ['ignition', 'config', 'replace'],
    });
    expect(metadata.seen).toEqual([]);
  });

  test('a missing object is resource not found', async () => {
    await expect(fetchToBuffer({ source: 'gs://public/missing' }, context())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
