// Rollback campaign on real filesystems (root, loop devices): the files stage on a small ext4 that
// is full but for K KiB, for every K from 0 until the run fits, so ENOSPC strikes at every write
// the run makes (journal, backups, account database copies, shadow-utils, content, directories,
// units, presets, the result file); and on read-only bind mounts of part of the root and of all of
// it. Every failed run must leave the manifests of the root and of what lies beside it unchanged,
// and the run that fits (or a rerun once the mount is writable) must give the clean run's tree.
// Last, an undo step that itself fails (a read-only mount under a killed run's rollback) keeps the
// journal, and the run after it finishes the rollback before starting afresh.
import { existsSync, mkdirSync, rmSync, statfsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { filesStage } from '../../src/stages/files/index.ts';
import { canRun, hasCommand } from '../helpers/env.ts';
import { failure } from '../helpers/failure.ts';
import { diffTrees, outsideManifest, snapshotTree, type Tree } from '../helpers/manifest.ts';
import { testContext } from '../stages/files/support/context.ts';
import { run } from '../helpers/process.ts';
import { mustRun } from '../stages/files/support/run.ts';
import { makeTemplateRoot } from '../stages/files/support/template-root.ts';
import { normalize } from '../stages/files/support/workload.ts';
import { attach, cleanUp, loopAvailable, makeImage, newScratch, type Scratch } from './loop.ts';

const runnable = canRun(
  'root, loop devices, mkfs.ext4, fallocate and useradd for the files rollback campaign',
  loopAvailable && ['mkfs.ext4', 'fallocate', 'useradd', 'mount'].every(hasCommand),
);

const text = (s: string): string => `data:,${encodeURIComponent(s)}`;
const kib = (n: number, c: string): string => text(c.repeat(n * 1024 - 1) + '\n');

/** Few writes, each of a few blocks, so that stepping the free space by 1 KiB hits each of them. */
const CONFIG: Config = {
  ignition: { version: '3.7.0-experimental' },
  passwd: { groups: [{ name: 'team' }], users: [{ name: 'core', noCreateHome: true, groups: ['team'] }] },
  storage: {
    files: [
      { path: '/etc/hostname', overwrite: true, contents: { source: kib(2, 'h') } },
      { path: '/etc/motd', append: [{ source: kib(2, 'm') }] },
      { path: '/etc/app/a.conf', contents: { source: kib(3, 'a') }, user: { name: 'core' } },
      { path: '/var/lib/app/b', contents: { source: kib(3, 'b') } },
    ],
    directories: [{ path: '/srv/data', mode: 0o750 }],
    links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }],
  },
  systemd: {
    units: [{ name: 'app.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n', dropins: [{ name: '10-env.conf', contents: '[Service]\nEnvironment=A=1\n' }] }],
  },
};

/** The most free space the campaign tries; the run fits well below it. */
const MAX_FREE_KIB = 160;

let scratch: Scratch;
let template: string;
let mnt: string;
let clean: Tree;

async function copyTemplate(to: string): Promise<string> {
  rmSync(to, { recursive: true, force: true });
  await mustRun('cp', ['-a', template, to]);
  return to;
}

async function provision(root: string): Promise<void> {
  await filesStage(CONFIG, testContext(root));
}

function freeBytes(): number {
  const st = statfsSync(mnt);
  return st.bavail * st.bsize;
}

/** Fills the filesystem at `mnt` with a file beside the root, leaving exactly `free` KiB. */
async function leaveFree(free: number): Promise<void> {
  const filler = join(mnt, 'filler');
  rmSync(filler, { force: true });
  await mustRun('sync', ['-f', mnt]);
  // Fragmented free space costs extent blocks too: ask for less until the allocation fits.
  let size = freeBytes();
  while ((await run('fallocate', ['-l', String(size), filler])).exitCode !== 0) {
    size -= 1024;
    expect(size).toBeGreaterThan(0);
  }
  // Give back what is wanted, then correct for blocks the extent tree took or returned.
  for (let i = 0; i < 4 && freeBytes() !== free * 1024; i++) {
    size -= free * 1024 - freeBytes();
    truncateSync(filler, size);
    await mustRun('sync', ['-f', mnt]);
  }
  expect(freeBytes()).toBe(free * 1024);
}

