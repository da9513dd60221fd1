// The single executable's startup snapshot without the built-in modules' code cache
// (scripts/sea-snapshot.mjs): a probe built by scripts/build-sea.mjs twice from the same input,
// once as --build-sea makes it and once with the cache dropped, must differ in exactly that list,
// be a well-formed ELF file, and answer the same, including from built-in modules the snapshot
// does not hold. A resource that is not what the build configured is refused, file untouched.
// A third build without --no-lazy (KINDLING_SEA_LAZY=1) shows that the builder compiled every
// function: a function the build never called needs no compiling at run time in the others.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { codeCache, dropBuiltinCodeCache, readSeaSnapshot } from '../../scripts/sea-snapshot.mjs';
import { canRun } from '../helpers/env.ts';
import { run as runProcess } from '../helpers/process.ts';
import { repo, run, SEA_ASSETS, seaBuildSetup } from './harness.ts';

const { runtime, missing } = await seaBuildSetup();
const available = canRun(`the single-executable snapshot test (${missing})`, missing === '');
const BUILD_MS = 300_000;

describe.skipIf(!available)('startup snapshot of the single executable', () => {
  let work: string;
  let kept: string;
  let dropped: string;
  let lazy: string;
  let expected: { mainPath: string; assets: Map<string, Buffer>; execArgv: string[] };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-snapshot-'));
    const main = join(work, 'main.cjs');
    copyFileSync(join(repo, 'test', 'boot', 'fixtures', 'snapshot-probe.cjs'), main);
    // build-sea embeds these bundles beside the main one; each gets distinct content to check.
    SEA_ASSETS.forEach((name, i) => writeFileSync(join(work, name), `// ${name}\n`.repeat(i + 1)));
    kept = join(work, 'kept');
    dropped = join(work, 'dropped');
    const env = { KINDLING_SEA_NODE: runtime, KINDLING_SEA_BUNDLE: main };
    await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env: { ...env, KINDLING_SEA_OUT: kept, KINDLING_SEA_KEEP_CODE_CACHE: '1' } });
    await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env: { ...env, KINDLING_SEA_OUT: dropped } });
    lazy = join(work, 'lazy');
    await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env: { ...env, KINDLING_SEA_OUT: lazy, KINDLING_SEA_LAZY: '1' } });
    expected = {
      mainPath: 'main.cjs',
      assets: new Map(SEA_ASSETS.map((name) => [name, readFileSync(join(work, name))])),
      execArgv: ['--no-experimental-global-navigator', '--no-experimental-webstorage', '--v8-pool-size=1'],
    };
  }, BUILD_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the snapshot loses exactly its code cache list, and the file shrinks by as much', () => {
    const before = readSeaSnapshot(kept, expected) as Buffer;
    const after = readSeaSnapshot(dropped, expected) as Buffer;
    const { start, ids } = codeCache(before) as { start: number; ids: string[] };
    expect(ids.length).toBeGreaterThan(300);
    expect(ids).toContain('child_process');
    expect(after.equals(Buffer.concat([before.subarray(0, start), Buffer.alloc(8)]))).toBe(true);
    expect(before.length - after.length).toBeGreaterThan(3_000_000);
    // The note is padded to 4 bytes, so the file shrinks by the snapshot's loss give or take 3.
    expect(Math.abs(statSync(kept).size - statSync(dropped).size - (before.length - after.length))).toBeLessThan(4);
  });

  test('readelf reads the shrunk file without a complaint, its note segment and section shrunk alike', async () => {
    /** The NOTE segment's end minus the SEA note section's end, from readelf's tables. */
    const slack = async (exe: string): Promise<number> => {
      const { stdout, stderr } = await runProcess('readelf', ['-lSW', exe], { env: { LC_ALL: 'C' }, check: true });
      expect(stderr).toBe('');
      const segment = /^\s*NOTE\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)/m.exec(stdout);
      const section = /\.note\.node\.sea\s+NOTE\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(stdout);
      if (segment === null || section === null) throw new Error(`no SEA note in readelf's tables of ${exe}`);
      return Number(segment[1]) + Number(segment[2]) - (parseInt(section[1] as string, 16) + parseInt(section[2] as string, 16));
    };
    expect(await slack(dropped)).toBe(await slack(kept));
  });

  test('both executables answer the same, built-ins outside the snapshot included', async () => {
    const env = { PATH: '/usr/bin:/bin' };
    const answer = JSON.parse(await run(dropped, [], { env, extendEnv: false })) as Record<string, unknown>;
    expect(answer).toEqual(JSON.parse(await run(kept, [], { env, extendEnv: false })));
    expect(answer).toMatchObject({ gzip: true, child: 'child\n', argv: ['--no-experimental-global-navigator', '--no-experimental-webstorage', '--v8-pool-size=1'] });
    expect(answer.built).toBe(answer.again);
    expect(answer.assets).toEqual(SEA_ASSETS.map((name, i) => `${name}:${(`// ${name}\n`.length) * (i + 1)}`));
  });

  test('a function the build never called is compiled already, unless the build was lazy', async () => {
    const env = { PATH: '/usr/bin:/bin' };
    const answer = async (exe: string) => JSON.parse(await run(exe, [], { env, extendEnv: false })) as { counted: number; compiledAtRun: number };
    const [eager, plain] = [await answer(dropped), await answer(lazy)];
    expect(eager.counted).toBe(1);
    expect(plain.counted).toBe(1);
    // Bytes of bytecode and metadata the heap gained from the first call: none when it was built in.
    expect(eager.compiledAtRun).toBe(0);
    expect(plain.compiledAtRun).toBeGreaterThan(500);
  });

  test('a resource that is not the configured one is refused and the file left as it was', () => {
    const copy = join(work, 'copy');
    copyFileSync(kept, copy);
    const bytes = readFileSync(copy);
    const wrong = { ...expected, assets: new Map([...expected.assets].map(([name, data]) => [name, Buffer.concat([data, Buffer.from('x')])])) };
    expect(() => dropBuiltinCodeCache(copy, wrong)).toThrow(/assets in the SEA resource are not the configured ones/);
    expect(() => dropBuiltinCodeCache(copy, { ...expected, execArgv: [] })).toThrow(/exec arguments/);
    expect(() => dropBuiltinCodeCache(copy, { ...expected, mainPath: 'other.cjs' })).toThrow(/main path/);
    expect(readFileSync(copy).equals(bytes)).toBe(true);
    // Once dropped, there is no code cache left to find: a second pass refuses too.
    expect(() => dropBuiltinCodeCache(dropped, expected)).toThrow(/found 0 places/);
  });
});
