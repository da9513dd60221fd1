// The transpiler fixture tree: test/fixtures/transpile/<case>/input.bu with expected.json or
// expected.yaml (the output, compared as data with data URLs decoded) and/or report.json (the
// error and every entry with code, severity, YAML path, line:col and message).
// UPDATE_TRANSPILE_FIXTURES=1 rewrites the expected files from the current output, like a
// snapshot update: review the diff before committing it.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatPath } from '../../src/report.ts';
import { FLAVORS, transpile } from '../../transpiler/index.ts';
import { keyOrder, normalize, yamlToValue } from './compare.ts';

const ROOT = resolve(import.meta.dirname, '../fixtures/transpile');
const cases = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface ExpectedReport {
  error: { code: string; message: string } | null;
  entries: { severity: string; code: string; path: string | null; line: number | null; col: number | null; message: string }[];
}

function run(name: string) {
  const dir = join(ROOT, name);
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as { filesDir?: string; raw?: boolean }) : {};
  const filesDir = options.filesDir === undefined ? undefined : join(dir, options.filesDir);
  const result = transpile(readFileSync(join(dir, 'input.bu'), 'utf8'), { filesDir, raw: options.raw, pretty: true });
  return { dir, filesDir, result };
}

const update = process.env.UPDATE_TRANSPILE_FIXTURES === '1';

/** The report as report.json stores it, with the files directory written as <files>. */
function reportOf(result: ReturnType<typeof run>['result'], filesDir: string | undefined): ExpectedReport {
  const scrub = (message: string): string => (filesDir === undefined ? message : message.split(filesDir).join('<files>'));
  return {
    error: result.error === undefined ? null : { code: result.error.code, message: result.error.message },
    entries: result.report.map((e) => ({
      severity: e.severity,
      code: e.code,
      path: e.path === undefined ? null : formatPath(e.path),
      line: e.pos?.line ?? null,
      col: e.pos?.col ?? null,
      message: scrub(e.message),
    })),
  };
}

function rewrite(name: string): void {
  const { dir, filesDir, result } = run(name);
  for (const file of ['expected.json', 'expected.yaml', 'report.json']) rmSync(join(dir, file), { force: true });
  if (result.output !== undefined) writeFileSync(join(dir, result.machineConfig === undefined ? 'expected.json' : 'expected.yaml'), `${result.output}\n`);
  if (result.error !== undefined || result.report.length > 0) writeFileSync(join(dir, 'report.json'), `${JSON.stringify(reportOf(result, filesDir), null, 2)}\n`);
}

describe('transpiler fixtures', () => {
  test('the tree covers every variant and version and at least 60 failing or warning cases', () => {
    const flagged = cases.filter((name) => existsSync(join(ROOT, name, 'report.json')));
    expect(flagged.length).toBeGreaterThanOrEqual(60);
    const versions = cases.filter((name) => name.startsWith('version-'));
    expect(versions).toEqual(FLAVORS.map((f) => `version-${f.variant}-${f.version}`).sort());
  });

  test.each(cases)('%s', (name) => {
    if (update) rewrite(name);
    const { dir, filesDir, result } = run(name);
    const reportFile = join(dir, 'report.json');
    if (existsSync(reportFile)) {
      const expected = JSON.parse(readFileSync(reportFile, 'utf8')) as ExpectedReport;
      const actual = reportOf(result, filesDir);
      expect(actual.error).toEqual(expected.error);
      expect(actual.entries).toEqual(expected.entries);
    } else {
      expect(result.error).toBeUndefined();
      expect(result.report).toEqual([]);
    }
    const jsonFile = join(dir, 'expected.json');
    const yamlFile = join(dir, 'expected.yaml');
    if (existsSync(jsonFile)) {
      const expected: unknown = JSON.parse(readFileSync(jsonFile, 'utf8'));
      const actual: unknown = JSON.parse(result.output as string);
      expect(normalize(actual)).toEqual(normalize(expected));
      expect(keyOrder(actual)).toEqual(keyOrder(expected));
    } else if (existsSync(yamlFile)) {
      const expected = readFileSync(yamlFile, 'utf8');
      expect(normalize(yamlToValue(result.output as string))).toEqual(normalize(yamlToValue(expected)));
      expect(keyOrder(yamlToValue(result.output as string))).toEqual(keyOrder(yamlToValue(expected)));
    } else {
      expect(result.output).toBeUndefined();
    }
  });
});
