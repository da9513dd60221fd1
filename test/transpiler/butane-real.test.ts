// Upstream Butane v0.29.0 on 523 real-world configs (../shared/conformance/butane-real; its README
// and SOURCES.tsv say where each comes from), run in-process through the `butane` entry point
// with each case's recorded flags. Exit code, stdout and stderr must be byte for byte upstream's;
// gzip data URLs included, since transpiler/gzip writes Go's exact bytes.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { argsOf, expectedOf, runCase } from './corpus-case.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/conformance/butane-real');
const present = canRun('the real-world Butane corpus in ../shared/conformance/butane-real', existsSync(CORPUS));
const cases = present ? readdirSync(join(CORPUS, 'cases')).sort() : [];

/**
 * The one allowed difference, GO_MAP_ORDER (docs/compatibility.md, "Butane reports"): upstream
 * finds a mapping's unknown keys by ranging over a Go map, so two `unused key` warnings of one
 * mapping come out in either order from run to run (cases 164 and 197). We print them in document
 * order; such runs of warnings are compared as sets, everything else in order.
 */
function goMapOrder(stderr: string): string[] {
  const entries = stderr.split('\n\n');
  const parent = (entry: string): string | undefined => /^warning\[(\$[^\]]*)\.[^.\]]+\]:[\s\S]*unused key /.exec(entry)?.[1];
  const out: string[] = [];
  for (let i = 0; i < entries.length; ) {
    const key = parent(entries[i] as string);
    let j = i + 1;
    while (key !== undefined && j < entries.length && parent(entries[j] as string) === key) j++;
    out.push(...entries.slice(i, j).sort());
    i = j;
  }
  return out;
}

describe.runIf(present)('upstream Butane on real-world configs', () => {
  test('the corpus has all 523 cases', () => {
    expect(cases).toHaveLength(523);
  });

  test.each(cases)('%s', async (name) => {
    const dir = join(CORPUS, 'cases', name);
    const expected = expectedOf(dir);
    const actual = await runCase(dir, argsOf(dir));
    expect(actual.exit).toBe(expected.exit);
    expect(goMapOrder(actual.stderr)).toEqual(goMapOrder(expected.stderr));
    expect(actual.stdout).toBe(expected.stdout);
  });
});
