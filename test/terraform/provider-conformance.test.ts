// ct_config's render of real-world Butane configs (../shared/conformance/butane-real, outputs of
// upstream Butane v0.29.0) must carry the same config as Butane's recorded output. Butane leaves
// empty structs out where ct's Go encoding writes them (`"passwd":{}`, `"verification":{}`), so
// those are pruned before comparing as data, data URLs decoded (gzip bytes differ between Go and
// zlib). Outputs older than 3.4.0 are compared with the version set aside: ct lifts them to 3.4.0.
// Where Kindling's transpiler itself already differs from the recorded output (a transpiler matter,
// tested and tracked there), the render is held to the transpiler's own output instead, so that
// this file checks what the render adds: parse, translation, merge and Go encoding.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { keyOrder, normalize } from '../transpiler/compare.ts';
import { renderCtConfig } from '../../src/terraform/render.ts';
import { transpile } from '../../transpiler/index.ts';
import { isDeepStrictEqual } from 'node:util';
import { compareVersions, isSpecVersion } from '../../src/config/versions.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/conformance/butane-real');
const present = canRun('the Butane real-world corpus in ../shared/conformance/butane-real', existsSync(CORPUS));

interface Case {
  name: string;
  dir: string;
  expected: Record<string, unknown>;
}

function casesUpTo34(): Case[] {
  if (!present) return [];
  const out: Case[] = [];
  for (const name of readdirSync(join(CORPUS, 'cases')).sort()) {
    const dir = join(CORPUS, 'cases', name);
    if (!existsSync(join(dir, 'expected.json')) || readFileSync(join(dir, 'expected.exit'), 'utf8').trim() !== '0') continue;
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>;
    const version = (expected['ignition'] as { version?: unknown } | undefined)?.version;
    if (isSpecVersion(version) && compareVersions(version, '3.4.0') <= 0) out.push({ name, dir, expected });
  }
  return out;
}

/** Empty objects and lists removed, recursively: what Butane's omitempty encoder leaves out. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const pruned = prune(item);
    const empty = Array.isArray(pruned) ? pruned.length === 0 : typeof pruned === 'object' && pruned !== null && Object.keys(pruned).length === 0;
    if (!empty) out[key] = pruned;
  }
  return out;
}

const withoutVersion = (config: unknown): unknown => {
  const copy = structuredClone(config) as { ignition?: { version?: string } };
  if (copy.ignition !== undefined) copy.ignition.version = '<version>';
  return copy;
};

describe.runIf(present)('ct_config on real-world Butane configs (spec 3.4.0 and older)', () => {
  const cases = casesUpTo34();

  test('the corpus has such cases', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const filesDir = join(c.dir, 'files');
    const input = readFileSync(join(c.dir, 'input.bu'), 'utf8');
    const own = JSON.parse(transpile(input, { filesDir: existsSync(filesDir) ? filesDir : undefined }).output as string) as unknown;
    const reference = isDeepStrictEqual(normalize(own), normalize(c.expected)) ? c.expected : own;
    const result = renderCtConfig({
      content: input,
      snippets: [],
      strict: false,
      prettyPrint: true,
      filesDir: existsSync(filesDir) ? filesDir : undefined,
    });
    expect(result.findings.filter((f) => f.entry.severity === 'error').map((f) => f.entry.message)).toEqual([]);
    const rendered = JSON.parse(result.rendered as string) as Record<string, unknown>;
    expect((rendered['ignition'] as { version: string }).version).toBe('3.4.0');
    const actual = withoutVersion(prune(rendered));
    const expected = withoutVersion(prune(reference));
    expect(normalize(actual)).toEqual(normalize(expected));
    expect(keyOrder(actual)).toEqual(keyOrder(expected));
  });
});
