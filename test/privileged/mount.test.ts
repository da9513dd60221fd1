// The mount and umount stages on real filesystems on loop devices (root): order, options,
// created mount points, refusal of non-directory components, clean-up after a failed mount.
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { runDisks } from '../../src/stages/disks/index.ts';
import { runMount } from '../../src/stages/mount.ts';
import { umountStage } from '../../src/stages/umount.ts';
import { canRun } from '../helpers/env.ts';
import { testContext } from '../stages/disks/context.ts';
import { attach, cleanUp, loopAvailable, makeImage, mountsUnder, newScratch, type Scratch } from './loop.ts';
import { failure } from '../helpers/failure.ts';

function config(filesystems: Record<string, unknown>[]): Config {
  return { ignition: { version: '3.7.0-experimental' }, storage: { filesystems } } as Config;
}

/** Mount options of `point` from the mount table. */
function optionsOf(point: string): string[] {
  const line = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[4] === point);
  return (line?.split(' ')[5] ?? '').split(',');
}

let scratch: Scratch;
let root = '';
let filesystems: Record<string, unknown>[] = [];
beforeEach(async () => {
  scratch = newScratch();
  root = join(scratch.dir, 'sysroot');
  mkdirSync(root);
  const loop = attach(scratch, makeImage(scratch, 'disk.img', 240));
  filesystems = [
    { device: `${loop}p3`, format: 'ext4', path: '/var/lib/data', mountOptions: ['noatime', 'nodev'] },
    { device: `${loop}p1`, format: 'ext4', path: '/var' },
    { device: `${loop}p4`, format: 'swap', path: '/swap' },
    { device: `${loop}p2`, format: 'btrfs', path: '/srv' },
  ];
  if (!loopAvailable) return;
  await runDisks(
    {
      ignition: { version: '3.7.0-experimental' },
      storage: {
        disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 32 }, { number: 2, sizeMiB: 128 }, { number: 3, sizeMiB: 32 }, { number: 4, sizeMiB: 8 }] }],
        filesystems: filesystems.map(({ path: _path, mountOptions: _options, ...fs }) => fs),
      },
    } as Config,
    testContext(),
  );
});
afterEach(() => cleanUp(scratch));

describe.runIf(canRun('root with loop devices and disk tools', loopAvailable))('mount and umount stages', () => {
  test('mounts shallowest first with mountOptions, creates mount points 0755, unmounts everything', async () => {
    const outcome = await runMount(config(filesystems), testContext(root));
    // /var before /var/lib/data (which lives on the /var filesystem); swap is never mounted.
    expect(mountsUnder(root).sort()).toEqual([join(root, 'srv'), join(root, 'var'), join(root, 'var/lib/data')]);
    expect(optionsOf(join(root, 'var/lib/data'))).toEqual(expect.arrayContaining(['noatime', 'nodev']));
    expect(outcome.createdDirectories).toEqual(['/var', '/srv', '/var/lib', '/var/lib/data']);
    expect(statSync(join(root, 'var/lib')).mode & 0o7777).toBe(0o755);
    writeFileSync(join(root, 'var/lib/data/hello'), 'hi');
    expect(existsSync(join(root, 'swap'))).toBe(false);

    await umountStage(config(filesystems), testContext(root));
    expect(mountsUnder(root)).toEqual([]);
    // The file went to the data filesystem, not to the directory under it.
    expect(existsSync(join(root, 'var/lib/data/hello'))).toBe(false);
  });

  test('a symlink in the mount path is refused at the entry path and nothing stays mounted', async () => {
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync('elsewhere', join(root, 'var'));
    const error = await failure(() => runMount(config(filesystems), testContext(root)));
    expect(error.code).toBe('MOUNT_NON_DIRECTORY');
    expect(error.path).toEqual(['storage', 'filesystems', 1, 'path']);
    expect(error.message).toBe('mount path "/var" contains non-directory component "/var"');
    expect(mountsUnder(root)).toEqual([]);
  });

  test('a failing mount undoes the mounts made before it and names its entry', async () => {
    const bad = filesystems.map((fs, i) => (i === 0 ? { ...fs, mountOptions: ['no-such-option'] } : fs));
    const error = await failure(() => runMount(config(bad), testContext(root)));
    expect(error.path).toEqual(['storage', 'filesystems', 0]);
    expect(error.code).toBe('COMMAND_FAILED');
    expect(mountsUnder(root)).toEqual([]);
  });

  test('umount skips what is not mounted and still unmounts the rest', async () => {
    await runMount(config(filesystems), testContext(root));
    const ctx = testContext(root);
    await ctx.exec('umount', [join(root, 'var/lib/data')]);
    await umountStage(config(filesystems), ctx);
    expect(mountsUnder(root)).toEqual([]);
    expect(ctx.lines.some((l) => l.includes('is not mounted'))).toBe(true);
  });
});
