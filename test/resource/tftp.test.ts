// TFTP against Debian's tftpd-hpa (in.tftpd in the foreground on a free high port, as this test's
// child): small and multi-block files, the blksize/tsize negotiation, gzip, hashes, and not-found.
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProvisionError } from '../../src/report.ts';
import { createFetchContext } from '../../src/resource/context.ts';
import { fetchResource, fetchToBuffer } from '../../src/resource/fetch.ts';
import { requestedBlockSize } from '../../src/resource/tftp.ts';
import { canRun, hasCommand, isRoot } from '../helpers/env.ts';
import { start, type Child } from '../helpers/process.ts';
import { installTo } from './servers.ts';

const available = canRun('root and in.tftpd (tftpd-hpa)', isRoot && hasCommand('in.tftpd'));
let served: string;
let scratch: string;
let servers: Child[] = [];
let base: string;
/** A second server that refuses the blksize option, so transfers use RFC 1350's 512-byte blocks. */
let plainBase: string;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function put(name: string, data: Buffer | string): Buffer {
  const bytes = Buffer.from(data);
  writeFileSync(join(served, name), bytes);
  chmodSync(join(served, name), 0o644);
  return bytes;
}

describe.runIf(available)('tftp', () => {
  beforeAll(async () => {
    served = mkdtempSync(join(tmpdir(), 'kindling-tftp-'));
    chmodSync(served, 0o755);
    scratch = mkdtempSync(join(tmpdir(), 'kindling-tftp-out-'));
    base = await startTftpd([]);
    plainBase = await startTftpd(['--refuse', 'blksize']);
  });

  async function startTftpd(extra: string[]): Promise<string> {
    const port = await freeUdpPort();
    servers.push(start('in.tftpd', ['--foreground', '--address', `127.0.0.1:${port}`, ...extra, '--secure', served], { output: 'ignore' }));
    const url = `tftp://127.0.0.1:${port}`;
    // Wait until it answers: a request for a missing file gets an error packet back.
    const ctx = createFetchContext();
    for (let i = 0; i < 50; i++) {
      const answered = await fetchToBuffer({ source: `${url}/probe` }, ctx).then(
        () => true,
        (e: unknown) => ProvisionError.is(e) && e.code === 'NOT_FOUND',
      );
      if (answered) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return url;
  }

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
    await rm(served, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  test('fetches a file smaller than one block', async () => {
    put('small.txt', 'hello over tftp\n');
    const lines: string[] = [];
    const got = await fetchToBuffer({ source: `${base}/small.txt` }, createFetchContext({ log: (l) => lines.push(l) }));
    expect(got.toString()).toBe('hello over tftp\n');
    expect(lines).toContain(`GET ${base}/small.txt: attempt #1`);
  });

  test.for([
    ['exactly two negotiated blocks', requestedBlockSize * 2],
    ['several megabytes', 3 * 1024 * 1024 + 17],
  ] as const)('fetches %s into a file, verified by its hash', async ([, size]) => {
    const data = put(`big-${size}.bin`, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + (i >> 9)) & 0xff)));
    const hash = `sha256-${createHash('sha256').update(data).digest('hex')}`;
    const got = await fetchResource({ source: `${base}/big-${size}.bin`, verification: { hash } }, createFetchContext({ tmpDir: scratch }));
    expect(got.size).toBe(size);
    expect(readFileSync(got.file).equals(data)).toBe(true);
    await rm(got.file);
  });

  test('without the blksize option, 512-byte blocks (and the empty last block) still work', async () => {
    const data = put('plain.bin', Buffer.alloc(512 * 3, 'p'));
    expect((await fetchToBuffer({ source: `${plainBase}/plain.bin` }, createFetchContext())).equals(data)).toBe(true);
    const odd = put('odd.bin', Buffer.alloc(512 * 3 + 5, 'q'));
    expect((await fetchToBuffer({ source: `${plainBase}/odd.bin` }, createFetchContext())).equals(odd)).toBe(true);
  });

  test('decompresses gzip and hashes the decompressed bytes', async () => {
    const text = 'compressed over tftp\n'.repeat(500);
    put('c.gz', gzipSync(text));
    const hash = `sha512-${createHash('sha512').update(text).digest('hex')}`;
    const got = await fetchToBuffer({ source: `${base}/c.gz`, compression: 'gzip', verification: { hash } }, createFetchContext());
    expect(got.toString()).toBe(text);
  });

  test('a missing file is resource not found and nothing is installed', async () => {
    const dest = join(scratch, 'dest');
    const error = await installTo(dest, (dir) => fetchResource({ source: `${base}/nope` }, createFetchContext(), ['storage', 'files', 3, 'contents'], { dir })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', path: ['storage', 'files', 3, 'contents'] });
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
  });

  test('a hash mismatch leaves nothing behind', async () => {
    put('h.txt', 'content');
    const dest = join(scratch, 'dest');
    const error = await installTo(dest, (dir) =>
      fetchResource({ source: `${base}/h.txt`, verification: { hash: `sha256-${'ab'.repeat(32)}` } }, createFetchContext(), [], { dir }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HASH_MISMATCH' });
    expect(readdirSync(scratch)).toEqual([]);
  });

  test('offline, tftp needs the network', async () => {
    await expect(fetchToBuffer({ source: `${base}/small.txt` }, createFetchContext({ offline: true }))).rejects.toMatchObject({
      code: 'NEED_NET',
      message: `resource requires networking: ${base}/small.txt`,
    });
  });
});

test('a server that never answers: retransmissions are logged with their reason, then the fetch fails', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  const lines: string[] = [];
  try {
    const source = `tftp://127.0.0.1:${silent.address().port}/f`;
    await expect(fetchToBuffer({ source }, createFetchContext({ log: (l) => lines.push(l) }))).rejects.toMatchObject({ code: 'FETCH_FAILED' });
    expect(lines.filter((l) => l.includes('no answer within 1000 ms; retransmission #'))).toHaveLength(5);
  } finally {
    silent.close();
  }
}, 30_000);
