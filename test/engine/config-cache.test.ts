// The config cache's fast path: the file the fetch stage wrote, unchanged since, gives the same
// config the full parse gives, and any other cache still goes through full validation.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { scratchOptions } from './support.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { serializeConfig } from '../../src/config/serialize.ts';
import { cacheStamp, currentCacheStamp, isFetchStageCache, readCache, validatedCachedConfig } from '../../src/engine/config-cache.ts';
import type { RunOptions, StageName } from '../../src/engine/options.ts';
import { runStage } from '../../src/engine/run.ts';
import { memorySink } from '../../src/system/log.ts';
import { filesWorkload } from '../../bench/files/workload.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'transpile');

/** Ignition configs of many shapes: every transpile fixture's expected output, and the bench workload. */
function sampleConfigs(): { name: string; text: string }[] {
  const samples = [{ name: 'bench workload', text: JSON.stringify(filesWorkload()) }];
  for (const dir of readdirSync(FIXTURES)) {
    const file = join(FIXTURES, dir, 'expected.json');
    if (existsSync(file)) samples.push({ name: dir, text: readFileSync(file, 'utf8') });
  }
  return samples;
}

describe('validatedCachedConfig', () => {
  test('a cache as the fetch stage writes it gives exactly what the full parse gives', () => {
    let compared = 0;
    for (const { name, text } of sampleConfigs()) {
      const parsed = parseConfig(text);
      if (parsed.config === undefined) continue;
      const cache = serializeConfig(parsed.config, { pretty: false, style: 'ignition' });
      const full = parseConfig(cache).config;
      expect(full, name).toBeDefined();
      expect(validatedCachedConfig(Buffer.from(cache), 'stamp', 'stamp'), name).toEqual(full);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  test('without a recorded stamp, with another one, or with none read, the cache is not taken', () => {
    const cache = Buffer.from(serializeConfig(parseConfig(JSON.stringify(filesWorkload())).config as object, { pretty: false, style: 'ignition' }));
    expect(validatedCachedConfig(cache, 'a', undefined)).toBeUndefined();
    expect(validatedCachedConfig(cache, 'a', 'b')).toBeUndefined();
    expect(validatedCachedConfig(cache, '', '')).toBeUndefined();
  });
});

describe('the cache stamp', () => {
  let work = '';
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-stamp-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));
  const stampOf = (file: string): string => cacheStamp(statSync(file, { bigint: true }));
  /** Waits until the file timestamps' clock has moved on (it may be as coarse as a scheduler tick). */
  const nextTick = (file: string): void => {
    const probe = `${file}.tick`;
    const before = statSync(file, { bigint: true }).ctimeNs;
    for (let i = 0; i < 1000; i++) {
      writeFileSync(probe, String(i));
      if (statSync(probe, { bigint: true }).ctimeNs > before) return;
    }
    throw new Error('the file clock did not move');
  };

  test('reading the file gives its bytes and the stamp taken after writing it', async () => {
    const file = join(work, 'ignition.json');
    writeFileSync(file, '{"ignition":{"version":"3.3.0"}}');
    const read = readCache(file);
    expect(read.bytes.toString()).toBe('{"ignition":{"version":"3.3.0"}}');
    expect(read.stamp).toBe(stampOf(file));
  });

  test('an idle stage stamps the file without reading it, and only a recorded stamp matches', () => {
    const file = join(work, 'ignition.json');
    writeFileSync(file, '{"ignition":{"version":"3.3.0"}}');
    const stamp = currentCacheStamp(file);
    expect(stamp).toBe(readCache(file).stamp);
    expect(isFetchStageCache(stamp, stamp)).toBe(true);
    expect(isFetchStageCache(stamp, undefined)).toBe(false);
    expect(isFetchStageCache('', '')).toBe(false);
    expect(currentCacheStamp(join(work, 'missing.json'))).toBeUndefined();
    expect(isFetchStageCache(undefined, stamp)).toBe(false);
  });

  test('the same bytes in another file, an edit of the same size, and a restored mtime all change it', async () => {
    const file = join(work, 'ignition.json');
    const text = '{"ignition":{"version":"3.3.0"}}';
    writeFileSync(file, text);
    const recorded = stampOf(file);
    // Another file with the same bytes renamed over it (as an editor saves).
    writeFileSync(`${file}.new`, text);
    renameSync(`${file}.new`, file);
    expect(readCache(file).stamp).not.toBe(recorded);
    // An edit in place that keeps the size, with the modification time set back afterwards.
    const again = stampOf(file);
    const { atime, mtime } = statSync(file);
    nextTick(file);
    writeFileSync(file, text.replace('3.3.0', '3.4.0'));
    utimesSync(file, atime, mtime);
    expect(statSync(file).size).toBe(text.length);
    expect(readCache(file).stamp).not.toBe(again);
  });
});

describe('the later stages read the cache the fetch stage wrote', () => {
  let work = '';
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-cache-'));
    await mkdir(join(work, 'root', 'etc'), { recursive: true });
    await writeFile(join(work, 'root', 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await writeFile(join(work, 'root', 'etc', 'group'), 'root:x:0:\n');
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  const options = (stage: StageName): RunOptions => scratchOptions(work, stage);
  const run = async (stage: StageName): Promise<unknown> => {
    try {
      await runStage(options(stage), { sink: memorySink().sink });
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const config = { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/motd', mode: 420, contents: { source: 'data:,hello' } }] } };

  test('the state file records the stamp of the cache, and the files stage writes the config', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify(config));
    expect(await run('fetch')).toBeUndefined();
    const state = JSON.parse(await readFile(join(work, 'run', 'ignition', 'state'), 'utf8')) as { configCacheStamp?: string };
    expect(state.configCacheStamp).toBe(cacheStamp(statSync(join(work, 'run', 'ignition.json'), { bigint: true })));
    expect(await run('files')).toBeUndefined();
    expect(await readFile(join(work, 'root', 'etc', 'motd'), 'utf8')).toBe('hello');
  });

  test('a cache edited after the fetch stage is validated again and refused when invalid', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify(config));
    expect(await run('fetch')).toBeUndefined();
    const cacheFile = join(work, 'run', 'ignition.json');
    await writeFile(cacheFile, (await readFile(cacheFile, 'utf8')).replace('"/etc/motd"', '"etc/motd"'));
    const error = await run('files');
    expect(String((error as Error | undefined)?.message)).toContain('is not valid');
    expect(String((error as Error | undefined)?.message)).toContain('path not absolute');
    expect(existsSync(join(work, 'root', 'etc', 'motd'))).toBe(false);
  });
});
