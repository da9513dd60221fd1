// Differential test of the whole runner: every config runs through Debian's Ignition 2.14 and
// Kindling's CLI (fetch stage, then files stage, each its own process) into fresh copies of one
// template root; trees must match apart from docs/compatibility.md's differences, failures must
// fail on both sides, and Kindling must fail them before touching the root.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CASES } from '../differential-files/cases.ts';
import { canRun, isRoot } from '../helpers/env.ts';
import { makeTemplateRoot } from '../stages/files/support/template-root.ts';
import { diffTrees, snapshotTree, type Tree } from '../helpers/manifest.ts';
import { RUNNER_CASES, type RunnerCase } from './runner-cases.ts';
import { normalizeContent } from '../differential-files/normalize.ts';
import { IGNITION_BIN, installKindling, installSetfilesStub, pool, runKindling, runUpstream, type RunRequest, type RunResult } from './support/runners.ts';
import { startServer, type LoopbackServer } from './support/server.ts';
import { run } from '../helpers/process.ts';

const runnable = canRun('Ignition 2.14 and root for the differential runner test', isRoot && existsSync(IGNITION_BIN));
const copy = (from: string, to: string) => run('cp', ['-a', from, to], { check: true });

/** The files-stage cases of test/differential-files, here run through both whole runners. */
const ALL: RunnerCase[] = [
  ...CASES.map((c): RunnerCase => ({ name: `files: ${c.name}`, config: () => c.config, fails: c.fails === true ? 'any' : undefined, upstreamDiffers: c.upstreamDiffers })),
  ...RUNNER_CASES.map((c) => ({ ...c, name: `runner: ${c.name}` })),
];

interface Outcome {
  upstream: RunResult;
  ours: RunResult;
  theirsTree: Tree;
  oursTree: Tree;
  /** Requests Kindling made during its fetch stage and during its files stage. */
  oursFetchRequests: number;
  oursFilesRequests: number;
}

let work: string;
let server: LoopbackServer | undefined;
let templateTree: Tree;
const outcomes: Promise<Outcome>[] = [];

async function runCase(c: RunnerCase, i: number, template: string, stubs: string, kindling: string, srv: LoopbackServer): Promise<Outcome> {
  const dir = join(work, `case-${i}`);
  const sides = { upstream: join(dir, 'upstream'), ours: join(dir, 'ours') };
  const roots = { upstream: join(dir, 'upstream-root'), ours: join(dir, 'ours-root') };
  mkdirSync(sides.upstream, { recursive: true });
  mkdirSync(sides.ours, { recursive: true });
  await Promise.all([copy(template, roots.upstream), copy(template, roots.ours)]);
  const request = (side: 'upstream' | 'ours', prefix: string): RunRequest => {
    const url = (name: string): string => `${srv.base}/${prefix}/${name}`;
    srv.route(prefix, c.serve?.(url) ?? {});
    const config = c.config(url);
    return {
      dir: sides[side],
      root: roots[side],
      configText: typeof config === 'string' ? config : JSON.stringify(config),
      systemFiles: Object.fromEntries(Object.entries(c.system ?? {}).map(([path, value]) => [path, typeof value === 'string' ? value : JSON.stringify(value)])),
    };
  };
  const ourPrefix = `k${i}`;
  let oursFetchRequests = 0;
  const [upstream, ours] = await Promise.all([
    runUpstream(request('upstream', `u${i}`), stubs),
    runKindling({ ...request('ours', ourPrefix), filesAfterFailedFetch: true, afterFetch: () => (oursFetchRequests = srv.requests(ourPrefix)) }, kindling),
  ]);
  if (!ours.ok && ours.failedStage === 'fetch') oursFetchRequests = srv.requests(ourPrefix);
  const outcome: Outcome = {
    upstream,
    ours,
    theirsTree: snapshotTree(roots.upstream, normalizeContent),
    oursTree: snapshotTree(roots.ours, normalizeContent),
    oursFetchRequests,
    oursFilesRequests: srv.requests(ourPrefix) - oursFetchRequests,
  };
  rmSync(dir, { recursive: true, force: true });
  return outcome;
}

beforeAll(async () => {
  if (!runnable) return;
  work = mkdtempSync(join(tmpdir(), 'kindling-diff-runner-'));
  // Ignition writes SSH keys as the user, who must be able to reach the root.
  chmodSync(work, 0o755);
  const template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  templateTree = snapshotTree(template, normalizeContent);
  const stubs = installSetfilesStub(work);
  const kindling = installKindling(work);
  const srv = await startServer();
  server = srv;
  // Cases start in order, so each test mostly waits for its own case only. The processes spend
  // much of their time starting up and waiting on each other, hence twice as many as cores.
  const jobs = ALL.map((c, i) => () => runCase(c, i, template, stubs, kindling, srv));
  for (const promise of pool(jobs, 2 * availableParallelism())) {
    promise.catch(() => undefined);
    outcomes.push(promise);
  }
});

afterAll(async () => {
  await Promise.allSettled(outcomes);
  await server?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe.runIf(runnable)('whole runner vs Ignition 2.14', () => {
  test('has at least 40 cases of each kind', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(RUNNER_CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(ALL.map((c, i) => [i, c.name, c] as const))('case %i: %s', async (i, _name, c) => {
    const { upstream, ours, theirsTree, oursTree, oursFetchRequests, oursFilesRequests } = await outcomes[i]!;
    const both = `--- upstream\n${upstream.output}\n--- kindling\n${ours.output}`;
    if (c.fails === 'fetch') {
      expect(upstream.ok, both).toBe(false);
      expect(ours.failedStage, both).toBe('fetch');
      // Its files stage, run anyway, finds no cache and must not write a thing either.
      expect(ours.output).toMatch(/--- files \(exit 1\)/);
      expect(diffTrees(templateTree, oursTree)).toEqual([]);
      return;
    }
    if (c.fails === 'any') {
      expect(upstream.ok, both).toBe(false);
      expect(ours.ok, both).toBe(false);
      return;
    }
    expect(upstream.ok, both).toBe(true);
    expect(ours.ok, both).toBe(true);
    // The files stage reads only the fetch stage's cache.
    expect(oursFilesRequests).toBe(0);
    if (c.serve !== undefined) expect(oursFetchRequests).toBeGreaterThan(0);
    const ignored = c.upstreamDiffers ?? [];
    const differences = diffTrees(theirsTree, oursTree, (p) => ignored.some((prefix) => p === prefix || p.startsWith(`${prefix}/`)));
    expect(differences, both).toEqual([]);
  });
});
