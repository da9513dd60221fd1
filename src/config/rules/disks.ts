// Rules for disks and their partitions (ignition-spec.md §4.6): the device, partition numbers,
// labels and GUIDs, and the disk-wide collisions and overlaps upstream reports on the disk.

import type { ConfigPath } from '../../report.ts';
import { pathProblem } from './paths.ts';
import { byteLength, error, isFalse, isNil, items, notEmpty, num, obj, plainStr, str, type Obj, type RuleContext } from './context.ts';

const GUID = /^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

function partitionNumber(partition: Obj): number {
  return num(partition.number) ?? 0;
}

/** The second index of the first number used twice (Go picks one at random; we pick the first). */
function numbersCollide(partitions: Obj[]): number | undefined {
  const seen = new Map<number, number[]>();
  partitions.forEach((partition, i) => {
    const n = partitionNumber(partition);
    if (n !== 0) seen.set(n, [...(seen.get(n) ?? []), i]);
  });
  for (const indexes of seen.values()) if (indexes.length > 1) return indexes[1];
  return undefined;
}

function labelsCollide(partitions: Obj[]): number | undefined {
  const seen = new Set<string>();
  for (const [i, partition] of partitions.entries()) {
    const label = str(partition.label);
    if (label === undefined) continue;
    if (seen.has(label)) return i;
    seen.add(label);
  }
  return undefined;
}

/** Explicitly placed partitions only; a size of 0 ends where it starts. */
function overlap(partitions: Obj[]): number | undefined {
  const placed = (p: Obj): { start: number; end: number } | undefined => {
    const start = num(p.startMiB);
    const size = num(p.sizeMiB);
    if (start === undefined || size === undefined || start === 0) return undefined;
    return { start, end: size === 0 ? start : start + size - 1 };
  };
  for (const [pi, p] of partitions.entries()) {
    const a = placed(p);
    if (a === undefined) continue;
    for (const [oi, o] of partitions.entries()) {
      const b = placed(o);
      if (b === undefined || oi === pi) continue;
      if (a.start >= b.start && a.start <= b.end) return oi;
      if (a.end >= b.start && a.end <= b.end) return oi;
      if (a.start < b.start && a.end > b.end) return oi;
    }
  }
  return undefined;
}

function mixesZeroesAndDeletion(partitions: Obj[]): boolean {
  return partitions.some((p) => isFalse(p.shouldExist)) && partitions.some((p) => partitionNumber(p) === 0);
}

function checkPartition(ctx: RuleContext, partition: Obj, path: ConfigPath): void {
  const othersSet =
    !isNil(partition.label) ||
    notEmpty(partition.typeGuid) ||
    notEmpty(partition.guid) ||
    !isNil(partition.startMiB) ||
    !isNil(partition.sizeMiB);
  if (isFalse(partition.shouldExist) && othersSet) error(ctx, 'PARTITION_SHOULD_EXIST_FALSE_OPTIONS', path);
  if (partitionNumber(partition) === 0 && isNil(partition.label)) error(ctx, 'PARTITION_NUMBER_OR_LABEL', path);
  const label = str(partition.label);
  if (label !== undefined) {
    if (byteLength(label) > 36) error(ctx, 'PARTITION_LABEL_TOO_LONG', [...path, 'label']);
    else if (label.includes(':')) error(ctx, 'PARTITION_LABEL_COLON', [...path, 'label']);
  }
  for (const field of ['guid', 'typeGuid']) {
    const guid = str(partition[field]);
    if (guid !== undefined && !GUID.test(guid)) error(ctx, 'GUID_INVALID', [...path, field]);
  }
}

/** Disk.Validate, then each partition's own checks. */
export function checkDisk(ctx: RuleContext, disk: Obj, path: ConfigPath): void {
  const partitions = items(disk.partitions).map(obj);
  const device = plainStr(disk.device);
  if (device === '') {
    error(ctx, 'DISK_DEVICE_REQUIRED', [...path, 'device']);
  } else {
    const problem = pathProblem(device);
    if (problem !== undefined) error(ctx, problem, [...path, 'device']);
    const collision = numbersCollide(partitions);
    if (collision !== undefined) error(ctx, 'PARTITION_NUMBERS_COLLIDE', [...path, 'partitions', collision]);
    const overlapping = overlap(partitions);
    if (overlapping !== undefined) error(ctx, 'PARTITIONS_OVERLAP', [...path, 'partitions', overlapping]);
    if (mixesZeroesAndDeletion(partitions)) error(ctx, 'PARTITION_ZEROES_WITH_SHOULD_NOT_EXIST', [...path, 'partitions']);
    const sameLabel = labelsCollide(partitions);
    if (sameLabel !== undefined) error(ctx, 'PARTITION_LABELS_COLLIDE', [...path, 'partitions', sameLabel]);
  }
  partitions.forEach((partition, i) => checkPartition(ctx, partition, [...path, 'partitions', i]));
}
