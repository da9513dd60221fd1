// Generated parents merged under the user's config, with the translation sets following along.
import { describe, expect, test } from 'vitest';
import { mergeTracked } from '../../transpiler/merge-generated.ts';
import { identitySet, record, sourceOf } from '../../transpiler/translation-set.ts';

describe('translation sets', () => {
  test('unrecorded paths map to themselves in snake_case', () => {
    expect(sourceOf(identitySet(), ['storage', 'disks', 0, 'partitions', 1, 'sizeMiB'])).toEqual(['storage', 'disks', 0, 'partitions', 1, 'size_mib']);
  });

  test('a recorded node maps everything below it', () => {
    const set = identitySet();
    record(set, ['storage', 'files', 3], ['storage', 'trees', 0]);
    expect(sourceOf(set, ['storage', 'files', 3, 'contents', 'source'])).toEqual(['storage', 'trees', 0, 'contents', 'source']);
    expect(sourceOf(set, ['storage', 'files', 2, 'path'])).toEqual(['storage', 'files', 2, 'path']);
  });
});

describe('mergeTracked', () => {
  test('parent items come first, same keys merge in place, child fields win', () => {
    const parentSet = identitySet();
    record(parentSet, ['storage', 'filesystems', 0], ['boot_device', 'luks']);
    record(parentSet, ['storage', 'filesystems', 1], ['boot_device', 'mirror']);
    const parent = {
      config: { storage: { filesystems: [{ device: '/dev/mapper/root', format: 'xfs', label: 'root' }, { device: '/dev/md/md-boot', format: 'ext4' }] } },
      set: parentSet,
    };
    const child = { config: { storage: { filesystems: [{ device: '/dev/vdb', format: 'ext4' }, { device: '/dev/mapper/root', format: 'ext4' }] } }, set: identitySet() };
    const merged = mergeTracked(parent, child);
    expect(merged.config).toEqual({
      storage: {
        filesystems: [
          { device: '/dev/mapper/root', format: 'ext4', label: 'root' },
          { device: '/dev/md/md-boot', format: 'ext4' },
          { device: '/dev/vdb', format: 'ext4' },
        ],
      },
    });
    expect(sourceOf(merged.set, ['storage', 'filesystems', 0, 'format'])).toEqual(['storage', 'filesystems', 1, 'format']);
    expect(sourceOf(merged.set, ['storage', 'filesystems', 0, 'label'])).toEqual(['boot_device', 'luks', 'label']);
    expect(sourceOf(merged.set, ['storage', 'filesystems', 1])).toEqual(['boot_device', 'mirror']);
    expect(sourceOf(merged.set, ['storage', 'filesystems', 2, 'device'])).toEqual(['storage', 'filesystems', 0, 'device']);
  });

  test('partitions merge by label when unnumbered; option lists concatenate', () => {
    const parent = { config: { storage: { disks: [{ device: '/dev/sda', partitions: [{ label: 'root-1' }] }], raid: [{ name: 'md', options: ['--a'] }] } }, set: identitySet() };
    const child = {
      config: { storage: { disks: [{ device: '/dev/sda', partitions: [{ label: 'root-1', sizeMiB: 10 }, { label: 'var-1' }] }], raid: [{ name: 'md', options: ['--a'] }] } },
      set: identitySet(),
    };
    const merged = mergeTracked(parent, child).config as { storage: { disks: unknown[]; raid: unknown[] } };
    expect(merged.storage.disks).toEqual([{ device: '/dev/sda', partitions: [{ label: 'root-1', sizeMiB: 10 }, { label: 'var-1' }] }]);
    expect(merged.storage.raid).toEqual([{ name: 'md', options: ['--a', '--a'] }]);
  });
});
