// The disks, mount and umount stages through the runner itself (engine, config cache, state),
// as the initramfs runs them one process each: a config that fails validation never reaches the
// disk, and a valid one is partitioned, formatted, mounted and unmounted from the cached config.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runStage } from '../../src/engine/run.ts';
import { DEFAULT_OPTIONS, type StageName } from '../../src/engine/options.ts';
import { memorySink } from '../../src/system/log.ts';
import { canRun } from '../helpers/env.ts';
import { attach, blkid, cleanUp, detach, hashFile, loopAvailable, makeImage, mountsUnder, newScratch, sgdiskInfo, uniqueTag, type Scratch } from './loop.ts';

let scratch: Scratch;
beforeEach(() => {
  scratch = newScratch();
});
afterEach(() => cleanUp(scratch));

async function stage(name: StageName, configFile: string, root: string): Promise<{ ok: boolean; lines: string[] }> {
  const { sink, lines } = memorySink();
  const options = {
    ...DEFAULT_OPTIONS,
    stage: name,
    platform: 'file',
    root,
    configCache: join(scratch.dir, 'run', 'ignition.json'),
    stateFile: join(scratch.dir, 'run', 'ignition', 'state'),
    needNet: join(scratch.dir, 'run', 'ignition', 'neednet'),
    env: { ...process.env, IGNITION_CONFIG_FILE: configFile },
  };
  try {
    await runStage(options, { sink });
    return { ok: true, lines };
  } catch {
    return { ok: false, lines };
  }
}

describe.runIf(canRun('root with loop devices and disk tools', loopAvailable))('disks, mount and umount through the runner', () => {
  test('a config that fails validation leaves the disk byte-for-byte untouched', async () => {
    const image = makeImage(scratch, 'disk.img', 64);
    let loop = attach(scratch, image);
    const good = { ignition: { version: '3.4.0' }, storage: { disks: [{ device: loop, partitions: [{ number: 1, label: 'keep', sizeMiB: 16 }] }] } };
    const goodFile = join(scratch.dir, 'good.ign');
    writeFileSync(goodFile, JSON.stringify(good));
    expect((await stage('fetch-offline', goodFile, '/')).ok).toBe(true);
    expect((await stage('disks', goodFile, '/')).ok).toBe(true);
    detach(scratch, loop);
    const before = hashFile(image);

    loop = attach(scratch, image);
    const bad = {
      ignition: { version: '3.4.0' },
      storage: {
        disks: [{ device: loop, wipeTable: true, partitions: [{ number: 1, shouldExist: false, sizeMiB: 4 }] }],
        filesystems: [{ device: `${loop}p1`, format: 'ext4', wipeFilesystem: true }],
      },
    };
    const badFile = join(scratch.dir, 'bad.ign');
    writeFileSync(badFile, JSON.stringify(bad));
    const fetched = await stage('fetch-offline', badFile, '/');
    expect(fetched.ok).toBe(false);
    expect(fetched.lines.join('\n')).toContain('shouldExist specified false with other options also specified');
    // Whatever the cache holds now (the earlier, valid config), the bad one never got there.
    await stage('disks', badFile, '/');
    detach(scratch, loop);
    expect(hashFile(image)).toBe(before);
  });

  test('partition, format, mount and unmount from the cached config', async () => {
    const tag = uniqueTag();
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 200));
    const root = join(scratch.dir, 'sysroot');
    mkdirSync(root);
    const config = {
      ignition: { version: '3.4.0' },
      storage: {
        disks: [{ device: loop, wipeTable: true, partitions: [{ label: `var-${tag}`, sizeMiB: 32 }, { label: `srv-${tag}`, sizeMiB: 0 }] }],
        filesystems: [
          { device: `/dev/disk/by-partlabel/var-${tag}`, format: 'ext4', label: `var-${tag}`, path: '/var' },
          { device: `/dev/disk/by-partlabel/srv-${tag}`, format: 'btrfs', label: `srv-${tag}`, path: '/var/srv', mountOptions: ['noatime'] },
        ],
      },
    };
    const file = join(scratch.dir, 'config.ign');
    writeFileSync(file, JSON.stringify(config));
    expect((await stage('fetch-offline', file, root)).ok).toBe(true);
    const disks = await stage('disks', file, root);
    expect(disks.lines.join("\n")).toContain("disks passed");
    expect(sgdiskInfo(loop, 1)).toMatchObject({ name: `var-${tag}`, size: 32 * 2048 });
    expect(sgdiskInfo(loop, 2)).toMatchObject({ name: `srv-${tag}` });
    expect(blkid(`${loop}p1`)).toMatchObject({ TYPE: 'ext4', LABEL: `var-${tag}` });
    expect(blkid(`${loop}p2`)).toMatchObject({ TYPE: 'btrfs', LABEL: `srv-${tag}` });

    expect((await stage('mount', file, root)).ok).toBe(true);
    expect(mountsUnder(root).sort()).toEqual([join(root, 'var'), join(root, 'var/srv')]);
    expect((await stage('umount', file, root)).ok).toBe(true);
    expect(mountsUnder(root)).toEqual([]);
  });
});
