// `kindling validate` against Debian's ignition-validate 2.14 on a generated corpus: exit codes,
// entries (severity, path, line, col, message) and parse failures must agree once 2.14's strings are
// mapped. The CLI runs in-process (the bundle starts slowly); a sample also runs the real bundle.

import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
import { runSync } from '../helpers/process.ts';

const SEED = 0x1617_2026;
const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/kindling.cjs');

/**
 * Ways Kindling knowingly differs from upstream today, each with its reason. Each must end up
 * fixed or as a bullet in docs/compatibility.md. An entry that no case needs any more fails the
 * run, so the list cannot go stale.
 */
interface KnownDifference {
  reason: string;
  /** Cases (whole ids, or the part after the spec column) that show it; they must still differ. */
  cases?: readonly string[];
  /** Upstream entries with such a message are left out before comparing. */
  dropUpstream?: RegExp;
  /** Unused-key warnings are compared as a set, each side sorted in place. */
  unorderedUnusedKeys?: boolean;
}

const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {
  'duplicate-key-object-merge': {
    reason:
      'Go decodes a repeated key into the same struct or list (reusing earlier list elements), so fields of both occurrences ' +
      'survive; Kindling keeps only the last occurrence',
    cases: ['text/dupkey-storage-twice', 'text/dupkey-nested-object-twice', 'text/dupkey-list-elements-merge'],
  },
};

const knownCase = (id: string): string | undefined =>
  Object.keys(KNOWN_DIFFERENCES).find((name) =>
    KNOWN_DIFFERENCES[name]?.cases?.some((c) => id === c || id.endsWith(`/${c}`)),
  );

/** Cases that also run through dist/kindling.cjs: valid, warnings only, errors, parse failures. */
const BUNDLE_SAMPLE = ['3.3.0/valid-everything/', '3.2.0/unknown-file-key/', '3.3.0/mode-example-order/', '/text/syntax-late-line', '/text/empty-file', 'version/0-'];

/** `kindling validate ARGS` through the CLI dispatcher, in this process. */
async function runInProcess(args: string[], input = ''): Promise<Outcome> {
  const capture = (): { stream: PassThrough; text: () => string } => {
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const stdout = capture();
  const stderr = capture();
  const stdin = Readable.from(input === '' ? [] : [Buffer.from(input)]);
  const code = await main(['validate', ...args], { stdin, stdout: stdout.stream, stderr: stderr.stream }, undefined);
  await new Promise((done) => setImmediate(done));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

interface Compared {
  upstream: Outcome;
  ours: Outcome;
}

/** Command-line situations of ignition-spec.md §13 other than a config's content. */
interface CliCase {
  name: string;
  args: (dir: string) => string[];
  stdin?: string;
  /** Usage texts name the program, so only exit codes and stdout are compared. */
  usage?: boolean;
}

const CLI_CASES: readonly CliCase[] = [
  { name: 'missing-file', args: (dir) => [join(dir, 'nope.ign')] },
  { name: 'directory', args: (dir) => [dir] },
  { name: 'stdin-invalid', args: () => ['-'], stdin: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]}}' },
  { name: 'stdin-warning', args: () => ['-'], stdin: '{\n  "ignition": {"version": "3.0.0"},\n  "x": 1\n}\n' },
  { name: 'stdin-empty', args: () => ['-'], stdin: '' },
  { name: 'no-arguments', args: () => [], usage: true },
  { name: 'two-arguments', args: (dir) => [join(dir, '0.ours.ign'), join(dir, '1.ours.ign')], usage: true },
];

const KNOWN_CLI_DIFFERENCES: ReadonlyMap<string, string> = new Map();

const isUnusedKey = (line: string): boolean => / unused key /.test(line);

/** Sorts the unused-key lines among themselves, leaving every other line where it is. */
function sortUnusedKeys(lines: string[]): string[] {
  const unused = lines.filter(isUnusedKey).sort();
  return lines.map((l) => (isUnusedKey(l) ? (unused.shift() as string) : l));
}

interface Relaxations {
  dropUpstream: RegExp[];
  unorderedUnusedKeys: boolean;
}

const ALL_RELAXATIONS: Relaxations = {
  dropUpstream: Object.values(KNOWN_DIFFERENCES).flatMap((d) => (d.dropUpstream ? [d.dropUpstream] : [])),
  unorderedUnusedKeys: Object.values(KNOWN_DIFFERENCES).some((d) => d.unorderedUnusedKeys === true),
};

