// First-boot robustness: the files stage is SIGKILLed at 20+ points (after an operation, or in the
// middle of a file write), then run again; every final tree must equal the uninterrupted run's.
// Then the rollback campaign's kill class: a run failing at its very end is SIGKILLed inside its
// rollback; a rerun that fails again ends in the untouched root, one that succeeds in the clean tree.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, isRoot } from '../../helpers/env.ts';
import { makeTemplateRoot } from './support/template-root.ts';
import { diffTrees, snapshotTree, type Tree } from '../../helpers/manifest.ts';
import { run, type RunResult } from '../../helpers/process.ts';
import { mustRun } from './support/run.ts';
import { normalize, WORKLOAD } from './support/workload.ts';

const runnable = canRun('root (useradd --root) for the crash test', isRoot);
const POINTS = 24;
let work: string;
let child: string;
let template: string;
let clean: Tree;
let counts: { ops: number; reads: number };

function runChild(root: string, env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, [child, root, join(work, 'config.json')], { env });
}

async function freshRoot(name: string): Promise<string> {
  const dir = join(work, name);
  await mustRun('cp', ['-a', template, dir]);
  return dir;
}

beforeAll(async () => {
  if (!runnable) return;
  work = mkdtempSync(join(tmpdir(), 'kindling-crash-'));
  template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  writeFileSync(join(work, 'config.json'), JSON.stringify(WORKLOAD));
  // Node 20 cannot run TypeScript, so the child is bundled; inside the project for its node_modules.
  mkdirSync(resolve('.tmp'), { recursive: true });
  child = join(mkdtempSync(join(resolve('.tmp'), 'crash-')), 'child.mjs');
  await build({
    entryPoints: [resolve('test/stages/files/support/crash-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const root = await freshRoot('clean');
  const result = await runChild(root);
  if (result.exitCode !== 0) throw new Error(`clean run failed: ${result.stderr}`);
  counts = JSON.parse(result.stdout) as { ops: number; reads: number };
  clean = snapshotTree(root, normalize);
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  if (child !== undefined) rmSync(join(child, '..'), { recursive: true, force: true });
});

/** Kill points: every resource read (mid-write), then operation boundaries spread evenly. */
function killPoints(): [string, Record<string, string>][] {
  const points: [string, Record<string, string>][] = [];
  for (let n = 1; n <= counts.reads; n++) points.push([`inside write of resource ${n}`, { KILL_IN_READ: String(n) }]);
  const wanted = POINTS - points.length;
  const ops = new Set<number>();
  for (let i = 0; i < wanted; i++) ops.add(1 + Math.round((i * (counts.ops - 1)) / (wanted - 1)));
  for (const n of ops) points.push([`after op ${n}`, { KILL_AFTER_OP: String(n) }]);
  return points;
}

describe.runIf(runnable)('files stage killed and rerun', () => {
  test('the workload has enough operations and reads for every kill point', () => {
    expect(killPoints().length).toBe(POINTS);
    expect(new Set(killPoints().map(([name]) => name)).size).toBe(POINTS);
  });

  // One test per kill point, so each gets its own time budget on a loaded machine.
  test.each(Array.from({ length: POINTS }, (_, i) => i))('kill point %i: the rerun ends in the clean tree', async (i) => {
    const [name, env] = killPoints()[i] as [string, Record<string, string>];
    const root = await freshRoot(`killed-${i}`);
    const killed = await runChild(root, env);
    expect(killed.signal, `${name}: not killed (exit ${killed.exitCode}): ${killed.stderr}`).toBe('SIGKILL');
    const rerun = await runChild(root);
    expect(rerun.exitCode, `${name}: rerun failed: ${rerun.stderr}`).toBe(0);
    expect(diffTrees(clean, snapshotTree(root, normalize)), name).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});

/** setfiles exits non-zero: the stage fails at its last step, after every other write. */
const FAILING = { KINDLING_SELINUX_RELABEL: 'true', KINDLING_SETFILES: 'false' };
const ROLLBACK_POINTS = 8;
let rollbackOps = 0;
let pristine: Tree;

describe.runIf(runnable)('files stage killed during its rollback, then rerun', () => {
  beforeAll(async () => {
    pristine = snapshotTree(template, normalize);
    const root = await freshRoot('failing');
    const failed = await runChild(root, FAILING);
    expect(failed.exitCode, failed.stderr).toBe(1);
    rollbackOps = (JSON.parse(failed.stdout) as { rollbackOps: number }).rollbackOps;
    expect(diffTrees(pristine, snapshotTree(root, normalize))).toEqual([]);
  });

  test('the rollback has more steps than kill points', () => {
    expect(rollbackOps).toBeGreaterThan(ROLLBACK_POINTS);
  });

  test.each(Array.from({ length: ROLLBACK_POINTS }, (_, i) => i))('rollback kill point %i', async (i) => {
    const k = 1 + Math.round((i * (rollbackOps - 1)) / (ROLLBACK_POINTS - 1));
    const root = await freshRoot(`rollback-killed-${i}`);
    const killed = await runChild(root, { ...FAILING, KILL_IN_ROLLBACK: String(k) });
    expect(killed.signal, `rollback op ${k}: not killed (exit ${killed.exitCode}): ${killed.stderr}`).toBe('SIGKILL');
    const again = await runChild(root, FAILING);
    expect(again.exitCode, again.stderr).toBe(1);
    expect(diffTrees(pristine, snapshotTree(root, normalize)), `rollback op ${k}, failing rerun`).toEqual([]);
    const rerun = await runChild(root);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(diffTrees(clean, snapshotTree(root, normalize)), `rollback op ${k}, clean rerun`).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});
