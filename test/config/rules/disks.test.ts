// Disk and partition rules (ignition-spec.md §4.6), including the disk-wide collision, overlap
// and mixed-deletion checks and where each is attached.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const disk = (partitions: Record<string, unknown>[], device = '/dev/sda') => ({ storage: { disks: [{ device, partitions }] } });
const p = (i: number) => `$.storage.disks.0.partitions.${i}`;

const rows: Row[] = [
  { name: 'partition by number', version: '3.3.0', config: disk([{ number: 1, sizeMiB: 100, typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' }]), expect: [] },
  { name: 'partition by label only', version: '3.0.0', config: disk([{ label: 'root' }]), expect: [] },
  { name: 'device required', version: '3.3.0', config: { storage: { disks: [{ device: '' }] } }, expect: [['error', 'DISK_DEVICE_REQUIRED', '$.storage.disks.0.device']] },
  { name: 'device not absolute', version: '3.3.0', config: { storage: { disks: [{ device: 'sda' }] } }, expect: [['error', 'PATH_NOT_ABSOLUTE', '$.storage.disks.0.device']] },
  { name: 'neither number nor label', version: '3.3.0', config: disk([{ sizeMiB: 10 }]), expect: [['error', 'PARTITION_NUMBER_OR_LABEL', p(0)]] },
  { name: 'empty label counts as a label', version: '3.3.0', config: disk([{ label: '' }]), expect: [] },
  { name: 'label of 36 bytes', version: '3.3.0', config: disk([{ label: 'x'.repeat(36) }]), expect: [] },
  { name: 'label of 37 bytes', version: '3.3.0', config: disk([{ label: 'x'.repeat(37) }]), expect: [['error', 'PARTITION_LABEL_TOO_LONG', `${p(0)}.label`]] },
  { name: 'label length counts bytes', version: '3.3.0', config: disk([{ label: 'é'.repeat(19) }]), expect: [['error', 'PARTITION_LABEL_TOO_LONG', `${p(0)}.label`]] },
  { name: 'label with a colon', version: '3.3.0', config: disk([{ label: 'a:b' }]), expect: [['error', 'PARTITION_LABEL_COLON', `${p(0)}.label`]] },
  { name: 'lowercase GUID', version: '3.3.0', config: disk([{ number: 1, guid: '0fc63daf-8483-4772-8e79-3d69d8477de4' }]), expect: [] },
  { name: 'empty GUIDs are fine', version: '3.3.0', config: disk([{ number: 1, guid: '', typeGuid: '' }]), expect: [] },
  {
    name: 'bad GUID and type GUID',
    version: '3.3.0',
    config: disk([{ number: 1, guid: 'x', typeGuid: 'linux' }]),
    expect: [
      ['error', 'GUID_INVALID', `${p(0)}.guid`],
      ['error', 'GUID_INVALID', `${p(0)}.typeGuid`],
    ],
  },
  {
    name: 'shouldExist false with other fields',
    version: '3.3.0',
    config: disk([{ number: 1, shouldExist: false, sizeMiB: 0 }]),
    expect: [['error', 'PARTITION_SHOULD_EXIST_FALSE_OPTIONS', p(0)]],
  },
  { name: 'shouldExist false alone', version: '3.3.0', config: disk([{ number: 2, shouldExist: false, wipePartitionEntry: true }]), expect: [] },
  {
    name: 'deletion mixed with next-free partitions',
    version: '3.3.0',
    config: disk([{ number: 0, label: 'a' }, { number: 1, shouldExist: false }]),
    expect: [['error', 'PARTITION_ZEROES_WITH_SHOULD_NOT_EXIST', '$.storage.disks.0.partitions']],
  },
  {
    name: 'numbers collide at the second, and duplicate',
    version: '3.3.0',
    config: disk([{ number: 3 }, { number: 3 }, { number: 3 }]),
    expect: [
      ['error', 'PARTITION_NUMBERS_COLLIDE', p(1)],
      ['error', 'DUPLICATE', p(1)],
      ['error', 'DUPLICATE', p(2)],
    ],
  },
  {
    name: 'labels collide at the later one',
    version: '3.3.0',
    config: disk([{ label: 'a' }, { number: 1, label: 'b' }, { number: 2, label: 'a' }]),
    expect: [['error', 'PARTITION_LABELS_COLLIDE', p(2)]],
  },
  {
    name: 'overlap is attached to the other partition',
    version: '3.3.0',
    config: disk([{ number: 1, startMiB: 1, sizeMiB: 10 }, { number: 2, startMiB: 5, sizeMiB: 10 }]),
    expect: [['error', 'PARTITIONS_OVERLAP', p(1)]],
  },
  {
    name: 'straddling overlap',
    version: '3.3.0',
    config: disk([{ number: 1, startMiB: 20, sizeMiB: 10 }, { number: 2, startMiB: 5, sizeMiB: 100 }]),
    expect: [['error', 'PARTITIONS_OVERLAP', p(1)]],
  },
  {
    name: 'adjacent partitions do not overlap',
    version: '3.3.0',
    config: disk([{ number: 1, startMiB: 1, sizeMiB: 10 }, { number: 2, startMiB: 11, sizeMiB: 10 }]),
    expect: [],
  },
  {
    name: 'size 0 ends at its start',
    version: '3.3.0',
    config: disk([{ number: 1, startMiB: 10, sizeMiB: 0 }, { number: 2, startMiB: 10, sizeMiB: 5 }]),
    expect: [['error', 'PARTITIONS_OVERLAP', p(1)]],
  },
  {
    name: 'start 0 is never checked for overlap',
    version: '3.3.0',
    config: disk([{ number: 1, startMiB: 0, sizeMiB: 10 }, { number: 2, startMiB: 0, sizeMiB: 10 }]),
    expect: [],
  },
  {
    name: 'without a device only the partitions are checked',
    version: '3.3.0',
    config: disk([{ number: 0 }, { number: 1, label: 'a:b', guid: 'x' }, { number: 1, label: 'a:b', startMiB: 10, sizeMiB: 10 }], ''),
    expect: [
      ['error', 'DISK_DEVICE_REQUIRED', '$.storage.disks.0.device'],
      ['error', 'PARTITION_NUMBER_OR_LABEL', p(0)],
      ['error', 'PARTITION_LABEL_COLON', `${p(1)}.label`],
      ['error', 'GUID_INVALID', `${p(1)}.guid`],
      ['error', 'PARTITION_LABEL_COLON', `${p(2)}.label`],
      ['error', 'DUPLICATE', p(2)],
    ],
  },
];

describe('disk and partition rules', () => runTable(rows));
