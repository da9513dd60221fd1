// Partition planning as pure functions (ignition-spec.md §10.3): number assignment, the dry run
// that resolves "0" starts and sizes, and the presence × shouldExist × wipePartitionEntry matrix
// that turns the config and the existing table into sgdisk operations, or one error.
import { entry, type ConfigPath } from '../../report.ts';
import type { SgdiskInfo, SgdiskOp, SgdiskPartition } from '../../system/sgdisk.ts';
import type { ExistingPartition } from './partition-table.ts';
import { isTrue, notEmpty, type PartitionSpec } from './spec.ts';

const MIB = 1024 * 1024;

/** One config partition with its number assigned and MiB converted to sectors. */
export interface ResolvedPartition {
  /** Index in the disk's `partitions` list, for error paths. */
  index: number;
  number: number;
  startSector?: number | undefined;
  sizeSectors?: number | undefined;
  typeGuid?: string | undefined;
  guid?: string | undefined;
  label?: string | undefined;
  shouldExist: boolean;
  wipeEntry: boolean;
  resize: boolean;
}

export interface PartitionPlan {
  ops: SgdiskOp[];
  /** Numbers sgdisk will create or recreate, with the geometry the kernel should then report. */
  created: SgdiskPartition[];
  /** Numbers whose entry is removed, including those recreated. */
  deleted: number[];
  /** Log lines for partitions left alone. */
  notes: string[];
}

function toSectors(mib: number, sectorSize: number): number {
  return (mib * MIB) / sectorSize;
}

/**
 * Orders partitions with number 0 last (stably) and gives each of them the next free slot: the
 * lowest number not taken by a partition that stays on the disk or by another config entry.
 * Upstream matches existing partitions only by number, so number 0 always means "a new one".
 */
export function resolvePartitions(
  specs: readonly PartitionSpec[],
  existing: readonly ExistingPartition[],
  sectorSize: number,
): ResolvedPartition[] {
  const indexed = specs.map((spec, index) => ({ spec, index }));
  const ordered = [...indexed.filter((p) => (p.spec.number ?? 0) !== 0), ...indexed.filter((p) => (p.spec.number ?? 0) === 0)];
  const deleted = new Set(
    specs.filter((s) => s.shouldExist === false && isTrue(s.wipePartitionEntry)).map((s) => s.number ?? 0),
  );
  const taken = new Set<number>(existing.map((p) => p.number).filter((n) => !deleted.has(n)));
  for (const s of specs) if ((s.number ?? 0) !== 0 && s.shouldExist !== false) taken.add(s.number ?? 0);
  let next = 1;
  return ordered.map(({ spec, index }) => {
    let number = spec.number ?? 0;
    if (number === 0) {
      while (taken.has(next)) next++;
      number = next;
      taken.add(number);
    }
    return {
      index,
      number,
      startSector: spec.startMiB == null ? undefined : toSectors(spec.startMiB, sectorSize),
      sizeSectors: spec.sizeMiB == null ? undefined : toSectors(spec.sizeMiB, sectorSize),
      typeGuid: notEmpty(spec.typeGuid) ? spec.typeGuid : undefined,
      guid: notEmpty(spec.guid) ? spec.guid : undefined,
      label: spec.label ?? undefined,
      shouldExist: spec.shouldExist !== false,
      wipeEntry: isTrue(spec.wipePartitionEntry),
      resize: isTrue(spec.resize),
    };
  });
}

/**
 * The dry run: every listed partition that exists is deleted and every one that should exist is
 * recreated; an unspecified start or size keeps the existing value unless the entry may be wiped.
 * Returns the partitions with those defaults filled in, the sgdisk ops, and which numbers to ask
 * sgdisk about (those whose start or size is 0, i.e. decided by sgdisk).
 */
export function planDryRun(
  partitions: readonly ResolvedPartition[],
  existing: readonly ExistingPartition[],
): { partitions: ResolvedPartition[]; ops: SgdiskOp[]; inspect: number[] } {
  // Per entry, in order: delete the old slot, create the new one. sgdisk places a start-0 entry in
  // the largest block free at that moment, so this order is part of the semantics.
  const ops: SgdiskOp[] = [];
  const removed = new Set<number>();
  const filled = partitions.map((part) => {
    const found = removed.has(part.number) ? undefined : existing.find((p) => p.number === part.number);
    const copy = { ...part };
    if (found !== undefined) {
      ops.push({ kind: 'delete', number: part.number });
      removed.add(part.number);
      if (copy.startSector === undefined && !copy.wipeEntry) copy.startSector = found.startSector;
      if (copy.sizeSectors === undefined && !copy.wipeEntry) copy.sizeSectors = found.sizeSectors;
    }
    if (copy.shouldExist) {
      // Labels are left out of the dry run: they do not affect placement.
      ops.push({ kind: 'create', partition: { ...geometry(copy), typeGuid: copy.typeGuid, guid: copy.guid } });
    }
    return copy;
  });
  const inspect = filled.filter((p) => p.shouldExist && (p.startSector === 0 || p.sizeSectors === 0)).map((p) => p.number);
  for (const number of inspect) ops.push({ kind: 'info', number });
  return { partitions: filled, ops, inspect };
}

