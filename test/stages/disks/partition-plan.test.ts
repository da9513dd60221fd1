import { describe, expect, test } from 'vitest';
import { ProvisionError } from '../../../src/report.ts';
import {
  applyDryRun,
  mismatch,
  planDryRun,
  planPartitions,
  resolvePartitions,
  type ResolvedPartition,
} from '../../../src/stages/disks/partition-plan.ts';
import type { ExistingPartition } from '../../../src/stages/disks/partition-table.ts';
import type { PartitionSpec } from '../../../src/stages/disks/spec.ts';

const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const DISK = ['storage', 'disks', 0];

function existing(number: number, startMiB: number, sizeMiB: number, extra: Partial<ExistingPartition> = {}): ExistingPartition {
  return {
    number,
    startSector: startMiB * 2048,
    sizeSectors: sizeMiB * 2048,
    typeGuid: LINUX,
    guid: `00000000-0000-0000-0000-00000000000${number}`,
    label: `p${number}`,
    ...extra,
  };
}

/** Resolves and plans with the dry run answered as if every 0 resolved to the given sectors. */
function plan(specs: PartitionSpec[], table: ExistingPartition[]) {
  const dry = planDryRun(resolvePartitions(specs, table, 512), table);
  const infos = dry.inspect.map(() => ({ typeGuid: LINUX, guid: '', startSector: 999 * 2048, sizeSectors: 7 * 2048 }));
  return planPartitions(applyDryRun(dry.partitions, dry.inspect, infos), table, DISK);
}

