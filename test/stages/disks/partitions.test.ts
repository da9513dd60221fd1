// Partitioning real sparse image files with the real sgdisk (no root needed: sgdisk edits files
// as it edits disks). Results are read back with `sgdisk --info`, independently of our GPT reader.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ProvisionError } from '../../../src/report.ts';
import { partitionDisk } from '../../../src/stages/disks/partitions.ts';
import type { DiskSpec } from '../../../src/stages/disks/spec.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { testContext } from './context.ts';
import { runSync } from '../../helpers/process.ts';

const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const GUID = '5A4D6B1E-2F3C-4D5E-8F90-A1B2C3D4E5F6';
const PATH = ['storage', 'disks', 0];

let dir = '';
let image = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-parts-'));
  image = join(dir, 'disk.img');
  writeFileSync(image, '');
  truncateSync(image, 64 * 1024 * 1024);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `sgdisk --info=N` as a record (the oracle). */
function info(n: number) {
  const out = runSync('sgdisk', [`--info=${n}`, image], { check: true }).stdout;
  if (/does not exist/.test(out)) return undefined;
  const field = (name: string) => new RegExp(`^${name}: (\\S+)`, 'm').exec(out)?.[1];
  return {
    type: field('Partition GUID code'),
    guid: field('Partition unique GUID'),
    start: Number(field('First sector')),
    size: Number(field('Partition size')),
    name: /^Partition name: '(.*)'$/m.exec(out)?.[1],
  };
}

function hash(): string {
  return createHash('sha256').update(readFileSync(image)).digest('hex');
}

async function apply(disk: Omit<DiskSpec, 'device'>): Promise<void> {
  await partitionDisk(testContext(), { device: image, ...disk }, image, PATH);
}

async function failure(disk: Omit<DiskSpec, 'device'>): Promise<ProvisionError> {
  try {
    await apply(disk);
  } catch (error) {
    if (ProvisionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a ProvisionError');
}

describe.runIf(canRun('sgdisk', hasCommand('sgdisk')))('partitioning an image file with sgdisk', () => {
  test('creates a GPT layout with start, size, type GUID, GUID and label', async () => {
    await apply({
      partitions: [
        { number: 1, label: 'EFI-SYSTEM', startMiB: 1, sizeMiB: 8, typeGuid: ESP },
        { number: 2, label: 'root', sizeMiB: 16, guid: GUID },
        { number: 3, label: 'data', sizeMiB: 0 },
      ],
    });
    expect(info(1)).toEqual({ type: ESP, guid: expect.any(String), start: 2048, size: 16384, name: 'EFI-SYSTEM' });
    expect(info(2)).toEqual({ type: LINUX, guid: GUID, start: 18432, size: 32768, name: 'root' });
    // sizeMiB 0 fills the largest free block up to the last usable sector before the backup GPT.
    expect(info(3)).toMatchObject({ start: 51200, name: 'data' });
    expect((info(3)?.start ?? 0) + (info(3)?.size ?? 0) - 1).toBe(131038);
  });

  test('running the same config again changes nothing on the disk', async () => {
    const config = { partitions: [{ number: 1, label: 'a', sizeMiB: 8 }, { number: 2, label: 'b', startMiB: 0, sizeMiB: 0 }] };
    await apply(config);
    const before = hash();
    await apply(config);
    expect(hash()).toBe(before);
  });

  test('number 0 takes the next free slot after the existing partitions', async () => {
    await apply({ partitions: [{ number: 2, label: 'two', sizeMiB: 4 }] });
    await apply({ partitions: [{ label: 'new', sizeMiB: 4 }, { label: 'newer', sizeMiB: 4 }] });
    expect(info(1)?.name).toBe('new');
    expect(info(3)?.name).toBe('newer');
    expect(info(2)?.name).toBe('two');
  });

  test('resize grows an existing partition and keeps its start, GUIDs and name', async () => {
    await apply({ partitions: [{ number: 1, label: 'root', sizeMiB: 8, guid: GUID, typeGuid: ESP }] });
    const old = info(1);
    await apply({ partitions: [{ number: 1, sizeMiB: 24, resize: true }] });
    expect(info(1)).toEqual({ ...old, size: 24 * 2048 });
  });

  test('a mismatching partition without wipePartitionEntry fails at its path and leaves the disk untouched', async () => {
    await apply({ partitions: [{ number: 1, label: 'root', sizeMiB: 8 }] });
    const before = hash();
    const error = await failure({ partitions: [{ number: 2, startMiB: 40, sizeMiB: 4 }, { number: 1, sizeMiB: 16 }] });
    expect(error.code).toBe('PARTITION_MISMATCH');
    expect(error.path).toEqual([...PATH, 'partitions', 1]);
    expect(error.message).toBe("partition 1 didn't match: size did not match (specified 32768, got 16384)");
    expect(hash()).toBe(before);
  });

  test('wipePartitionEntry recreates a mismatching partition', async () => {
    await apply({ partitions: [{ number: 1, label: 'old', sizeMiB: 8 }] });
    await apply({ partitions: [{ number: 1, label: 'new', startMiB: 10, sizeMiB: 4, wipePartitionEntry: true }] });
    expect(info(1)).toMatchObject({ name: 'new', start: 10 * 2048, size: 4 * 2048 });
  });

  test('shouldExist false deletes only with wipePartitionEntry, and is fine when absent', async () => {
    await apply({ partitions: [{ number: 1, sizeMiB: 8 }, { number: 2, sizeMiB: 8 }] });
    const error = await failure({ partitions: [{ number: 2, shouldExist: false }] });
    expect(error.code).toBe('PARTITION_EXISTS_NOT_WIPED');
    expect(error.path).toEqual([...PATH, 'partitions', 0]);
    await apply({ partitions: [{ number: 2, shouldExist: false, wipePartitionEntry: true }, { number: 5, shouldExist: false }] });
    expect(info(2)).toBeUndefined();
    expect(info(1)).toMatchObject({ size: 8 * 2048 });
  });

  test('wipeTable removes every existing partition before creating the listed ones', async () => {
    await apply({ partitions: [{ number: 1, sizeMiB: 8 }, { number: 2, sizeMiB: 8 }] });
    await apply({ wipeTable: true, partitions: [{ number: 3, label: 'only', sizeMiB: 4 }] });
    expect([info(1), info(2)]).toEqual([undefined, undefined]);
    expect(info(3)).toMatchObject({ name: 'only', start: 2048 });
  });

  test('a partition that does not fit fails at its path with the sgdisk error as cause', async () => {
    const error = await failure({ partitions: [{ number: 1, sizeMiB: 8 }, { number: 2, sizeMiB: 1000 }] });
    expect(error.code).toBe('DISKS_STEP_FAILED');
    expect(error.path).toEqual([...PATH, 'partitions', 1]);
    expect(error.cause).toMatchObject({ exitCode: expect.any(Number) });
    expect(info(1)).toBeUndefined();
  });
});
