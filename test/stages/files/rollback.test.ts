// Rollback campaign, failures only the running system reveals, on a real root with the real shadow
// tools: a stand-in for each shadow-utils tool that fails on the Nth call of the run (before doing
// anything, or after the real tool has changed the databases), and a fetched resource whose read
// fails with EIO at each read. Every failed run must leave the root's manifest and everything
// beside it as they were; a rerun with the failure gone must give the clean run's tree.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesStage } from '../../../src/stages/files/index.ts';
import type { Tools } from '../../../src/system/distro.ts';
import { canRun, hasCommand, isRoot } from '../../helpers/env.ts';
import { failure } from '../../helpers/failure.ts';
import { diffTrees, outsideManifest, snapshotTree, type Tree } from '../../helpers/manifest.ts';
import { decodeResource, testContext } from './support/context.ts';
import { newRoot, removeRoots } from './support/run.ts';
import { writeStandIns } from './support/stand-ins.ts';
import { normalize, WORKLOAD } from './support/workload.ts';

const SHADOW_TOOLS = ['useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel'] as const;
const runnable = canRun('root and shadow-utils for the rollback campaign', isRoot && SHADOW_TOOLS.every(hasCommand));

let stubs: string;
let clean: Tree;
let shadowCalls = 0;
let reads = 0;

/**
 * Writes one stand-in per shadow tool into a fresh directory outside any root: each counts the
 * run's shadow calls in a shared file and fails call `failAt`, before or after running the real tool.
 */
async function standIns(failAt: number, mode: 'before' | 'after'): Promise<{ tools: Partial<Tools>; counter: string }> {
  const { tools, counter } = await writeStandIns(stubs, SHADOW_TOOLS, (tool, real) => [
    `if [ "$n" -eq ${failAt} ]; then`,
    mode === 'after' ? `  '${real}' "$@"` : '  :',
    `  echo "stand-in ${tool}: failing call $n" >&2`,
    '  exit 1',
    'fi',
  ]);
  return { tools, counter };
}

async function runWorkload(root: string, tools: Partial<Tools> = {}, failRead = 0): Promise<number> {
  let n = 0;
  const ctx = testContext(root, {
    readResource: async (resource) => {
      if (++n === failRead) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5 });
      return decodeResource(resource);
    },
  });
  Object.assign(ctx.tools, tools);
  await filesStage(WORKLOAD, ctx);
  return n;
}

/** A failed run: the root and its surroundings exactly as before; then a clean rerun. */
async function expectRolledBack(root: string, fail: () => Promise<unknown>): Promise<void> {
  const before = snapshotTree(root);
  const outside = outsideManifest(root);
  await failure(fail);
  expect(diffTrees(before, snapshotTree(root))).toEqual([]);
  expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
  await runWorkload(root);
  expect(diffTrees(clean, snapshotTree(root, normalize))).toEqual([]);
}

beforeAll(async () => {
  if (!runnable) return;
  stubs = mkdtempSync(join(tmpdir(), 'kindling-stand-ins-'));
  const root = newRoot();
  const { tools, counter } = await standIns(0, 'before');
  reads = await runWorkload(root, tools);
  shadowCalls = Number(readFileSync(counter, 'utf8'));
  clean = snapshotTree(root, normalize);
});

afterAll(() => {
  removeRoots();
  if (stubs !== undefined) rmSync(stubs, { recursive: true, force: true });
});

const MAX_CALLS = 8;
const MAX_READS = 12;

describe.runIf(runnable)('rollback campaign: shadow-utils and reads failing mid-run', () => {
  test('the workload makes enough shadow calls and reads to inject into', () => {
    expect(shadowCalls).toBeGreaterThanOrEqual(5);
    expect(shadowCalls).toBeLessThanOrEqual(MAX_CALLS);
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(MAX_READS);
  });

  // Fixed-size tables so each point is its own test; points past the workload's count are no-ops.
  const calls = Array.from({ length: MAX_CALLS }, (_, i) => i + 1);
  test.each(calls.flatMap((n) => [{ n, mode: 'before' as const }, { n, mode: 'after' as const }]))(
    'shadow-utils call $n fails ($mode the real tool ran)',
    async ({ n, mode }) => {
      if (n > shadowCalls) return;
      const root = newRoot();
      const { tools } = await standIns(n, mode);
      await expectRolledBack(root, () => runWorkload(root, tools));
    },
  );

  test.each(Array.from({ length: MAX_READS }, (_, i) => i + 1))('resource read %i fails with EIO', async (n) => {
    if (n > reads) return;
    const root = newRoot();
    await expectRolledBack(root, () => runWorkload(root, {}, n));
  });
});
