// The V8 code cache the npm bin loads `transpile` through (src/cli/code-cache.ts): used when whole,
// ignored when damaged, refused or unwritable, off on request, and never a change in output.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codeCacheDir, loadWithCodeCache } from '../../src/cli/code-cache.ts';
import { runSync } from '../helpers/process.ts';

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kindling-code-cache-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

let count = 0;
/** A fresh directory holding a small CommonJS module that uses require, exports and __dirname. */
function fixture(body = 'exports.twice = (n) => 2 * n;'): { dir: string; file: string; env: NodeJS.ProcessEnv } {
  const dir = join(scratch, `case-${count++}`);
  const file = join(dir, 'module.cjs');
  runSync('mkdir', ['-p', dir], { check: true });
  writeFileSync(file, `const { join } = require('node:path');\nexports.where = join(__dirname, 'x');\n${body}\n`);
  return { dir, file, env: { XDG_CACHE_HOME: join(dir, 'cache') } };
}
/**
 * The same module under a path not loaded before: V8 keeps compiled scripts in memory per source
 * and file name, and a second load of the same file in this process would not look at the cache.
 */
function again(file: string): string {
  const copy = join(file, '..', `load-${count++}`, 'module.cjs');
  runSync('mkdir', ['-p', join(copy, '..')], { check: true });
  writeFileSync(copy, readFileSync(file));
  return copy;
}
const cacheFiles = (dir: string): string[] => (existsSync(join(dir, 'cache/kindling')) ? readdirSync(join(dir, 'cache/kindling')) : []);

describe('loadWithCodeCache', () => {
  test('a missing cache is written after the run and used by the next load', () => {
    const { dir, file, env } = fixture();
    const first = loadWithCodeCache<{ twice(n: number): number; where: string }>(file, env);
    expect(first.status).toBe('miss');
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.where).toBe(join(dir, 'x'));
    first.save();
    expect(cacheFiles(dir)).toHaveLength(1);
    const second = loadWithCodeCache<{ twice(n: number): number }>(again(file), env);
    expect(second.status).toBe('hit');
    expect(second.exports.twice(4)).toBe(8);
  });

  test('a damaged cache file is ignored and replaced', () => {
    const { dir, file, env } = fixture();
    loadWithCodeCache(file, env).save();
    const [name] = cacheFiles(dir);
    const path = join(dir, 'cache/kindling', name as string);
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(path, bytes);
    const damaged = loadWithCodeCache<{ twice(n: number): number }>(again(file), env);
    expect(damaged.status).toBe('corrupt');
    expect(damaged.exports.twice(3)).toBe(6);
    damaged.save();
    expect(loadWithCodeCache(again(file), env).status).toBe('hit');
    writeFileSync(path, 'not a cache');
    expect(loadWithCodeCache(again(file), env).status).toBe('corrupt');
  });

  test('a whole cache V8 refuses (made for other source) is ignored', () => {
    const { dir, file, env } = fixture();
    loadWithCodeCache(file, env).save();
    const [name] = cacheFiles(dir);
    const other = fixture('exports.twice = (n) => n + n; exports.more = [1, 2, 3].map((x) => x * 2);');
    loadWithCodeCache(other.file, other.env).save();
    const [otherName] = cacheFiles(other.dir);
    writeFileSync(join(dir, 'cache/kindling', name as string), readFileSync(join(other.dir, 'cache/kindling', otherName as string)));
    const refused = loadWithCodeCache<{ twice(n: number): number }>(again(file), env);
    expect(refused.status).toBe('rejected');
    expect(refused.exports.twice(5)).toBe(10);
  });

  test('an unwritable cache directory is no error', () => {
    const { dir, file } = fixture();
    // A regular file where the directory would be: mkdir fails even for root.
    writeFileSync(join(dir, 'cache'), '');
    const loaded = loadWithCodeCache<{ twice(n: number): number }>(file, { XDG_CACHE_HOME: join(dir, 'cache') });
    expect(loaded.status).toBe('miss');
    expect(() => loaded.save()).not.toThrow();
    expect(loaded.exports.twice(1)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['cache', 'module.cjs']);
  });

  test('a new version of the bundle replaces the old one\'s cache file', () => {
    const { dir, file, env } = fixture();
    loadWithCodeCache(file, env).save();
    const [before] = cacheFiles(dir);
    writeFileSync(file, `${readFileSync(file, 'utf8')}exports.added = true;\n`);
    const changed = loadWithCodeCache<{ added: boolean }>(file, env);
    expect(changed.status).toBe('miss');
    changed.save();
    const after = cacheFiles(dir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
  });

  test('where the cache lives, and how to turn it off', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/kindling');
    expect(codeCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/kindling');
    expect(codeCacheDir({ HOME: '/h' })).toBe('/h/.cache/kindling');
    expect(codeCacheDir({})).toBeUndefined();
    expect(codeCacheDir({ HOME: '/h', KINDLING_NO_CODE_CACHE: '1' })).toBeUndefined();
    expect(codeCacheDir({ HOME: '/h', KINDLING_NO_CODE_CACHE: '0' })).toBe('/h/.cache/kindling');
    const { dir, file } = fixture();
    const off = loadWithCodeCache(file, { XDG_CACHE_HOME: join(dir, 'cache'), KINDLING_NO_CODE_CACHE: '1' });
    expect(off.status).toBe('off');
    off.save();
    expect(cacheFiles(dir)).toEqual([]);
  });
});

describe('the npm bin with the cache', () => {
  const BUNDLE = resolve(import.meta.dirname, '../../dist/esm/kindling.js');
  const BUTANE = [
    'variant: fcos',
    'version: 1.5.0',
    'storage:',
    '  files:',
    ...Array.from({ length: 20 }, (_v, i) => [`    - path: /etc/f${i}`, '      contents:', `        inline: ${'cache me '.repeat(10 + i)}`]).flat(),
  ].join('\n');
  const BAD = `${BUTANE}\n    - path: etc/relative\n`;

  beforeAll(() => {
    if (!existsSync(BUNDLE)) runSync('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '../..'), check: true });
  });

  const transpile = (env: NodeJS.ProcessEnv) => [BUTANE, BAD].map((input) => {
    const run = runSync(process.execPath, [BUNDLE, 'transpile', '--pretty'], { input, env: { ...process.env, KINDLING_NO_CODE_CACHE: '', ...env } });
    return { code: run.exitCode, stdout: run.stdout, stderr: run.stderr };
  });

  test('output and report are the same cold, warm, damaged, unwritable and off', () => {
    const { dir } = fixture();
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    const off = transpile({ KINDLING_NO_CODE_CACHE: '1', XDG_CACHE_HOME: join(dir, 'off') });
    expect(off[0]?.code).toBe(0);
    expect(off[0]?.stdout).toContain('data:;base64,H4sI');
    expect(off[1]?.code).toBe(1);
    expect(off[1]?.stderr).toContain('path not absolute');
    expect(existsSync(join(dir, 'off'))).toBe(false);
    expect(transpile(env)).toEqual(off);
    expect(cacheFiles(dir)).toHaveLength(1);
    expect(transpile(env)).toEqual(off);
    const path = join(dir, 'cache/kindling', cacheFiles(dir)[0] as string);
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0x55, bytes.length >> 1);
    writeFileSync(path, bytes);
    expect(transpile(env)).toEqual(off);
    writeFileSync(join(dir, 'blocked'), '');
    expect(transpile({ XDG_CACHE_HOME: join(dir, 'blocked') })).toEqual(off);
  });
});
