import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionError } from '../../src/report.ts';
import { decodeUdevName, mountOrder, tagForPath, waitForDevice } from '../../src/system/devices.ts';
import { testContext } from '../stages/disks/context.ts';

describe('tagForPath', () => {
  test.each([
    { path: '/dev/disk/by-partlabel/root', tag: { tag: 'PARTLABEL', value: 'root' } },
    { path: '/dev/disk/by-label/my\\x20data', tag: { tag: 'LABEL', value: 'my data' } },
    { path: '/dev/disk/by-uuid/1A2B-3C4D', tag: { tag: 'UUID', value: '1A2B-3C4D' } },
    { path: '/dev/disk/by-partuuid/5a4d6b1e', tag: { tag: 'PARTUUID', value: '5a4d6b1e' } },
    { path: '/dev/disk/by-id/virtio-x', tag: undefined },
    { path: '/dev/vda1', tag: undefined },
  ])('$path', ({ path, tag }) => {
    expect(tagForPath(path)).toEqual(tag);
  });

  test('decodeUdevName undoes \\xHH escapes only', () => {
    expect(decodeUdevName('a\\x2fb\\x5cc\\xzz')).toBe('a/b\\c\\xzz');
  });
});

describe('mountOrder', () => {
  test('mountable entries with a path, shallowest first, stable for equal depth, with config indexes', () => {
    const order = mountOrder([
      { device: '/dev/a', format: 'ext4', path: '/var/lib/data' },
      { device: '/dev/b', format: 'swap', path: '/swap' },
      { device: '/dev/c', format: 'xfs', path: '/var' },
      { device: '/dev/d', format: 'ext4' },
      { device: '/dev/e', format: 'none', path: '/none' },
      { device: '/dev/f', format: 'btrfs', path: '/srv' },
      { device: 'share', format: 'virtiofs', path: '/var/share' },
      { device: '/dev/g', path: '/noformat' },
    ]);
    expect(order.map(({ index }) => index)).toEqual([2, 5, 6, 0]);
  });
});

describe('waitForDevice', () => {
  test('returns the resolved node of a path that exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-dev-'));
    try {
      writeFileSync(join(dir, 'disk'), '');
      expect(await waitForDevice(testContext(), join(dir, '.', 'disk'), ['x'], 100)).toBe(join(dir, 'disk'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a by-partlabel name that no device carries fails at the given path after the timeout', async () => {
    let error: unknown;
    try {
      await waitForDevice(testContext(), '/dev/disk/by-partlabel/kindling-never-there', ['storage', 'filesystems', 3, 'device'], 300);
    } catch (caught) {
      error = caught;
    }
    expect(ProvisionError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'DEVICE_TIMEOUT', path: ['storage', 'filesystems', 3, 'device'] });
  });
});