/** Entries and parse-failure text of both sides in one comparable shape. */
function comparable(testCase: ConfigCase, { upstream, ours }: Compared, relax: Relaxations = ALL_RELAXATIONS) {
  const upLines = upstreamAsCurrent(parseReport(upstream.stdout), testCase).filter((l) => !relax.dropUpstream.some((re) => re.test(l.message)));
  let up = canonicalOrder(upLines).map(formatLine);
  let our = canonicalOrder(oursComparable(parseReport(ours.stdout), testCase.column)).map(formatLine);
  if (relax.unorderedUnusedKeys) {
    up = sortUnusedKeys(up);
    our = sortUnusedKeys(our);
  }
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
    if (!existsSync(BUNDLE)) runSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, check: true });
    dir = mkdtempSync(join(tmpdir(), 'kindling-diff-'));
    const files = cases.map((c, i) => {
      const upstream = join(dir, `${i}.upstream.ign`);
      const ours = join(dir, `${i}.ours.ign`);
      writeFileSync(upstream, c.upstream);
      writeFileSync(ours, c.ours);
      return { upstream, ours };
    });
    const sampled = cases.flatMap((c, i) => (BUNDLE_SAMPLE.some((part) => c.id.includes(part)) ? [i] : []));
    const [up, fromBundle] = await Promise.all([
      runPool(files, 2, (f) => runOnce('ignition-validate', [f.upstream])),
      runPool(sampled, 2, (i) => runOnce(process.execPath, [BUNDLE, 'validate', (files[i] as { ours: string }).ours])),
    ]);
    const ours: Outcome[] = [];
    for (const f of files) ours.push(await runInProcess([f.ours]));
    cases.forEach((c, i) => results.set(c.id, { upstream: up[i] as Outcome, ours: ours[i] as Outcome }));
    sampled.forEach((i, j) => bundled.set((cases[i] as ConfigCase).id, { inProcess: ours[i] as Outcome, bundle: fromBundle[j] as Outcome }));
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
    expect(bundled.size).toBe(BUNDLE_SAMPLE.length);
    expect(new Set([...bundled.values()].map((b) => b.bundle.code))).toEqual(new Set([0, 1]));
    for (const [id, { inProcess, bundle }] of bundled) expect(bundle, id).toEqual(inProcess);
  });

  it('answers as ignition-validate when the bundle is invoked under that name', async () => {
    const compat = join(dir, 'ignition-validate');
    symlinkSync(BUNDLE, compat);
    const both = async (args: string[]) => [await runOnce('ignition-validate', args), await runOnce(process.execPath, [compat, ...args])] as const;
    const [upUsage, ourUsage] = await both([]);
    expect({ exit: ourUsage.code, stderr: ourUsage.stderr }).toEqual({ exit: upUsage.code, stderr: upUsage.stderr });
    const [upVersion, ourVersion] = await both(['--version']);
    expect(ourVersion.code).toBe(upVersion.code);
    const warned = cases.findIndex((c) => c.id.startsWith('3.2.0/unknown-file-key/'));
    const [upRun, ourRun] = await both([join(dir, `${warned}.upstream.ign`)]);
    expect(ourRun.code).toBe(upRun.code);
    expect(parseReport(ourRun.stdout).map(formatLine)).toEqual(upstreamAsCurrent(parseReport(upRun.stdout), {}).map(formatLine));
  });

  it.each(CLI_CASES.map((c) => [c.name, c] as const))('command line: %s', async (name, cli) => {
    const args = cli.args(dir);
    const [upstream, ours] = [await runOnce('ignition-validate', args, cli.stdin), await runInProcess(args, cli.stdin)];
    const shape = (o: Outcome, lines = parseReport(o.stdout)) => ({ exit: o.code, stdout: lines.map(formatLine), stderr: cli.usage ? o.stderr !== '' : o.stderr });
    const upstreamShape = shape(upstream, upstreamAsCurrent(parseReport(upstream.stdout), {}));
    const known = KNOWN_CLI_DIFFERENCES.get(name);
    if (known !== undefined) {
      expect(shape(ours), `known difference no longer shows, remove it: ${known}`).not.toEqual(upstreamShape);
      return;
    }
    expect(shape(ours)).toEqual(upstreamShape);
  });

  it('still needs every known difference', () => {
    const stale: string[] = [];
    for (const [name, known] of Object.entries(KNOWN_DIFFERENCES)) {
      for (const c of known.cases ?? []) if (!cases.some((tc) => tc.id === c || tc.id.endsWith(`/${c}`))) stale.push(`${name}: no case ${c}`);
      if (known.dropUpstream || known.unorderedUnusedKeys) {
        const without: Relaxations = {
          dropUpstream: ALL_RELAXATIONS.dropUpstream.filter((re) => re !== known.dropUpstream),
          unorderedUnusedKeys: ALL_RELAXATIONS.unorderedUnusedKeys && !known.unorderedUnusedKeys,
        };
        const needed = cases.some((c) => {
          if (knownCase(c.id) !== undefined) return false;
          const r = results.get(c.id) as Compared;
          const strict = comparable(c, r, without);
          return JSON.stringify(strict.ours) !== JSON.stringify(strict.upstream);
        });
        if (!needed) stale.push(`${name}: no case differs without it any more`);
      }
    }
    expect(stale, 'remove these from KNOWN_DIFFERENCES (and docs/compatibility.md)').toEqual([]);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (id, testCase) => {
    const { upstream, ours } = comparable(testCase, results.get(id) as Compared);
    const known = knownCase(id);
    if (known !== undefined) {
      expect(ours, `known difference "${known}" no longer shows here: remove the case from it`).not.toEqual(upstream);
      return;
    }
    expect(ours).toEqual(upstream);
  });
});
