// First-boot robustness: the files stage is SIGKILLed at 20+ points (after an operation, or in the
// middle of a file write), then run again; every final tree must equal the uninterrupted run's.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, isRoot } from '../../helpers/env.ts';
import { makeTemplateRoot } from './support/template-root.ts';
import { diffTrees, snapshotTree, type Tree } from '../../helpers/manifest.ts';

const runnable = canRun('root (useradd --root) for the crash test', isRoot);
const POINTS = 24;
const text = (s: string): string => `data:,${encodeURIComponent(s)}`;
const UNIT = '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

const CONFIG = {
  ignition: { version: '3.7.0-experimental' },
  passwd: {
    groups: [{ name: 'team', gid: 4100 }, { name: 'oldgroup', shouldExist: false }],
    users: [
      { name: 'core', groups: ['team'], sshAuthorizedKeys: ['ssh-ed25519 AAAA core'] },
      { name: 'svc', system: true, noCreateHome: true },
      { name: 'olduser', shouldExist: false },
    ],
  },
  storage: {
    files: [
      { path: '/etc/motd', append: [{ source: text('appended once\n') }] },
      { path: '/etc/hostname', overwrite: true, contents: { source: text('node\n') }, append: [{ source: text('tail\n') }] },
      { path: '/etc/app/a.conf', mode: 0o600, contents: { source: text('a\n') } },
      { path: '/etc/app/b.conf', user: { name: 'core' }, contents: { source: text('b\n') }, append: [{ source: text('b2\n') }] },
      { path: '/var/lib/app/state', contents: { source: text('s') } },
      { path: '/home/core/.config/x', user: { name: 'core' }, group: { name: 'core' }, contents: { source: text('x') } },
      { path: '/opt/empty' },
    ],
    directories: [{ path: '/srv/data', mode: 0o750 }, { path: '/srv/existing', overwrite: true }],
    links: [
      { path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' },
      { path: '/srv/hard', target: '/etc/app/a.conf', hard: true },
    ],
  },
  systemd: {
    units: [
      { name: 'app.service', contents: UNIT, enabled: true, dropins: [{ name: '10-env.conf', contents: '[Service]\nEnvironment=X=1\n' }] },
      { name: 'preexisting.service', enabled: false },
      { name: 'getty@tty1.service', enabled: true },
      { name: 'masked.service', mask: false },
      { name: 'noisy.service', mask: true },
    ],
  },
};

let work: string;
let child: string;
let template: string;
let clean: Tree;
let counts: { ops: number; reads: number };

function normalize(path: string, data: Buffer): Buffer {
  if (path !== '/etc/.ignition-result.json') return data;
  const report = JSON.parse(data.toString()) as Record<string, unknown>;
  delete report.provisioningDate;
  return Buffer.from(JSON.stringify(report));
}

function runChild(root: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [child, root, join(work, 'config.json')], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

function freshRoot(name: string): string {
  const dir = join(work, name);
  execFileSync('cp', ['-a', template, dir]);
  return dir;
}

beforeAll(async () => {
  if (!runnable) return;
  work = mkdtempSync(join(tmpdir(), 'kindling-crash-'));
  template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  writeFileSync(join(work, 'config.json'), JSON.stringify(CONFIG));
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
  const root = freshRoot('clean');
  const run = runChild(root);
  if (run.status !== 0) throw new Error(`clean run failed: ${run.stderr}`);
  counts = JSON.parse(run.stdout) as { ops: number; reads: number };
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
  test.each(Array.from({ length: POINTS }, (_, i) => i))('kill point %i: the rerun ends in the clean tree', (i) => {
    const [name, env] = killPoints()[i] as [string, Record<string, string>];
    const root = freshRoot(`killed-${i}`);
    const killed = runChild(root, env);
    expect(killed.signal, `${name}: not killed (exit ${killed.status}): ${killed.stderr}`).toBe('SIGKILL');
    const rerun = runChild(root);
    expect(rerun.status, `${name}: rerun failed: ${rerun.stderr}`).toBe(0);
    expect(diffTrees(clean, snapshotTree(root, normalize)), name).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});
