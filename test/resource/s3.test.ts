// s3:// and arn: sources against an S3-compatible server in this test that checks SigV4 signatures
// itself, and a fake EC2 metadata service (IMDSv2 token, region, role credentials).
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createFetchContext, type FetchContext } from '../../src/resource/context.ts';
import { closeFetchContext, fetchToBuffer } from '../../src/resource/fetch.ts';
import { parseS3 } from '../../src/resource/s3.ts';
import { fakeClock, startHttp, type Running } from './servers.ts';

const secret = 'test-secret-key';
const bucketRegion = 'eu-central-1';
const objects: Record<string, string> = {
  '/public-bucket/dir/a b.txt': 'public object',
  '/private-bucket/conf.ign': 'private object',
  '/private-bucket/versioned?versionId=v2': 'version two',
  '/myap-123456789012/ap-key': 'via access point',
};

/** The server side of SigV4, computed independently from the raw request as S3 would. */
function verifySignature(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (m === null) return 'malformed authorization';
  const [, key, day, region, signed, signature] = m as unknown as [string, string, string, string, string, string];
  if (key !== 'AKIDTEST') return 'unknown key';
  if (region !== bucketRegion) return `wrong region ${region}`;
  if (req.headers['x-amz-security-token'] !== 'session-token') return 'missing session token';
  const url = new URL(req.url ?? '', 'http://x');
  const query = [...url.searchParams.entries()].sort().map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const names = signed.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const canonical = [req.method, url.pathname, query, canonicalHeaders, signed, req.headers['x-amz-content-sha256']].join('\n');
  const date = String(req.headers['x-amz-date']);
  const toSign = ['AWS4-HMAC-SHA256', date, `${day}/${region}/s3/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let k: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  const expected = createHmac('sha256', k).update(toSign).digest('hex');
  return expected === signature ? undefined : 'signature mismatch';
}

let s3: Running;
let imds: Running;
let imdsMode: 'v2' | 'v1' | 'no-role' | 'wrong-secret' = 'v2';
const rejections: string[] = [];
const contexts: FetchContext[] = [];

beforeAll(async () => {
  s3 = await startHttp((req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
    if (req.method === 'HEAD') {
      res.writeHead(path.startsWith('/public-bucket') ? 200 : 403, { 'x-amz-bucket-region': bucketRegion }).end();
      return;
    }
    const problem = req.headers.authorization === undefined ? (path.startsWith('/public-bucket') ? undefined : 'anonymous') : verifySignature(req);
    if (problem !== undefined) {
      rejections.push(problem);
      res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const search = new URL(req.url ?? '', 'http://x').search;
    const body = objects[`${path}${search}`];
    if (body === undefined) res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    else res.end(body);
  });
  imds = await startHttp((req, res) => {
    if (req.url === '/latest/api/token') {
      if (req.method !== 'PUT' || imdsMode === 'v1') return void res.writeHead(404).end();
      return void res.end('imds-token');
    }
    if (imdsMode !== 'v1' && req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/placement/region') return void res.end('us-west-2');
    if (req.url === '/latest/meta-data/iam/security-credentials/') {
      return void (imdsMode === 'no-role' ? res.writeHead(404).end() : res.end('role-a\n'));
    }
    if (req.url === '/latest/meta-data/iam/security-credentials/role-a') {
      return void res.end(
        JSON.stringify({ AccessKeyId: 'AKIDTEST', SecretAccessKey: imdsMode === 'wrong-secret' ? 'nope' : secret, Token: 'session-token' }),
      );
    }
    res.writeHead(404).end();
  });
});

afterEach(async () => {
  imdsMode = 'v2';
  rejections.length = 0;
  s3.seen.length = 0;
  imds.seen.length = 0;
  await Promise.all(contexts.splice(0).map((c) => closeFetchContext(c)));
});

afterAll(async () => {
  await s3.close();
  await imds.close();
});

function context(platform?: string): FetchContext {
  const clock = fakeClock();
  const ctx = createFetchContext({ platform, now: clock.now, sleep: clock.sleep, endpoints: { S3: s3.url, AWS_METADATA: imds.url } });
  contexts.push(ctx);
  return ctx;
}

describe('s3', () => {
  test('off EC2, objects are fetched anonymously after looking up the bucket region', async () => {
    const got = await fetchToBuffer({ source: 's3://public-bucket/dir/a%20b.txt' }, context());
    expect(got.toString()).toBe('public object');
    expect(s3.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['HEAD /public-bucket', 'GET /public-bucket/dir/a%20b.txt']);
    expect(s3.seen[1]!.headers.authorization).toBeUndefined();
    expect(imds.seen).toEqual([]);
  });

  test('on EC2, requests are signed with the role credentials for the bucket region', async () => {
    const got = await fetchToBuffer({ source: 's3://private-bucket/conf.ign' }, context('aws'));
    expect(got.toString()).toBe('private object');
    expect(rejections).toEqual([]);
    expect(imds.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/iam/security-credentials/',
      'GET /latest/meta-data/iam/security-credentials/role-a',
      'GET /latest/meta-data/placement/region',
    ]);
    expect(imds.seen[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
  });

  test('the server really checks signatures: wrong credentials are refused', async () => {
    imdsMode = 'wrong-secret';
    await expect(fetchToBuffer({ source: 's3://private-bucket/conf.ign' }, context('aws'))).rejects.toMatchObject({ code: 'FETCH_FAILED' });
    expect(rejections).toEqual(['signature mismatch']);
  });

  test('IMDSv1 (no token) still yields credentials', async () => {
    imdsMode = 'v1';
    const got = await fetchToBuffer({ source: 's3://private-bucket/conf.ign' }, context('aws'));
    expect(got.toString()).toBe('private object');
    expect(imds.seen.slice(1).every((s) => s.headers['x-aws-ec2-metadata-token'] === undefined)).toBe(true);
  });

  test('an instance without a role falls back to anonymous access', async () => {
    imdsMode = 'no-role';
    await expect(fetchToBuffer({ source: 's3://private-bucket/conf.ign' }, context('aws'))).rejects.toMatchObject({ code: 'FETCH_FAILED' });
    expect(rejections).toEqual(['anonymous']);
  });

  test('versionId is passed on and signed', async () => {
    const got = await fetchToBuffer({ source: 's3://private-bucket/versioned?versionId=v2' }, context('aws'));
    expect(got.toString()).toBe('version two');
    expect(s3.seen.at(-1)!.url).toBe('/private-bucket/versioned?versionId=v2');
  });

  test('arn: object and access point forms', async () => {
    expect((await fetchToBuffer({ source: 'arn:aws:s3:::private-bucket/conf.ign' }, context('aws'))).toString()).toBe('private object');
    const ap = 'arn:aws:s3:eu-central-1:123456789012:accesspoint/myap/object/ap-key';
    expect((await fetchToBuffer({ source: ap }, context('aws'))).toString()).toBe('via access point');
    await expect(fetchToBuffer({ source: ap }, context())).rejects.toMatchObject({ code: 'S3_CREDENTIALS_REQUIRED' });
  });

  test('a missing key is resource not found; compression is refused for s3', async () => {
    await expect(fetchToBuffer({ source: 's3://public-bucket/absent' }, context(), ['storage', 'files', 0, 'contents'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      path: ['storage', 'files', 0, 'contents'],
      message: 'resource not found: s3://public-bucket/absent',
    });
    await expect(fetchToBuffer({ source: 's3://public-bucket/dir/a%20b.txt', compression: 'gzip' }, context())).rejects.toMatchObject({
      code: 'COMPRESSION_UNSUPPORTED_SCHEME',
      message: 'compression is not supported with that scheme: s3://public-bucket/dir/a%20b.txt',
    });
  });

  test('the endpoint can come from KINDLING_TEST_ENDPOINT_S3', async () => {
    process.env.KINDLING_TEST_ENDPOINT_S3 = s3.url;
    try {
      const ctx = createFetchContext();
      contexts.push(ctx);
      expect((await fetchToBuffer({ source: 's3://public-bucket/dir/a%20b.txt' }, ctx)).toString()).toBe('public object');
    } finally {
      delete process.env.KINDLING_TEST_ENDPOINT_S3;
    }
  });

  test.for([
    ['s3://b/k/x', { bucket: 'b', key: 'k/x', versionId: undefined, partition: 'aws' }],
    ['arn:aws-cn:s3:::b/k', { bucket: 'b', key: 'k', partition: 'aws-cn' }],
    ['arn:aws:s3:us-east-1:111:accesspoint/ap/object/o/p?versionId=3', { bucket: 'ap-111', key: 'o/p', versionId: '3' }],
  ] as const)('parses %s', ([source, expected]) => {
    expect(parseS3(source, [])).toMatchObject(expected);
  });

  test('rejects malformed ARNs', () => {
    expect(() => parseS3('arn:aws:s3:::bucket-only', [])).toThrow(expect.objectContaining({ code: 'S3_ARN_INVALID' }));
  });
});
