// Filesystem rules (ignition-spec.md §4.7): formats per version, label limits, virtiofs in
// 3.7.0-experimental, and the warnings for filesystems on partitioned or wiped disks.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const fs = (filesystem: Record<string, unknown>) => ({ storage: { filesystems: [filesystem] } });
const at = (field: string) => `$.storage.filesystems.0.${field}`;

const rows: Row[] = [
  { name: 'ext4 with a mount path', version: '3.3.0', config: fs({ device: '/dev/sda1', format: 'ext4', path: '/var', label: 'var' }), expect: [] },
  { name: 'device only', version: '3.0.0', config: fs({ device: '/dev/sda1' }), expect: [] },
  { name: 'device missing', version: '3.3.0', config: fs({ format: 'xfs' }), expect: [['error', 'PATH_EMPTY', at('device')]] },
  { name: 'mount path not simplified', version: '3.3.0', config: fs({ device: '/dev/a', format: 'ext4', path: '/x/../y' }), expect: [['error', 'PATH_NOT_SIMPLIFIED', at('path')]] },
  { name: 'empty mount path is unset', version: '3.3.0', config: fs({ device: '/dev/a', format: 'ext4', path: '' }), expect: [] },
  { name: 'format none before 3.3', version: '3.2.0', config: fs({ device: '/dev/a', format: 'none' }), expect: [['error', 'FILESYSTEM_FORMAT_INVALID', at('format')]] },
  { name: 'format none from 3.3', version: '3.3.0', config: fs({ device: '/dev/a', format: 'none' }), expect: [] },
  { name: 'unknown format', version: '3.6.0', config: fs({ device: '/dev/a', format: 'ext3' }), expect: [['error', 'FILESYSTEM_FORMAT_INVALID', at('format')]] },
  { name: 'path without format', version: '3.3.0', config: fs({ device: '/dev/a', path: '/x' }), expect: [['error', 'FILESYSTEM_FORMAT_REQUIRED', at('format')]] },
  { name: 'wipe without format', version: '3.3.0', config: fs({ device: '/dev/a', wipeFilesystem: true }), expect: [['error', 'FILESYSTEM_FORMAT_REQUIRED', at('format')]] },
  { name: 'mount options without format', version: '3.1.0', config: fs({ device: '/dev/a', mountOptions: ['ro'] }), expect: [['error', 'FILESYSTEM_FORMAT_REQUIRED', at('format')]] },
  {
    name: 'label without format',
    version: '3.3.0',
    config: fs({ device: '/dev/a', format: '', label: 'x' }),
    expect: [
      ['error', 'FILESYSTEM_FORMAT_REQUIRED', at('format')],
      ['error', 'FILESYSTEM_LABEL_NEEDS_FORMAT', at('label')],
    ],
  },
  {
    name: 'ext4 label of 17',
    version: '3.3.0',
    config: fs({ device: '/dev/a', format: 'ext4', label: 'x'.repeat(17) }),
    expect: [['error', 'FILESYSTEM_LABEL_TOO_LONG', at('label'), 'filesystem labels cannot be longer than 16 characters when using ext4']],
  },
  { name: 'ext4 label of 16', version: '3.3.0', config: fs({ device: '/dev/a', format: 'ext4', label: 'x'.repeat(16) }), expect: [] },
  {
    name: 'xfs label of 13',
    version: '3.0.0',
    config: fs({ device: '/dev/a', format: 'xfs', label: 'x'.repeat(13) }),
    expect: [['error', 'FILESYSTEM_LABEL_TOO_LONG', at('label'), 'filesystem labels cannot be longer than 12 characters when using xfs']],
  },
  {
    name: 'swap label of 16',
    version: '3.3.0',
    config: fs({ device: '/dev/a', format: 'swap', label: 'x'.repeat(16) }),
    expect: [['error', 'FILESYSTEM_LABEL_TOO_LONG', at('label'), 'filesystem labels cannot be longer than 15 characters when using swap']],
  },
  {
    name: 'vfat label of 12',
    version: '3.3.0',
    config: fs({ device: '/dev/a', format: 'vfat', label: 'x'.repeat(12) }),
    expect: [['error', 'FILESYSTEM_LABEL_TOO_LONG', at('label'), 'filesystem labels cannot be longer than 11 characters when using vfat']],
  },
  {
    name: 'btrfs label of 257',
    version: '3.3.0',
    config: fs({ device: '/dev/a', format: 'btrfs', label: 'x'.repeat(257) }),
    expect: [['error', 'FILESYSTEM_LABEL_TOO_LONG', at('label'), 'filesystem labels cannot be longer than 256 characters when using btrfs']],
  },
  { name: 'format none takes any label', version: '3.3.0', config: fs({ device: '/dev/a', format: 'none', label: 'x'.repeat(300) }), expect: [] },
  { name: 'virtiofs before 3.7', version: '3.6.0', config: fs({ device: 'share', format: 'virtiofs' }), expect: [['error', 'PATH_NOT_ABSOLUTE', at('device')], ['error', 'FILESYSTEM_FORMAT_INVALID', at('format')]] },
  { name: 'virtiofs tag', version: '3.7.0-experimental', config: fs({ device: 'share', format: 'virtiofs', path: '/mnt' }), expect: [] },
  { name: 'virtiofs without a tag', version: '3.7.0-experimental', config: fs({ format: 'virtiofs' }), expect: [['error', 'DEVICE_NOT_SPECIFIED', at('device')]] },
  { name: 'virtiofs tag of 37 bytes', version: '3.7.0-experimental', config: fs({ device: 'x'.repeat(37), format: 'virtiofs' }), expect: [['error', 'VIRTIOFS_TAG_TOO_LONG', at('device')]] },
  {
    name: 'virtiofs rejects block-device fields',
    version: '3.7.0-experimental',
    config: fs({ device: 'share', format: 'virtiofs', label: 'l', uuid: 'u', wipeFilesystem: true, options: ['-x'] }),
    expect: [
      ['error', 'VIRTIOFS_LABEL', at('label')],
      ['error', 'VIRTIOFS_UUID', at('uuid')],
      ['error', 'VIRTIOFS_WIPE', at('wipeFilesystem')],
      ['error', 'VIRTIOFS_OPTIONS', at('options')],
    ],
  },
  {
    name: 'filesystem on a partitioned disk, and on a wiped one',
    version: '3.2.0',
    config: {
      storage: {
        disks: [{ device: '/dev/a', partitions: [{ label: 'x' }] }, { device: '/dev/b', wipeTable: true }],
        filesystems: [{ device: '/dev/a', format: 'ext4' }, { device: '/dev/b', format: 'ext4' }, { device: '/dev/b1', format: 'ext4' }],
      },
    },
    expect: [
      ['warning', 'FILESYSTEM_OVERWRITES_PARTITIONED', '$.storage.filesystems.0.device'],
      ['warning', 'FILESYSTEM_ON_WIPED_DISK', '$.storage.filesystems.1.device'],
    ],
  },
  {
    name: 'wiping the filesystem itself silences the wiped-disk warning',
    version: '3.3.0',
    config: { storage: { disks: [{ device: '/dev/b', wipeTable: true }], filesystems: [{ device: '/dev/b', format: 'xfs', wipeFilesystem: true }] } },
    expect: [],
  },
];

describe('filesystem rules', () => runTable(rows));
