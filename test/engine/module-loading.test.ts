// The later stages load only their own code: in the npm bin's bundle (split like scripts/build.mjs
// splits it), the modules a files stage loads before it runs exclude the fetch stage, the
// providers, the network clients, the config validator, the other stages and every library.
import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');

/** Source files in the output chunks reachable from `start` through static imports only. */
function staticSources(meta: Metafile, start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const chunk = pending.pop() as string;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    for (const imported of meta.outputs[chunk]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && imported.external !== true) pending.push(imported.path);
    }
  }
  const sources = new Set<string>();
  for (const chunk of seen) for (const input of Object.keys(meta.outputs[chunk]?.inputs ?? {})) sources.add(input);
  return sources;
}

test('the runner chunk statically loads the files stage but none of the fetch-only code', async () => {
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: { kindling: 'src/main.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    outdir: join(REPO, '.tmp', 'module-loading'),
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta = result.metafile;
  const runChunk = Object.keys(meta.outputs).find((out) => meta.outputs[out]?.entryPoint === 'src/cli/run.ts');
  expect(runChunk).toBeDefined();
  const loaded = staticSources(meta, runChunk as string);
  for (const needed of ['src/engine/run.ts', 'src/stages/files/index.ts', 'src/stages/files/nodes.ts', 'src/system/exec.ts']) {
    expect(loaded.has(needed), needed).toBe(true);
  }
  // No third-party library is loaded before the stage runs (undici comes only with a fetch).
  expect([...loaded].filter((source) => source.includes('node_modules/'))).toEqual([]);
  for (const heavy of [
    'src/engine/fetch-stage.ts',
    'src/providers/index.ts',
    'src/resource/index.ts',
    'src/resource/http.ts',
    'src/config/schema.ts',
    'src/config/rules/index.ts',
    'src/stages/disks/index.ts',
  ]) {
    expect(loaded.has(heavy), heavy).toBe(false);
  }
});
