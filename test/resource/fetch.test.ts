// The fetch pipeline end to end: data URLs, empty sources, gzip, hash verification, offline mode,
// and fetchAll's bound, ordering and clean-up, with a real HTTP server where a network is needed.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createFetchContext, type FetchContext } from '../../src/resource/context.ts';
import { closeFetchContext, fetchAll, fetchResource, fetchToBuffer } from '../../src/resource/fetch.ts';
import type { ResourceRef } from '../../src/resource/types.ts';
import { fakeClock, installTo, startHttp, type Running } from './servers.ts';

const text = 'The quick brown fox jumps over the lazy dog\n'.repeat(100);
const gz = gzipSync(text);
const sha512 = (data: string | Buffer): string => createHash('sha512').update(data).digest('hex');
let scratch: string;
let server: Running;
let inFlight = 0;
let maxInFlight = 0;
const contexts: FetchContext[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kindling-fetch-'));
  server = await startHttp((req, res) => {
    const url = req.url ?? '';
    if (url === '/text.gz') return void res.end(gz);
    if (url === '/corrupt.gz') return void res.end(Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage garbage garbage')]));
    if (url === '/truncated.gz') return void res.end(gz.subarray(0, gz.length - 10));
    if (url === '/missing') return void res.writeHead(404).end();
    if (url === '/down') return void setTimeout(() => res.writeHead(503).end(), 5);
    const slow = /^\/slow\/(\d+)$/.exec(url);
    if (slow !== null) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(`file ${slow[1]}`);
      }, 20);
      return;
    }
    res.end(text);
  });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => closeFetchContext(c)));
  expect(readdirSync(scratch).filter((n) => n.startsWith('.kindling-fetch-'))).toEqual([]);
});

afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

function context(overrides: Partial<FetchContext> = {}): FetchContext {
  const clock = fakeClock();
  const ctx = createFetchContext({ tmpDir: scratch, now: clock.now, sleep: clock.sleep, ...overrides });
  contexts.push(ctx);
  return ctx;
}

async function expectNothingInstalled(source: string, extra: object, code: string, ctx = context()): Promise<void> {
  const dest = join(scratch, 'installed');
  const error = await installTo(dest, (dir) => fetchResource({ source, ...extra }, ctx, ['storage', 'files', 1, 'contents'], { dir })).catch(
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code });
  expect(existsSync(dest)).toBe(false);
}

describe('data and empty sources', () => {
  test.for([
    ['data:,hello%20world', 'hello world'],
    ['data:;base64,aGVsbG8gd29ybGQ=', 'hello world'],
    ['data:text/plain;charset=utf-8,caf%C3%A9', 'café'],
    ['', ''],
  ])('%j gives %j', async ([source, expected]) => {
    expect((await fetchToBuffer({ source }, context())).toString()).toBe(expected);
  });

  test('a null source is an empty file', async () => {
    const got = await fetchResource({ source: null }, context());
    expect(got.size).toBe(0);
    await rm(got.file);
  });

  test('data URLs work offline; anything else needs the network', async () => {
    const offline = context({ offline: true });
    expect((await fetchToBuffer({ source: 'data:,x' }, offline)).toString()).toBe('x');
    await expectNothingInstalled(`${server.url}/text`, {}, 'NEED_NET', offline);
    expect(server.seen.filter((s) => s.url === '/text')).toEqual([]);
  });

  test('a bad data URL reports the decoder message', async () => {
    await expect(fetchToBuffer({ source: 'data:;base64,!!!' }, context(), ['x'])).rejects.toMatchObject({ code: 'DATA_URL_INVALID', path: ['x'] });
  });

  test('an unknown scheme is refused', async () => {
    await expect(fetchToBuffer({ source: 'ftp://host/file' }, context())).rejects.toMatchObject({ code: 'URL_SCHEME_INVALID' });
  });
});