function failure(run: () => unknown): ProvisionError {
  try {
    run();
  } catch (error) {
    if (ProvisionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a ProvisionError');
}

describe('resolvePartitions', () => {
  test('number 0 takes the lowest slot not kept on disk nor claimed by the config, after numbered entries', () => {
    const table = [existing(1, 1, 10), existing(3, 20, 10)];
    const resolved = resolvePartitions([{ label: 'a' }, { number: 2, label: 'b' }, { label: 'c', number: 0 }], table, 512);
    expect(resolved.map((p) => [p.index, p.number])).toEqual([
      [1, 2],
      [0, 4],
      [2, 5],
    ]);
  });

  test('a slot freed by a wiped shouldExist:false entry is reused by number 0', () => {
    const table = [existing(1, 1, 10)];
    const resolved = resolvePartitions([{ number: 1, shouldExist: false, wipePartitionEntry: true }, { label: 'new' }], table, 512);
    expect(resolved.map((p) => p.number)).toEqual([1, 1]);
  });

  test.each([
    { sectorSize: 512, startMiB: 1, sizeMiB: 3, start: 2048, size: 6144 },
    { sectorSize: 4096, startMiB: 1, sizeMiB: 3, start: 256, size: 768 },
  ])('MiB become $sectorSize-byte sectors', ({ sectorSize, startMiB, sizeMiB, start, size }) => {
    const [p] = resolvePartitions([{ number: 1, startMiB, sizeMiB }], [], sectorSize);
    expect([p?.startSector, p?.sizeSectors]).toEqual([start, size]);
  });

  test('empty GUID strings count as unspecified', () => {
    const [p] = resolvePartitions([{ number: 1, guid: '', typeGuid: '' }], [], 512);
    expect([p?.guid, p?.typeGuid]).toEqual([undefined, undefined]);
  });
});

describe('planDryRun', () => {
  test('unspecified start and size keep the existing values unless the entry may be wiped', () => {
    const table = [existing(1, 1, 10), existing(2, 11, 10)];
    const dry = planDryRun(resolvePartitions([{ number: 1 }, { number: 2, wipePartitionEntry: true }], table, 512), table);
    expect(dry.partitions.map((p) => [p.startSector, p.sizeSectors])).toEqual([
      [2048, 20480],
      [undefined, undefined],
    ]);
    expect(dry.ops).toEqual([
      { kind: 'delete', number: 1 },
      { kind: 'create', partition: { number: 1, startSector: 2048, sizeSectors: 20480, typeGuid: undefined, guid: undefined } },
      { kind: 'delete', number: 2 },
      { kind: 'create', partition: { number: 2, startSector: undefined, sizeSectors: undefined, typeGuid: undefined, guid: undefined } },
    ]);
    expect(dry.inspect).toEqual([]);
  });

  test('only explicit zeros are inspected, and deleted entries are not recreated', () => {
    const table = [existing(3, 1, 10)];
    const dry = planDryRun(
      resolvePartitions([{ number: 1, startMiB: 0, sizeMiB: 5 }, { number: 2, sizeMiB: 0 }, { number: 3, shouldExist: false, wipePartitionEntry: true }], table, 512),
      table,
    );
    expect(dry.inspect).toEqual([1, 2]);
    expect(dry.ops.filter((op) => op.kind === 'create').map((op) => (op.kind === 'create' ? op.partition.number : 0))).toEqual([1, 2]);
    expect(dry.ops.at(-3)).toEqual({ kind: 'delete', number: 3 });
    expect(dry.ops.slice(-2)).toEqual([
      { kind: 'info', number: 1 },
      { kind: 'info', number: 2 },
    ]);
  });

  test('applyDryRun replaces only the values that were given as 0', () => {
    const parts: ResolvedPartition[] = [
      { index: 0, number: 1, startSector: 0, sizeSectors: undefined, shouldExist: true, wipeEntry: false, resize: false },
    ];
    const [p] = applyDryRun(parts, [1], [{ typeGuid: LINUX, guid: 'X', startSector: 4096, sizeSectors: 100 }]);
    expect([p?.startSector, p?.sizeSectors]).toEqual([4096, undefined]);
  });
});

describe('mismatch reasons', () => {
  const part: ResolvedPartition = { index: 0, number: 1, shouldExist: true, wipeEntry: false, resize: false };
  test.each([
    { name: 'start', spec: { startSector: 4096 }, reason: 'starting sector did not match (specified 4096, got 2048)' },
    { name: 'size', spec: { sizeSectors: 4096 }, reason: 'size did not match (specified 4096, got 20480)' },
    { name: 'guid', spec: { guid: 'AA' }, reason: 'GUID did not match (specified "AA", got "00000000-0000-0000-0000-000000000001")' },
    { name: 'type', spec: { typeGuid: ESP }, reason: `type GUID did not match (specified "${ESP}", got "${LINUX}")` },
    { name: 'label', spec: { label: 'P1' }, reason: 'label did not match (specified "P1", got "p1")' },
    { name: 'case-insensitive GUIDs', spec: { typeGuid: LINUX.toLowerCase(), guid: '00000000-0000-0000-0000-000000000001' }, reason: undefined },
  ])('$name', ({ spec, reason }) => {
    expect(mismatch(existing(1, 1, 10), { ...part, ...spec })).toBe(reason);
  });
});

describe('the presence × shouldExist × wipePartitionEntry matrix', () => {
  const table = [existing(1, 1, 10)];
  test('entries are applied in config order (numbered ones first), each deleted and recreated in place', () => {
    const table2 = [existing(1, 1, 10), existing(2, 11, 10)];
    const result = plan(
      [
        { label: 'new', sizeMiB: 4 },
        { number: 2, label: 'other', wipePartitionEntry: true },
        { number: 1, shouldExist: false, wipePartitionEntry: true },
      ],
      table2,
    );
    expect(result.ops.map((op) => `${op.kind} ${op.kind === 'create' ? op.partition.number : op.kind === 'zap' ? '' : op.number}`)).toEqual([
      'delete 2',
      'create 2',
      'delete 1',
      'create 1',
    ]);
    // The number-0 entry took the slot the deletion freed.
    expect(result.created.map((p) => p.label)).toEqual(['other', 'new']);
    expect(result.deleted).toEqual([2, 1]);
  });

  test.each([
    { name: 'absent, shouldExist false: nothing', specs: [{ number: 2, shouldExist: false }], ops: [] },
    { name: 'absent, shouldExist false, wipe: nothing', specs: [{ number: 2, shouldExist: false, wipePartitionEntry: true }], ops: [] },
    {
      name: 'absent: create',
      specs: [{ number: 2, startMiB: 20, sizeMiB: 5, label: 'x' }],
      ops: [{ kind: 'create', partition: { number: 2, startSector: 40960, sizeSectors: 10240, label: 'x', guid: undefined, typeGuid: undefined } }],
    },
    { name: 'present, shouldExist false, wipe: delete', specs: [{ number: 1, shouldExist: false, wipePartitionEntry: true }], ops: [{ kind: 'delete', number: 1 }] },
    { name: 'present and matching: keep', specs: [{ number: 1, label: 'p1', sizeMiB: 10, typeGuid: LINUX }], ops: [] },
    { name: 'present, unspecified geometry: keep', specs: [{ number: 1 }], ops: [] },
    {
      name: 'present, not matching, wipe: delete and recreate',
      specs: [{ number: 1, label: 'new', wipePartitionEntry: true }],
      ops: [
        { kind: 'delete', number: 1 },
        { kind: 'create', partition: { number: 1, startSector: undefined, sizeSectors: undefined, label: 'new', guid: undefined, typeGuid: undefined } },
      ],
    },
    {
      name: 'present, size differs, resize: recreate keeping start, GUIDs and name',
      specs: [{ number: 1, sizeMiB: 20, resize: true }],
      ops: [
        { kind: 'delete', number: 1 },
        {
          kind: 'create',
          partition: { number: 1, startSector: 2048, sizeSectors: 40960, typeGuid: LINUX, guid: '00000000-0000-0000-0000-000000000001', label: 'p1' },
        },
      ],
    },
  ])('$name', ({ specs, ops }) => {
    expect(plan(specs as PartitionSpec[], table).ops).toEqual(ops);
  });

  test.each([
    { name: 'present, shouldExist false, no wipe', specs: [{ number: 1, shouldExist: false }], code: 'PARTITION_EXISTS_NOT_WIPED', index: 0 },
    { name: 'present, label differs, no wipe', specs: [{ number: 3 }, { number: 1, label: 'other' }], code: 'PARTITION_MISMATCH', index: 1 },
    { name: 'resize cannot change the label', specs: [{ number: 1, label: 'other', sizeMiB: 20, resize: true }], code: 'PARTITION_MISMATCH', index: 0 },
    { name: 'size differs without resize', specs: [{ number: 1, sizeMiB: 20 }], code: 'PARTITION_MISMATCH', index: 0 },
  ])('$name fails at the partition', ({ specs, code, index }) => {
    const error = failure(() => plan(specs as PartitionSpec[], table));
    expect(error.code).toBe(code);
    expect(error.path).toEqual([...DISK, 'partitions', index]);
  });

  test('the mismatch message names the partition and the reason in upstream wording', () => {
    const error = failure(() => plan([{ number: 1, startMiB: 2 }], table));
    expect(error.message).toBe("partition 1 didn't match: starting sector did not match (specified 4096, got 2048)");
  });

  test('sizeMiB 0 on an existing partition matches when the dry run lands on its current size', () => {
    const table2 = [existing(1, 1, 10)];
    const dry = planDryRun(resolvePartitions([{ number: 1, sizeMiB: 0 }], table2, 512), table2);
    const same = planPartitions(applyDryRun(dry.partitions, dry.inspect, [{ typeGuid: LINUX, guid: '', startSector: 2048, sizeSectors: 20480 }]), table2, DISK);
    expect(same.ops).toEqual([]);
    const grown = () =>
      planPartitions(applyDryRun(dry.partitions, dry.inspect, [{ typeGuid: LINUX, guid: '', startSector: 2048, sizeSectors: 40960 }]), table2, DISK);
    expect(failure(grown).code).toBe('PARTITION_MISMATCH');
  });
});
