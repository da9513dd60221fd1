// The examples the README's quick start runs: each transpiles with no findings at all (--strict
// would fail on a warning) and the result validates as Ignition with an empty report.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { transpile } from '../transpiler/index.ts';

const dir = resolve(import.meta.dirname, '..', 'examples');
const examples = readdirSync(dir).filter((name) => name.endsWith('.bu')).sort();

describe('examples/', () => {
  test('there are examples to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  test.each(examples)('%s transpiles cleanly and validates', (name) => {
    const result = transpile(readFileSync(join(dir, name), 'utf8'), { filesDir: dir });
    expect(result.error).toBeUndefined();
    expect(result.report.map((e) => e.message)).toEqual([]);
    const parsed = parseConfig(result.output ?? '');
    expect(parsed.failure).toBeUndefined();
    expect(parsed.report.map((e) => e.message)).toEqual([]);
    expect(parsed.config?.ignition?.version).toBe('3.7.0-experimental');
  });
});
