// The config cache's fast path: a cache read back byte for byte as the fetch stage wrote it gives
// the same config the full parse gives, and any other cache still goes through full validation.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { scratchOptions } from './support.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { serializeConfig } from '../../src/config/serialize.ts';
import { cacheDigest, validatedCachedConfig } from '../../src/engine/config-cache.ts';
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
      // Recorded as the fetch stage records it (the text it writes), checked against the bytes read back.
      expect(validatedCachedConfig(Buffer.from(cache), cacheDigest(cache)), name).toEqual(full);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  test('a cache without a recorded digest, or changed since, is not taken as validated', () => {
    const cache = serializeConfig(parseConfig(JSON.stringify(filesWorkload())).config as object, { pretty: false, style: 'ignition' });
    const digest = cacheDigest(cache);
    expect(validatedCachedConfig(Buffer.from(cache), undefined)).toBeUndefined();
    expect(validatedCachedConfig(Buffer.from(cache.replace('"mode":384', '"mode":448')), digest)).toBeUndefined();
    expect(validatedCachedConfig(Buffer.from(`${cache} `), digest)).toBeUndefined();
  });

  test('bytes that only decode to the text written are not that text', () => {
    // A lone 0xff reads back as U+FFFD, the character the fetch stage wrote as EF BF BD.
    const cache = JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/\ufffd' }] } });
    const edited = Buffer.concat([Buffer.from(cache.slice(0, cache.indexOf('\ufffd'))), Buffer.from([0xff]), Buffer.from(cache.slice(cache.indexOf('\ufffd') + 1))]);
    expect(edited.toString('utf8')).toBe(cache);
    expect(validatedCachedConfig(Buffer.from(cache), cacheDigest(cache))).toBeDefined();
    expect(validatedCachedConfig(edited, cacheDigest(cache))).toBeUndefined();
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

  test('the state file records the digest of the cache, and the files stage writes the config', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify(config));
    expect(await run('fetch')).toBeUndefined();
    const state = JSON.parse(await readFile(join(work, 'run', 'ignition', 'state'), 'utf8')) as { configCacheSha256?: string };
    expect(state.configCacheSha256).toBe(cacheDigest(await readFile(join(work, 'run', 'ignition.json'), 'utf8')));
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
