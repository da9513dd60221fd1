// /etc/.ignition-result.json as upstream writes it, and the nesting of an earlier run's report.
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { rfc3339 } from '../../../src/stages/files/result-file.ts';
import { testContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles } from './support/run.ts';

afterEach(removeRoots);

const RESULT = 'etc/.ignition-result.json';

describe('result file', () => {
  test('indented JSON with a trailing newline, mode 0600, upstream key order', async () => {
    const root = newRoot();
    await runFiles(root, {});
    const text = readFileSync(join(root, RESULT), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^{\n {2}"provisioningBootID": "[0-9a-f-]*",\n {2}"provisioningDate": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",\n {2}"userConfigProvided": true\n}\n$/);
    expect(lstatSync(join(root, RESULT)).mode & 0o777).toBe(0o600);
  });

  test('an earlier report is nested, with upstream\'s warning', async () => {
    const root = newRoot();
    writeFileSync(join(root, RESULT), '{"provisioningDate":"2020-01-01T00:00:00Z","userConfigProvided":false}\n');
    const ctx = testContext(root);
    ctx.userConfigProvided = false;
    await runFiles(root, {}, ctx);
    const report = JSON.parse(readFileSync(join(root, RESULT), 'utf8')) as Record<string, unknown>;
    expect(report.previousReport).toEqual({ provisioningDate: '2020-01-01T00:00:00Z', userConfigProvided: false });
    expect(report.userConfigProvided).toBe(false);
    expect(ctx.lines.some((l) => l.startsWith('<4>') && l.includes('Ignition has already run on this system.'))).toBe(true);
  });

  test('dates are RFC 3339 without fractions', () => {
    expect(rfc3339(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05Z');
  });
});
