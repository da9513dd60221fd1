// Differential test of `kindling validate` against upstream's ignition-validate (Debian's 2.14):
// the same generated configs go through both, and exit codes, report entries (severity, path,
// line, col, message) and parse-failure messages must agree after mapping 2.14's older strings.
// Kindling's CLI runs in-process for every config (its bundle starts too slowly to spawn a thousand
// times); a fixed sample also goes through the built bundle, which must print exactly the same.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/dispatch.ts';
import { canRun, hasCommand } from '../helpers/env.ts';
import { COLUMNS } from './config-fragments.ts';
import { generateCases, type ConfigCase } from './config-generator.ts';
import { canonicalOrder, formatLine, oursComparable, parseReport, upstreamAsCurrent } from './report-lines.ts';
import { runOnce, runPool, type Outcome } from './run-validators.ts';

const SEED = 0x1617_2026;
const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/kindling.cjs');

/**
 * Cases where Kindling knowingly differs from upstream, by exact case id, each with the reason.
 * Every entry must also be a bullet in docs/compatibility.md; a listed case that stops differing
 * fails, so the list cannot go stale.
 */
const KNOWN_DIFFERENCES: ReadonlyMap<string, string> = new Map([]);

/** Every this-many-th case also runs through dist/kindling.cjs. */
const BUNDLE_STRIDE = 40;

/** `kindling validate FILE` through the CLI dispatcher, in this process. */
async function runInProcess(file: string): Promise<Outcome> {
  const capture = (): { stream: PassThrough; text: () => string } => {
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const stdout = capture();
  const stderr = capture();
  const code = await main(['validate', file], { stdin: Readable.from([]), stdout: stdout.stream, stderr: stderr.stream }, undefined);
  await new Promise((done) => setImmediate(done));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

interface Compared {
  upstream: Outcome;
  ours: Outcome;
}

/** Entries and parse-failure text of both sides in one comparable shape. */
function comparable(testCase: ConfigCase, { upstream, ours }: Compared) {
  const up = canonicalOrder(upstreamAsCurrent(parseReport(upstream.stdout), testCase)).map(formatLine);
  const our = canonicalOrder(oursComparable(parseReport(ours.stdout), testCase.column)).map(formatLine);
  return {
    upstream: { exit: upstream.code, entries: up, stderr: upstream.stderr.trim() },
    ours: { exit: ours.code, entries: our, stderr: upstream.stderr === '' ? '' : ours.stderr.trim() },
  };
}

const upstreamAvailable = canRun('ignition-validate', hasCommand('ignition-validate'));

describe.runIf(upstreamAvailable)('kindling validate agrees with ignition-validate', () => {
  const cases = generateCases(SEED);
  const results = new Map<string, Compared>();
  const bundled = new Map<string, { inProcess: Outcome; bundle: Outcome }>();
  let dir = '';

  beforeAll(async () => {
    // npm test builds first; a bare vitest run builds here once.
    if (!existsSync(BUNDLE)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'kindling-diff-'));
    const files = cases.map((c, i) => {
      const upstream = join(dir, `${i}.upstream.ign`);
      const ours = join(dir, `${i}.ours.ign`);
      writeFileSync(upstream, c.upstream);
      writeFileSync(ours, c.ours);
      return { upstream, ours };
    });
    const sample = files.filter((_, i) => i % BUNDLE_STRIDE === 0);
    const [up, fromBundle] = await Promise.all([
      runPool(files, 2, (f) => runOnce('ignition-validate', [f.upstream])),
      runPool(sample, 2, (f) => runOnce(process.execPath, [BUNDLE, 'validate', f.ours])),
    ]);
    const ours: Outcome[] = [];
    for (const f of files) ours.push(await runInProcess(f.ours));
    cases.forEach((c, i) => results.set(c.id, { upstream: up[i] as Outcome, ours: ours[i] as Outcome }));
    sample.forEach((_, j) => {
      const i = j * BUNDLE_STRIDE;
      bundled.set((cases[i] as ConfigCase).id, { inProcess: ours[i] as Outcome, bundle: fromBundle[j] as Outcome });
    });
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates a corpus of at least 300 distinct configs over every spec column, valid and invalid', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    for (const column of COLUMNS) expect(cases.filter((c) => c.column === column).length).toBeGreaterThan(60);
    const exits = [...results.values()].map((r) => r.upstream.code);
    expect(exits.filter((code) => code === 0).length).toBeGreaterThan(100);
    expect(exits.filter((code) => code === 1).length).toBeGreaterThan(100);
    expect(generateCases(SEED).map((c) => c.ours.toString('base64'))).toEqual(cases.map((c) => c.ours.toString('base64')));
  });

  it('prints exactly the same from the built bundle as in-process', () => {
    expect(bundled.size).toBeGreaterThanOrEqual(20);
    for (const [id, { inProcess, bundle }] of bundled) expect(bundle, id).toEqual(inProcess);
  });

  it('lists only known differences that exist in the corpus', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect([...KNOWN_DIFFERENCES.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (id, testCase) => {
    const result = results.get(id) as Compared;
    const { upstream, ours } = comparable(testCase, result);
    const known = KNOWN_DIFFERENCES.get(id);
    if (known !== undefined) {
      expect(ours, `known difference no longer differs, remove it: ${known}`).not.toEqual(upstream);
      return;
    }
    expect(ours).toEqual(upstream);
  });
});