beforeAll(async () => {
  if (!runnable) return;
  scratch = newScratch();
  template = join(scratch.dir, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  const reference = await copyTemplate(join(scratch.dir, 'reference'));
  await provision(reference);
  clean = snapshotTree(reference, normalize);
  const device = attach(scratch, makeImage(scratch, 'small.img', 8));
  // 1 KiB blocks and no journal: free space moves in small, predictable steps.
  await mustRun('mkfs.ext4', ['-q', '-F', '-b', '1024', '-m', '0', '-O', '^has_journal', '-N', '512', device]);
  mnt = join(scratch.dir, 'mnt');
  mkdirSync(mnt);
  await mustRun('mount', [device, mnt]);
});

afterAll(() => {
  if (scratch !== undefined) cleanUp(scratch);
});

describe.runIf(runnable)('files rollback campaign on real filesystems', () => {
  test('ENOSPC at every write: each failed run rolls back, the first run that fits gives the clean tree', async () => {
    const failures = new Set<string>();
    let fitted: number | undefined;
    for (let free = 0; free <= MAX_FREE_KIB && fitted === undefined; free++) {
      const root = await copyTemplate(join(mnt, 'root'));
      await leaveFree(free);
      const before = snapshotTree(root);
      const outside = outsideManifest(root);
      const ctx = testContext(root);
      try {
        await filesStage(CONFIG, ctx);
        fitted = free;
        expect(diffTrees(clean, snapshotTree(root, normalize)), `${free} KiB free`).toEqual([]);
      } catch (error) {
        expect(diffTrees(before, snapshotTree(root)), `${free} KiB free: ${String(error)}`).toEqual([]);
        expect(diffTrees(outside, outsideManifest(root)), `${free} KiB free`).toEqual([]);
        // The failing operation identifies the injection point: the last op line of the run.
        failures.add(ctx.lines.filter((line) => / op\(\d+\): (?!rolling back)/.test(line)).at(-1) ?? `before the first op: ${String(error)}`);
      }
    }
    console.log(`ENOSPC campaign: ${failures.size} distinct failing writes, the run fits in ${fitted} KiB`);
    expect(fitted).toBeDefined();
    expect(failures.size).toBeGreaterThanOrEqual(10);
  });

  test('a read-only bind mount over part of the root: the write there fails and everything rolls back', async () => {
    const root = await copyTemplate(join(scratch.dir, 'ro-part'));
    const srv = join(root, 'srv');
    await mustRun('mount', ['--bind', srv, srv]);
    try {
      await mustRun('mount', ['-o', 'remount,bind,ro', srv]);
      const before = snapshotTree(root);
      const outside = outsideManifest(root);
      const error = await failure(() => provision(root));
      expect(error.message).toMatch(/EROFS|read-only/);
      expect(diffTrees(before, snapshotTree(root))).toEqual([]);
      expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
    } finally {
      await mustRun('umount', [srv]);
    }
    await provision(root);
    expect(diffTrees(clean, snapshotTree(root, normalize))).toEqual([]);
  });

  test('a read-only root: the stage fails before its journal, touching nothing', async () => {
    const root = await copyTemplate(join(scratch.dir, 'ro-all'));
    await mustRun('mount', ['--bind', root, root]);
    try {
      await mustRun('mount', ['-o', 'remount,bind,ro', root]);
      const before = snapshotTree(root);
      const error = await failure(() => provision(root));
      expect(error.message).toMatch(/EROFS|read-only/);
      expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    } finally {
      await mustRun('umount', [root]);
    }
  });

  test('an undo step that fails keeps the journal; the next run finishes the rollback, then runs afresh', async () => {
    const root = await copyTemplate(join(scratch.dir, 'undo-fails'));
    // A run killed in its rollback, with one node left to remove on what is now a read-only mount.
    writeFileSync(join(root, 'srv/made'), 'left by the killed run\n');
    const records = [{ kind: 'start', previousResult: null }, { kind: 'created', path: '/srv/made' }, { kind: 'rollback' }];
    writeFileSync(join(root, 'etc/.kindling-files-journal'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const srv = join(root, 'srv');
    await mustRun('mount', ['--bind', srv, srv]);
    try {
      await mustRun('mount', ['-o', 'remount,bind,ro', srv]);
      const error = await failure(() => provision(root));
      expect(error.message).toContain('finishing the rollback of an interrupted files stage');
      expect(existsSync(join(root, 'etc/.kindling-files-journal'))).toBe(true);
      expect(existsSync(join(root, 'srv/made'))).toBe(true);
    } finally {
      await mustRun('umount', [srv]);
    }
    await provision(root);
    expect(diffTrees(clean, snapshotTree(root, normalize))).toEqual([]);
  });
});
