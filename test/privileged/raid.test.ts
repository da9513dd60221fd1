// RAID1 over two loop devices with the real mdadm. Needs root, loop devices and the kernel's md
// driver; CI's kernel has no md, so there the QEMU guest covers RAID instead
// (test/boot/raid-luks.test.ts: a raid1 over two virtio disks, checked with mdadm --examine).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { runDisks } from '../../src/stages/disks/index.ts';
import { canRun, kernelHas } from '../helpers/env.ts';
import { testContext } from '../stages/disks/context.ts';
import { attach, blkid, cleanUp, loopAvailable, makeImage, mdAvailable, newScratch, uniqueTag, type Scratch } from './loop.ts';

let scratch: Scratch;
beforeEach(() => {
  scratch = newScratch();
});
afterEach(() => cleanUp(scratch));

describe.runIf(canRun('root with loop devices', loopAvailable) && kernelHas('md RAID driver', mdAvailable))('RAID', () => {
  test('raid1 over two loop devices carries a filesystem made on /dev/md/<name>', async () => {
    const name = `k${uniqueTag()}`;
    const a = attach(scratch, makeImage(scratch, 'a.img', 64));
    const b = attach(scratch, makeImage(scratch, 'b.img', 64));
    scratch.arrays.push(`/dev/md/${name}`);
    await runDisks(
      {
        ignition: { version: '3.7.0-experimental' },
        storage: {
          raid: [{ name, level: 'raid1', devices: [a, b] }],
          filesystems: [{ device: `/dev/md/${name}`, format: 'ext4', label: name }],
        },
      } as Config,
      testContext(),
    );
    expect(readFileSync('/proc/mdstat', 'utf8')).toMatch(/raid1/);
    expect(blkid(`/dev/md/${name}`)).toMatchObject({ TYPE: 'ext4', LABEL: name });
    expect(blkid(a)).toMatchObject({ TYPE: 'linux_raid_member' });
    expect(blkid(b)).toMatchObject({ TYPE: 'linux_raid_member' });
  });
});