describe('compression and verification', () => {
  test('gzip is decompressed and the hash describes the decompressed bytes', async () => {
    const got = await fetchResource(
      { source: `${server.url}/text.gz`, compression: 'gzip', verification: { hash: `sha512-${sha512(text)}` } },
      context(),
    );
    expect(got.size).toBe(text.length);
    expect(readFileSync(got.file, 'utf8')).toBe(text);
    expect(statSync(got.file).mode & 0o777).toBe(0o600);
    await rm(got.file);
  });

  test('a hash of the compressed bytes does not verify', async () => {
    await expectNothingInstalled(`${server.url}/text.gz`, { compression: 'gzip', verification: { hash: `sha512-${sha512(gz)}` } }, 'HASH_MISMATCH');
  });

  test('hash mismatch says what was calculated and expected, at verification.hash', async () => {
    const wrong = `sha256-${'0'.repeat(64)}`;
    const error = await fetchToBuffer({ source: 'data:,abc', verification: { hash: wrong } }, context(), ['storage', 'files', 0, 'contents']).catch(
      (e: unknown) => e,
    );
    const calculated = createHash('sha256').update('abc').digest('hex');
    expect(error).toMatchObject({
      code: 'HASH_MISMATCH',
      path: ['storage', 'files', 0, 'contents', 'verification', 'hash'],
      message: `hash verification failed (calculated ${calculated} but expected ${'0'.repeat(64)}): data:,abc`,
    });
  });

  test('files compare hex case-insensitively; configs (exactHash) compare the string', async () => {
    const upper = `sha512-${sha512('abc').toUpperCase()}`;
    expect((await fetchToBuffer({ source: 'data:,abc', verification: { hash: upper } }, context())).toString()).toBe('abc');
    await expect(fetchToBuffer({ source: 'data:,abc', verification: { hash: upper } }, context(), [], { exactHash: true })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
    });
  });

  test.for(['corrupt.gz', 'truncated.gz'])('%s fails to decompress and installs nothing', async (name) => {
    await expectNothingInstalled(`${server.url}/${name}`, { compression: 'gzip' }, 'DECOMPRESS_FAILED');
  });
});

describe('fetchAll', () => {
  test('keeps list order and never runs more than the bound at once', async () => {
    maxInFlight = 0;
    const list: ResourceRef[] = Array.from({ length: 12 }, (_, i) => ({
      resource: { source: `${server.url}/slow/${i}` },
      path: ['storage', 'files', i, 'contents'],
    }));
    const got = await fetchAll(list, context(), { concurrency: 3 });
    expect(got.map((f) => readFileSync(f.file, 'utf8'))).toEqual(list.map((_, i) => `file ${i}`));
    expect(maxInFlight).toBe(3);
    await Promise.all(got.map((f) => rm(f.file)));
  });

  test('one failure removes every temporary file and names the failing entry', async () => {
    const list: ResourceRef[] = [
      { resource: { source: `${server.url}/slow/1` }, path: ['storage', 'files', 0, 'contents'] },
      { resource: { source: `${server.url}/missing` }, path: ['storage', 'files', 1, 'contents'] },
      { resource: { source: `${server.url}/slow/2` }, path: ['storage', 'files', 2, 'contents'] },
    ];
    await expect(fetchAll(list, context(), { concurrency: 2 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      path: ['storage', 'files', 1, 'contents'],
    });
  });

  test('a failure cancels fetches that would otherwise retry forever', async () => {
    const list: ResourceRef[] = [
      { resource: { source: `${server.url}/down` }, path: ['storage', 'files', 0, 'contents'] },
      { resource: { source: `${server.url}/missing` }, path: ['storage', 'files', 1, 'contents'] },
    ];
    const ctx = context({ timeouts: { responseHeadersMs: 10_000, totalMs: 0 }, sleep: () => new Promise((r) => setTimeout(r, 20)) });
    await expect(fetchAll(list, ctx, { concurrency: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const before = server.seen.filter((s) => s.url === '/down').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.seen.filter((s) => s.url === '/down').length).toBe(before);
  });
});
