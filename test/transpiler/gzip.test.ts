// Our gzip against Go's own compress/gzip at BestCompression (what Butane emits), byte for byte:
// a few lines of Go (gzip-oracle/main.go) built here with Debian's Go 1.19 and fed every input
// in one process. Inputs: random, text, binary, repetitive and the shared Butane corpora's files,
// from 0 bytes to a few megabytes, including the cases that steer Go's block and window logic.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seededBytes } from '../../bench/seeded-bytes.ts';
import { crc32 } from '../../src/config/crc32.ts';
import { gzipLikeGo } from '../../transpiler/gzip/index.ts';
import { canRun } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';

const GO = '/usr/lib/go-1.19/bin/go';
const ORACLE_SOURCE = resolve(import.meta.dirname, 'gzip-oracle/main.go');
const CORPORA = ['butane-real', 'butane-docs'].map((name) => resolve(import.meta.dirname, '../../../shared/conformance', name));
const haveGo = canRun('Go 1.19 (Debian golang-1.19-go) as the gzip oracle', existsSync(GO));
const haveCorpora = canRun('the Butane corpora in ../shared/conformance', CORPORA.every((dir) => existsSync(dir)));

let dir = '';
let oracle = '';

beforeAll(async () => {
  if (!haveGo) return;
  dir = mkdtempSync(join(tmpdir(), 'kindling-gzip-oracle-'));
  oracle = join(dir, 'gzip-oracle');
  const built = await run(GO, ['build', '-o', oracle, ORACLE_SOURCE], { env: { GOCACHE: join(dir, 'cache'), GO111MODULE: 'off' }, timeoutMs: 60_000 });
  if (built.exitCode !== 0) throw new Error(`building the Go oracle failed:\n${built.stderr}`);
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Go's gzip of each input, from one run of the oracle. */
async function goGzip(inputs: Uint8Array[]): Promise<Buffer[]> {
  const frames = inputs.flatMap((input) => {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(input.length);
    return [size, Buffer.from(input.buffer, input.byteOffset, input.length)];
  });
  const result = await run(oracle, ['-frames'], { input: Buffer.concat(frames), binary: true, timeoutMs: 60_000 });
  if (result.exitCode !== 0) throw new Error(`gzip-oracle failed:\n${result.stderr}`);
  const out = Buffer.from(result.stdout, 'latin1');
  const members: Buffer[] = [];
  for (let at = 0; at < out.length; ) {
    const size = out.readUInt32LE(at);
    members.push(out.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return members;
}

/** Names of the inputs whose gzip differs from Go's (empty when all are identical). */
async function mismatches(inputs: Array<[string, Uint8Array]>): Promise<string[]> {
  const expected = await goGzip(inputs.map(([, input]) => input));
  expect(expected).toHaveLength(inputs.length);
  return inputs.filter(([, input], i) => !gzipLikeGo(input).equals(expected[i] as Buffer)).map(([name, input]) => `${name} (${input.length} bytes)`);
}

const text = (seed: number, length: number): Buffer => {
  // Words drawn from a small vocabulary: matches of every length and distance, like configs.
  const words = ['systemd', 'unit', 'enable', 'true', 'path', '/etc/', 'contents', 'inline', ': ', '\n', '  - ', 'name', 'mode', '0644', 'ExecStart=', '[Service]'];
  const pick = seededBytes(seed, length);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const word = words[(pick[i % pick.length] as number) % words.length] as string;
    parts.push(word);
    size += word.length;
  }
  return Buffer.from(parts.join('').slice(0, length));
};

/** Bytes from a small alphabet: short matches everywhere and long hash chains. */
const lowEntropy = (seed: number, length: number, symbols: number): Uint8Array => seededBytes(seed, length).map((b) => 97 + (b % symbols));

describe.runIf(haveGo)('gzip matches Go compress/gzip at BestCompression', () => {
  test('small and edge-sized inputs', async () => {
    const inputs: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ...[1, 2, 3, 4, 5, 16, 17, 100, 257, 258, 259, 262, 1000].map((n): [string, Uint8Array] => [`random ${n}`, seededBytes(n, n)]),
      ...[1, 3, 4, 5, 300, 4096].map((n): [string, Uint8Array] => [`zeros ${n}`, new Uint8Array(n)]),
      ['one short line', Buffer.from('[Unit]\nDescription=hello\n')],
      ['text 2000', text(7, 2000)],
      ['alphabet of 2, 5000', lowEntropy(8, 5000, 2)],
    ];
    expect(await mismatches(inputs)).toEqual([]);
  });

  test('sizes around the window slide, the stored-block limit and the 16384-token block cut', async () => {
    const sizes = [32768, 65274, 65275, 65535, 65536, 65537, 98042, 98304, 131072 + 11];
    const inputs: Array<[string, Uint8Array]> = [
      ...sizes.map((n): [string, Uint8Array] => [`random ${n}`, seededBytes(n, n)]),
      ...sizes.map((n): [string, Uint8Array] => [`text ${n}`, text(n, n)]),
      ...sizes.map((n): [string, Uint8Array] => [`alphabet of 4, ${n}`, lowEntropy(n, n, 4)]),
      // Mostly literals: every block is cut at 16384 tokens, some of them stored.
      ['random then text', Buffer.concat([seededBytes(1, 40000), text(2, 40000), seededBytes(3, 40000)])],
    ];
    expect(await mismatches(inputs)).toEqual([]);
  });

  test('megabyte inputs: random, text, binary with structure, and long repeats', async () => {
    const binary = Buffer.alloc(1 << 20);
    for (let i = 0; i < binary.length; i += 4) binary.writeUInt32LE((i * 2654435761) >>> 12, i);
    const inputs: Array<[string, Uint8Array]> = [
      ['random 1.5 MB', seededBytes(11, 1_500_000)],
      ['text 3 MB', text(12, 3_000_000)],
      ['binary 1 MiB', binary],
      ['repeated 64 KiB unit, 2 MiB', Buffer.concat(Array.from({ length: 32 }, () => seededBytes(13, 1 << 16)))],
      ['zeros 2 MiB', new Uint8Array(2 << 20)],
    ];
    expect(await mismatches(inputs)).toEqual([]);
  });

  test.runIf(haveCorpora)('every file of the Butane corpora, one by one and all together', async () => {
    const files: string[] = [];
    const walk = (path: string): void => {
      for (const name of readdirSync(path).sort()) {
        const child = join(path, name);
        if (statSync(child).isDirectory()) walk(child);
        else files.push(child);
      }
    };
    for (const corpus of CORPORA) walk(corpus);
    const inputs = files.map((file): [string, Uint8Array] => [file, readFileSync(file)]);
    expect(inputs.length).toBeGreaterThan(1000);
    inputs.push(['all corpus files concatenated', Buffer.concat(inputs.map(([, input]) => input))]);
    expect(await mismatches(inputs)).toEqual([]);
  });
});

describe('gzip framing', () => {
  test('the member is valid gzip with Go header fields, CRC-32 and length', () => {
    const input = text(3, 10_000);
    const gz = gzipLikeGo(input);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    expect(gz.readUInt32LE(gz.length - 8)).toBe(crc32(input));
    expect(gz.readUInt32LE(gz.length - 4)).toBe(input.length);
    expect(gunzipSync(gz).equals(input)).toBe(true);
  });

  test('CRC-32/IEEE check value and chaining', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const whole = text(4, 5000);
    expect(crc32(whole.subarray(1234), crc32(whole.subarray(0, 1234)))).toBe(crc32(whole));
  });
});