/** Replaces the 0 starts and sizes of inspected partitions with what the dry run reported. */
export function applyDryRun(
  partitions: readonly ResolvedPartition[],
  inspect: readonly number[],
  infos: readonly SgdiskInfo[],
): ResolvedPartition[] {
  return partitions.map((part) => {
    const at = inspect.indexOf(part.number);
    const info = at < 0 ? undefined : infos[at];
    if (info === undefined) return part;
    return {
      ...part,
      startSector: part.startSector === undefined ? undefined : info.startSector,
      sizeSectors: part.sizeSectors === undefined ? undefined : info.sizeSectors,
    };
  });
}

/** Why an existing partition does not match, in upstream's wording; undefined when it matches. */
export function mismatch(existing: ExistingPartition, part: ResolvedPartition, ignoreSize = false): string | undefined {
  if (part.startSector !== undefined && part.startSector !== existing.startSector) {
    return `starting sector did not match (specified ${part.startSector}, got ${existing.startSector})`;
  }
  if (!ignoreSize && part.sizeSectors !== undefined && part.sizeSectors !== existing.sizeSectors) {
    return `size did not match (specified ${part.sizeSectors}, got ${existing.sizeSectors})`;
  }
  if (part.guid !== undefined && part.guid.toLowerCase() !== existing.guid.toLowerCase()) {
    return `GUID did not match (specified ${JSON.stringify(part.guid)}, got ${JSON.stringify(existing.guid)})`;
  }
  if (part.typeGuid !== undefined && part.typeGuid.toLowerCase() !== existing.typeGuid.toLowerCase()) {
    return `type GUID did not match (specified ${JSON.stringify(part.typeGuid)}, got ${JSON.stringify(existing.typeGuid)})`;
  }
  if (part.label !== undefined && part.label !== existing.label) {
    return `label did not match (specified ${JSON.stringify(part.label)}, got ${JSON.stringify(existing.label)})`;
  }
  return undefined;
}

function geometry(part: ResolvedPartition): SgdiskPartition {
  return { number: part.number, startSector: part.startSector, sizeSectors: part.sizeSectors };
}

function creation(part: ResolvedPartition): SgdiskPartition {
  return { ...geometry(part), typeGuid: part.typeGuid, guid: part.guid, label: part.label };
}

/**
 * The matrix of ignition-spec.md §10.3 over partitions whose geometry the dry run resolved.
 * Throws one ProvisionError at the offending partition's path when the config cannot be met.
 */
export function planPartitions(
  partitions: readonly ResolvedPartition[],
  existing: readonly ExistingPartition[],
  diskPath: ConfigPath,
): PartitionPlan {
  const plan: PartitionPlan = { ops: [], created: [], deleted: [], notes: [] };
  for (const part of partitions) {
    const path = [...diskPath, 'partitions', part.index];
    // A slot deleted by an earlier entry is free for a number-0 entry that was given it.
    const found = plan.deleted.includes(part.number) ? undefined : existing.find((p) => p.number === part.number);
    const reason = found === undefined ? undefined : mismatch(found, part);
    if (found === undefined && !part.shouldExist) {
      plan.notes.push(`partition ${part.number} specified as nonexistant and no partition was found. Success.`);
    } else if (found === undefined) {
      plan.ops.push({ kind: 'create', partition: creation(part) });
      plan.created.push(creation(part));
    } else if (!part.shouldExist && !part.wipeEntry) {
      throw entry('error', 'PARTITION_EXISTS_NOT_WIPED', path, part.number);
    } else if (!part.shouldExist) {
      plan.ops.push({ kind: 'delete', number: part.number });
      plan.deleted.push(part.number);
    } else if (reason === undefined) {
      plan.notes.push(`partition ${part.number} found with correct specifications`);
    } else if (!part.wipeEntry && part.resize && mismatch(found, part, true) === undefined) {
      // A resize keeps everything but the size: number, start, both GUIDs and the name.
      const resized: SgdiskPartition = {
        number: found.number,
        startSector: found.startSector,
        sizeSectors: part.sizeSectors,
        typeGuid: found.typeGuid,
        guid: found.guid,
        label: found.label,
      };
      plan.ops.push({ kind: 'delete', number: part.number }, { kind: 'create', partition: resized });
      plan.deleted.push(part.number);
      plan.created.push(resized);
      plan.notes.push(`resizing partition ${part.number}`);
    } else if (!part.wipeEntry) {
      throw entry('error', 'PARTITION_MISMATCH', path, part.number, reason);
    } else {
      plan.ops.push({ kind: 'delete', number: part.number }, { kind: 'create', partition: creation(part) });
      plan.deleted.push(part.number);
      plan.created.push(creation(part));
      plan.notes.push(`partition ${part.number} did not meet specifications, wiping partition entry and recreating`);
    }
  }
  return plan;
}
