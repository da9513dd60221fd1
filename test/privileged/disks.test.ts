// The disks stage on real loop devices (root): partition tables, kernel partition nodes made
// with partx, /dev/disk/by-* names resolved by probing (there is no udev here), every filesystem
// type, reuse, resize and deletion, refusals that must leave the disk exactly as it was.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { runDisks } from '../../src/stages/disks/index.ts';
import { waitForDevice } from '../../src/system/devices.ts';
import { canRun } from '../helpers/env.ts';
import { testContext } from '../stages/disks/context.ts';
import {
  attach,
  blkid,
  cleanUp,
  detach,
  hashFile,
  kernelGeometry,
  loopAvailable,
  makeImage,
  newScratch,
  sgdiskInfo,
  uniqueTag,
  type Scratch,
} from './loop.ts';
import { failure } from '../helpers/failure.ts';
import { runSync } from '../helpers/process.ts';

const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const GUID = '5A4D6B1E-2F3C-4D5E-8F90-A1B2C3D4E5F6';

function config(storage: Record<string, unknown>): Config {
  return { ignition: { version: '3.7.0-experimental' }, storage } as Config;
}

let scratch: Scratch;
beforeEach(() => {
  scratch = newScratch();
});
afterEach(() => cleanUp(scratch));

describe.runIf(canRun('root with loop devices and disk tools', loopAvailable))('disks stage on loop devices', () => {
  test('GPT layout with start, size and GUIDs; every filesystem type with label and UUID; by-partlabel without udev', async () => {
    const tag = uniqueTag();
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 560));
    await runDisks(
      config({
        disks: [
          {
            device: loop,
            wipeTable: true,
            partitions: [
              { number: 1, label: `esp-${tag}`, startMiB: 1, sizeMiB: 16, typeGuid: ESP },
              { number: 2, label: `root-${tag}`, sizeMiB: 32, guid: GUID },
              { number: 3, label: `data-${tag}`, sizeMiB: 128 },
              { number: 4, label: `swap-${tag}`, sizeMiB: 16 },
              { label: `var-${tag}`, sizeMiB: 0 },
            ],
          },
        ],
        filesystems: [
          { device: `/dev/disk/by-partlabel/esp-${tag}`, format: 'vfat', label: 'EFI', uuid: '1A2B-3C4D' },
          { device: `/dev/disk/by-partlabel/root-${tag}`, format: 'ext4', label: `root-${tag}`, uuid: '6e170389-d2de-4fc2-8529-fdcb567aef3b' },
          { device: `${loop}p3`, format: 'btrfs', label: `data-${tag}`, uuid: 'c5d0a3f6-2b4e-4f1a-8e7d-9a8b7c6d5e4f' },
          { device: `${loop}p4`, format: 'swap', label: `swap-${tag}`, uuid: 'aa4d2b1e-2f3c-4d5e-8f90-a1b2c3d4e5f6' },
          { device: `/dev/disk/by-partlabel/var-${tag}`, format: 'xfs', label: `v${tag}`, uuid: '0b3b5e43-6c1d-4f43-9f0a-0a1c2d3e4f50' },
        ],
      }),
      testContext(),
    );

    expect(sgdiskInfo(loop, 1)).toMatchObject({ start: 2048, size: 16 * 2048, type: ESP, name: `esp-${tag}` });
    expect(sgdiskInfo(loop, 2)).toMatchObject({ start: 17 * 2048, size: 32 * 2048, type: LINUX, guid: GUID });
    for (const n of [1, 2, 3, 4, 5]) {
      const info = sgdiskInfo(loop, n);
      expect(kernelGeometry(`${loop}p${n}`)).toEqual({ start: info?.start, size: info?.size });
    }
    expect(blkid(`${loop}p1`)).toMatchObject({ TYPE: 'vfat', LABEL: 'EFI', UUID: '1A2B-3C4D' });
    expect(blkid(`${loop}p2`)).toMatchObject({ TYPE: 'ext4', LABEL: `root-${tag}`, UUID: '6e170389-d2de-4fc2-8529-fdcb567aef3b' });
    expect(blkid(`${loop}p3`)).toMatchObject({ TYPE: 'btrfs', LABEL: `data-${tag}`, UUID: 'c5d0a3f6-2b4e-4f1a-8e7d-9a8b7c6d5e4f' });
    expect(blkid(`${loop}p4`)).toMatchObject({ TYPE: 'swap', LABEL: `swap-${tag}`, UUID: 'aa4d2b1e-2f3c-4d5e-8f90-a1b2c3d4e5f6' });
    expect(blkid(`${loop}p5`)).toMatchObject({ TYPE: 'xfs', LABEL: `v${tag}`, UUID: '0b3b5e43-6c1d-4f43-9f0a-0a1c2d3e4f50' });
  });

  test('by-label, by-uuid and by-partuuid names resolve by probing when udev made no links', async () => {
    const tag = uniqueTag();
    const serial = Array.from({ length: 8 }, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');
    const vfatUuid = `${serial.slice(0, 4)}-${serial.slice(4)}`;
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 64));
    await runDisks(
      config({
        disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 16 }, { number: 2, sizeMiB: 16, guid: GUID }] }],
        filesystems: [
          { device: `${loop}p1`, format: 'ext4', label: `l-${tag}` },
          { device: `${loop}p2`, format: 'vfat', uuid: vfatUuid },
        ],
      }),
      testContext(),
    );
    expect(existsSync(`/dev/disk/by-label/l-${tag}`)).toBe(false);
    const ctx = testContext();
    await runDisks(
      config({
        filesystems: [
          { device: `/dev/disk/by-label/l-${tag}`, format: 'ext4', label: `l-${tag}` },
          { device: `/dev/disk/by-uuid/${vfatUuid}`, format: 'vfat', uuid: vfatUuid },
        ],
      }),
      ctx,
    );
    expect(ctx.lines.filter((l) => l.includes('is already correctly formatted'))).toHaveLength(2);
    // Partition 1 got a random unique GUID from sgdisk, so the name is unambiguous.
    expect(await waitForDevice(testContext(), `/dev/disk/by-partuuid/${blkid(`${loop}p1`).PART_ENTRY_UUID}`, [], 1000)).toBe(`${loop}p1`);
  });

  test('resize grows an existing partition in the table and in the kernel, and the filesystem on it is reused', async () => {
    const tag = uniqueTag();
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 96));
    const fs = { device: `/dev/disk/by-partlabel/grow-${tag}`, format: 'ext4', label: `g${tag}` };
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, label: `grow-${tag}`, sizeMiB: 16 }] }], filesystems: [fs] }), testContext());
    const before = blkid(`${loop}p1`);
    const ctx = testContext();
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 48, resize: true }] }], filesystems: [fs] }), ctx);
    expect(sgdiskInfo(loop, 1)).toMatchObject({ start: 2048, size: 48 * 2048, name: `grow-${tag}` });
    expect(kernelGeometry(`${loop}p1`)).toEqual({ start: 2048, size: 48 * 2048 });
    expect(blkid(`${loop}p1`).UUID).toBe(before.UUID);
    expect(ctx.lines.some((l) => l.includes('is already correctly formatted'))).toBe(true);
  });

  test('shouldExist false with wipePartitionEntry deletes the partition and its kernel node', async () => {
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 64));
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 8 }, { number: 2, sizeMiB: 8 }] }] }), testContext());
    expect(existsSync(`${loop}p2`)).toBe(true);
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 2, shouldExist: false, wipePartitionEntry: true }] }] }), testContext());
    expect(sgdiskInfo(loop, 2)).toBeUndefined();
    expect(kernelGeometry(`${loop}p2`)).toBeUndefined();
    expect(existsSync(`${loop}p2`)).toBe(false);
    expect(kernelGeometry(`${loop}p1`)).toEqual({ start: 2048, size: 8 * 2048 });
  });

  test('a partition node missing from the kernel (the disk was attached later) is registered before use', async () => {
    const image = makeImage(scratch, 'disk.img', 64);
    runSync('sgdisk', ['--new=1:0:+16M', image], { check: true });
    const loop = attach(scratch, image);
    runSync('partx', ['-d', loop]);
    expect(existsSync(`${loop}p1`)).toBe(false);
    await runDisks(config({ filesystems: [{ device: `${loop}p1`, format: 'ext4', label: 'late' }] }), testContext());
    expect(blkid(`${loop}p1`)).toMatchObject({ TYPE: 'ext4', LABEL: 'late' });
  });

  test('a mismatching filesystem is refused at its path and the disk is left byte-for-byte untouched', async () => {
    const image = makeImage(scratch, 'disk.img', 64);
    let loop = attach(scratch, image);
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 16 }] }], filesystems: [{ device: `${loop}p1`, format: 'ext4' }] }), testContext());
    detach(scratch, loop);
    const before = hashFile(image);
    loop = attach(scratch, image);
    const error = await failure(() =>
      runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 16 }] }], filesystems: [{ device: `${loop}p1`, format: 'xfs' }] }), testContext()),
    );
    expect(error.code).toBe('FILESYSTEM_MISMATCH');
    expect(error.path).toEqual(['storage', 'filesystems', 0]);
    detach(scratch, loop);
    expect(hashFile(image)).toBe(before);
  });

  test('a config that fails planning changes nothing: not the table, not the filesystems listed after it', async () => {
    const image = makeImage(scratch, 'disk.img', 64);
    let loop = attach(scratch, image);
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, label: 'keep', sizeMiB: 16 }] }] }), testContext());
    detach(scratch, loop);
    const before = hashFile(image);
    loop = attach(scratch, image);
    const error = await failure(() =>
      runDisks(
        config({
          disks: [{ device: loop, partitions: [{ number: 2, sizeMiB: 8 }, { number: 1, label: 'other' }] }],
          filesystems: [{ device: `${loop}p1`, format: 'ext4', wipeFilesystem: true }],
        }),
        testContext(),
      ),
    );
    expect(error.code).toBe('PARTITION_MISMATCH');
    expect(error.path).toEqual(['storage', 'disks', 0, 'partitions', 1]);
    detach(scratch, loop);
    expect(hashFile(image)).toBe(before);
  });

  test('a disk with a mounted partition is neither wiped nor repartitioned there', async () => {
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 64));
    await runDisks(
      config({
        disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 16 }, { number: 2, startMiB: 40, sizeMiB: 8 }] }],
        filesystems: [{ device: `${loop}p1`, format: 'ext4' }],
      }),
      testContext(),
    );
    const point = join(scratch.dir, 'busy');
    mkdirSync(point);
    runSync('mount', ['-t', 'ext4', `${loop}p1`, point], { check: true });
    const wipe = await failure(() => runDisks(config({ disks: [{ device: loop, wipeTable: true }] }), testContext()));
    expect([wipe.code, wipe.path]).toEqual(['DISK_WIPE_ACTIVE', ['storage', 'disks', 0]]);
    const modify = await failure(() =>
      runDisks(config({ disks: [{ device: loop, partitions: [{ number: 1, sizeMiB: 24, resize: true }] }] }), testContext()),
    );
    expect([modify.code, modify.path]).toEqual(['PARTITION_ACTIVE', ['storage', 'disks', 0, 'partitions', 0]]);
    await runDisks(config({ disks: [{ device: loop, partitions: [{ number: 2, shouldExist: false, wipePartitionEntry: true }] }] }), testContext());
    expect(sgdiskInfo(loop, 2)).toBeUndefined();
    runSync('umount', [point], { check: true });
  });
});
