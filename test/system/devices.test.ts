import { describe, expect, test } from 'vitest';
import { decodeUdevName, mountOrder, partitionNode, tagForPath } from '../../src/system/devices.ts';

describe('tagForPath', () => {
  test.each([
    { path: '/dev/disk/by-partlabel/root', tag: { tag: 'PARTLABEL', value: 'root' } },
    { path: '/dev/disk/by-label/my\\x20data', tag: { tag: 'LABEL', value: 'my data' } },
    { path: '/dev/disk/by-uuid/1A2B-3C4D', tag: { tag: 'UUID', value: '1a2b-3c4d' } },
    { path: '/dev/disk/by-partuuid/ABC', tag: { tag: 'PARTUUID', value: 'abc' } },
    { path: '/dev/disk/by-id/virtio-x', tag: undefined },
    { path: '/dev/vda1', tag: undefined },
  ])('$path', ({ path, tag }) => {
    expect(tagForPath(path)).toEqual(tag);
  });

  test('decodeUdevName undoes \\xHH escapes only', () => {
    expect(decodeUdevName('a\\x2fb\\x5cc\\xzz')).toBe('a/b\\c\\xzz');
  });
});

test.each([
  ['/dev/loop0', 2, '/dev/loop0p2'],
  ['/dev/nvme0n1', 1, '/dev/nvme0n1p1'],
  ['/dev/sda', 3, '/dev/sda3'],
  ['/dev/vdb', 10, '/dev/vdb10'],
])('partitionNode(%s, %i) = %s', (disk, n, node) => {
  expect(partitionNode(disk, n)).toBe(node);
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
