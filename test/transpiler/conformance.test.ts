// Upstream Butane v0.29.0's outputs for the 76 documentation examples, read from the shared corpus
// (never copied into the repo), compared as data with data URLs decoded (butane.md §10), which
// shows what differs, and then byte for byte.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { transpile } from '../../transpiler/index.ts';
import { keyOrder, normalize, yamlToValue } from './compare.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/conformance/butane-docs');
const present = canRun('the Butane documentation corpus in ../shared/conformance/butane-docs', existsSync(CORPUS));
const cases = present ? readdirSync(join(CORPUS, 'cases')).sort() : [];

describe.runIf(present)('upstream Butane documentation examples', () => {
  // Upstream ran with an empty `tree/` directory, which the corpus cannot hold; add it in a copy.
  const filesDir = mkdtempSync(join(tmpdir(), 'kindling-butane-files-'));
  afterAll(() => rmSync(filesDir, { recursive: true, force: true }));
  if (present) {
    for (const name of readdirSync(join(CORPUS, 'files'))) copyFileSync(join(CORPUS, 'files', name), join(filesDir, name));
    mkdirSync(join(filesDir, 'tree'));
  }

  test('the corpus has all 76 cases', () => {
    expect(cases).toHaveLength(76);
  });

  test.each(cases)('%s', (name) => {
    const dir = join(CORPUS, 'cases', name);
    const input = readFileSync(join(dir, 'input.bu'), 'utf8');
    const result = transpile(input, { filesDir, pretty: true });
    // The corpus was made with --strict, so any report entry would have failed upstream.
    expect(result.error?.message).toBeUndefined();
    expect(result.report.map((e) => `${e.severity} ${e.message}`)).toEqual([]);
    const output = result.output as string;
    if (existsSync(join(dir, 'expected.json'))) {
      const expected: unknown = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
      const actual: unknown = JSON.parse(output);
      expect(normalize(actual)).toEqual(normalize(expected));
      expect(keyOrder(actual)).toEqual(keyOrder(expected));
      // And byte for byte, gzip data URLs included (transpiler/gzip writes Go's exact bytes).
      expect(`${output}\n`).toBe(readFileSync(join(dir, 'expected.json'), 'utf8'));
    } else {
      const expectedText = readFileSync(join(dir, 'expected.yaml'), 'utf8');
      expect(normalize(yamlToValue(output))).toEqual(normalize(yamlToValue(expectedText)));
      // No gzip in these cases, so the MachineConfig text itself must match.
      expect(`${output}\n`).toBe(expectedText);
    }
  });
});
