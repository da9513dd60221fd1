// Rules for filesystems (ignition-spec.md §4.7): mount path, device (a virtiofs tag in
// 3.7.0-experimental), format and label limits, and the storage-level warnings about
// filesystems placed on whole disks that are also partitioned or wiped.

import type { ConfigPath } from '../../report.ts';
import { atLeast } from '../versions.ts';
import { pathProblem } from './paths.ts';
import {
  byteLength,
  error,
  isTrue,
  items,
  notEmpty,
  obj,
  plainStr,
  str,
  warn,
  type Obj,
  type RuleContext,
} from './context.ts';

const LABEL_LIMITS: Record<string, number> = { ext4: 16, btrfs: 256, xfs: 12, swap: 15, vfat: 11 };

function formats(ctx: RuleContext): string[] {
  const list = ['ext4', 'btrfs', 'xfs', 'swap', 'vfat'];
  if (atLeast(ctx.version, '3.3.0')) list.push('none');
  if (atLeast(ctx.version, '3.7.0-experimental')) list.push('virtiofs');
  return list;
}

function isVirtiofs(ctx: RuleContext, filesystem: Obj): boolean {
  return atLeast(ctx.version, '3.7.0-experimental') && filesystem.format === 'virtiofs';
}

function checkDevice(ctx: RuleContext, filesystem: Obj, path: ConfigPath): void {
  const device = plainStr(filesystem.device);
  if (isVirtiofs(ctx, filesystem)) {
    if (device === '') error(ctx, 'DEVICE_NOT_SPECIFIED', path);
    else if (byteLength(device) > 36) error(ctx, 'VIRTIOFS_TAG_TOO_LONG', path);
    return;
  }
  const problem = pathProblem(device);
  if (problem !== undefined) error(ctx, problem, path);
}

function checkFormat(ctx: RuleContext, filesystem: Obj, path: ConfigPath): void {
  const format = str(filesystem.format);
  if (format === undefined || format === '') {
    const others =
      notEmpty(filesystem.path) ||
      notEmpty(filesystem.label) ||
      notEmpty(filesystem.uuid) ||
      isTrue(filesystem.wipeFilesystem) ||
      items(filesystem.mountOptions).length > 0 ||
      items(filesystem.options).length > 0;
    if (others) error(ctx, 'FILESYSTEM_FORMAT_REQUIRED', path);
    return;
  }
  if (!formats(ctx).includes(format)) error(ctx, 'FILESYSTEM_FORMAT_INVALID', path);
}

function checkLabel(ctx: RuleContext, filesystem: Obj, path: ConfigPath): void {
  const label = str(filesystem.label);
  if (label === undefined || label === '') return;
  const format = str(filesystem.format);
  if (format === undefined || format === '') return error(ctx, 'FILESYSTEM_LABEL_NEEDS_FORMAT', path);
  if (isVirtiofs(ctx, filesystem)) return error(ctx, 'VIRTIOFS_LABEL', path);
  const limit = LABEL_LIMITS[format];
  if (limit !== undefined && byteLength(label) > limit) error(ctx, 'FILESYSTEM_LABEL_TOO_LONG', path, limit, format);
}

/** Filesystem.Validate: path, device, format, label, then the block-device-only fields. */
export function checkFilesystem(ctx: RuleContext, filesystem: Obj, path: ConfigPath): void {
  const mountPath = str(filesystem.path);
  if (mountPath !== undefined && mountPath !== '') {
    const problem = pathProblem(mountPath);
    if (problem !== undefined) error(ctx, problem, [...path, 'path']);
  }
  checkDevice(ctx, filesystem, [...path, 'device']);
  checkFormat(ctx, filesystem, [...path, 'format']);
  checkLabel(ctx, filesystem, [...path, 'label']);
  if (!isVirtiofs(ctx, filesystem)) return;
  if (notEmpty(filesystem.uuid)) error(ctx, 'VIRTIOFS_UUID', [...path, 'uuid']);
  if (isTrue(filesystem.wipeFilesystem)) error(ctx, 'VIRTIOFS_WIPE', [...path, 'wipeFilesystem']);
  if (items(filesystem.options).length > 0) error(ctx, 'VIRTIOFS_OPTIONS', [...path, 'options']);
}

/** Storage.Validate's filesystem part: a filesystem on a whole disk that is partitioned or wiped. */
export function checkFilesystemsAgainstDisks(ctx: RuleContext, storage: Obj): void {
  const disks = new Map<string, Obj>();
  for (const disk of items(storage.disks).map(obj)) disks.set(plainStr(disk.device), disk);
  items(storage.filesystems).forEach((value, i) => {
    const filesystem = obj(value);
    const disk = disks.get(plainStr(filesystem.device));
    if (disk === undefined) return;
    const at = ['storage', 'filesystems', i, 'device'];
    if (items(disk.partitions).length > 0) warn(ctx, 'FILESYSTEM_OVERWRITES_PARTITIONED', at);
    else if (!isTrue(filesystem.wipeFilesystem) && isTrue(disk.wipeTable)) warn(ctx, 'FILESYSTEM_ON_WIPED_DISK', at);
  });
}
