// Our GPT reader against sgdisk's own view of images sgdisk wrote.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeGuid, parseGptHeader, readPartitionTable } from '../../../src/stages/disks/partition-table.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { runSync } from '../../helpers/process.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-gpt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(name: string, mib: number): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  truncateSync(file, mib * 1024 * 1024);
  return file;
}

test('decodeGuid reads the mixed-endian on-disk form', () => {
  const bytes = Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex');
  expect(decodeGuid(bytes)).toBe('0FC63DAF-8483-4772-8E79-3D69D8477DE4');
});

test('a disk without a GPT has no partitions and the fallback sector size', async () => {
  const file = image('blank.img', 1);
  expect(parseGptHeader(Buffer.alloc(8192))).toBeUndefined();
  expect(await readPartitionTable(file, 4096)).toEqual({ sectorSize: 4096, partitions: [] });
});

test('a file shorter than the header reads as no GPT; a missing device is ENOENT', async () => {
  const file = join(dir, 'short.img');
  writeFileSync(file, Buffer.from('EFI PART'));
  expect(await readPartitionTable(file, 512)).toEqual({ sectorSize: 512, partitions: [] });
  await expect(readPartitionTable(join(dir, 'missing.img'), 512)).rejects.toMatchObject({ code: 'ENOENT' });
});

describe.runIf(canRun('sgdisk', hasCommand('sgdisk')))('tables written by sgdisk', () => {
  test('every field matches sgdisk --info, including gaps in numbering and unicode names', async () => {
    const file = image('disk.img', 32);
    runSync('sgdisk', [
      '--new=1:2048:+2048', '--change-name=1:EFI-SYSTEM', '--typecode=1:C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
      '--new=3:0:+4096', '--change-name=3:données', '--partition-guid=3:5A4D6B1E-2F3C-4D5E-8F90-A1B2C3D4E5F6',
      file,
    ], { check: true });
    const table = await readPartitionTable(file, 512);
    expect(table.sectorSize).toBe(512);
    expect(table.partitions.map((p) => p.number)).toEqual([1, 3]);
    for (const part of table.partitions) {
      const out = runSync('sgdisk', [`--info=${part.number}`, file], { check: true }).stdout;
      expect(part.typeGuid).toBe(/GUID code: (\S+)/.exec(out)?.[1]);
      expect(part.guid).toBe(/unique GUID: (\S+)/.exec(out)?.[1]);
      expect(part.startSector).toBe(Number(/First sector: (\d+)/.exec(out)?.[1]));
      expect(part.sizeSectors).toBe(Number(/Partition size: (\d+)/.exec(out)?.[1]));
      expect(part.label).toBe(/Partition name: '(.*)'/.exec(out)?.[1]);
    }
    expect(table.partitions[1]?.label).toBe('données');
  });
});
