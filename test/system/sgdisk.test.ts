import { describe, expect, test } from 'vitest';
import { parseSgdiskInfo, sgdiskArgs, type SgdiskOp } from '../../src/system/sgdisk.ts';

describe('sgdiskArgs', () => {
  test.each<{ name: string; ops: SgdiskOp[]; pretend?: boolean; args: string[] }>([
    { name: 'zap', ops: [{ kind: 'zap' }], args: ['--zap-all', '/dev/vda'] },
    {
      name: 'create with defaults: start and end 0',
      ops: [{ kind: 'create', partition: { number: 1 } }],
      args: ['--new=1:0:0', '/dev/vda'],
    },
    {
      name: 'create with every attribute',
      ops: [{ kind: 'create', partition: { number: 2, startSector: 2048, sizeSectors: 4096, label: 'root', guid: 'G', typeGuid: 'T' } }],
      args: ['--new=2:2048:+4096', '--change-name=2:root', '--partition-guid=2:G', '--typecode=2:T', '/dev/vda'],
    },
    {
      name: 'size 0 means to the end of the block; empty GUIDs are left to sgdisk',
      ops: [{ kind: 'create', partition: { number: 3, startSector: 0, sizeSectors: 0, guid: '', typeGuid: '' } }],
      args: ['--new=3:0:0', '/dev/vda'],
    },
    {
      name: 'an empty label is still set (it clears the name)',
      ops: [{ kind: 'create', partition: { number: 1, label: '' } }],
      args: ['--new=1:0:0', '--change-name=1:', '/dev/vda'],
    },
    {
      name: 'dry run keeps the order of operations',
      ops: [{ kind: 'delete', number: 1 }, { kind: 'create', partition: { number: 1, sizeSectors: 8 } }, { kind: 'info', number: 1 }],
      pretend: true,
      args: ['--pretend', '--delete=1', '--new=1:0:+8', '--info=1', '/dev/vda'],
    },
  ])('$name', ({ ops, pretend, args }) => {
    expect(sgdiskArgs('/dev/vda', ops, pretend)).toEqual(args);
  });
});

describe('parseSgdiskInfo', () => {
  const block = (guid: string, first: number, size: number) =>
    [
      'Partition GUID code: 0FC63DAF-8483-4772-8E79-3D69D8477DE4 (Linux filesystem)',
      `Partition unique GUID: ${guid}`,
      `First sector: ${first} (at 1024.0 KiB)`,
      `Last sector: ${first + size - 1} (at 3.0 MiB)`,
      `Partition size: ${size} sectors (2.0 MiB)`,
      'Attribute flags: 0000000000000000',
      "Partition name: 'a: b'",
    ].join('\n');

  test('splits several --info outputs in order', () => {
    const out = `${block('A', 2048, 4096)}\n${block('B', 6144, 124895)}\n`;
    expect(parseSgdiskInfo(out)).toEqual([
      { typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4', guid: 'A', startSector: 2048, sizeSectors: 4096 },
      { typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4', guid: 'B', startSector: 6144, sizeSectors: 124895 },
    ]);
  });

  test('leading warnings are ignored; a truncated block is an error', () => {
    expect(parseSgdiskInfo(`Creating new GPT entries in memory.\n${block('A', 34, 10)}`)).toHaveLength(1);
    expect(() => parseSgdiskInfo('Partition GUID code: X (Y)\nFirst sector: 34\n')).toThrow(/unexpected sgdisk/);
  });
});
