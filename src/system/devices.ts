// Block devices without udev: waiting for nodes, registering partitions with the kernel (partx,
// BLKPG), resolving /dev/disk/by-* names by probing when udev made no links, reading sysfs.
// Upstream waits on systemd device units and `udevadm settle`; initramfs and test hosts here
// may have neither, and our kernels lack partition-table parsers, so nothing appears by itself.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { entry, type ConfigPath } from '../report.ts';
import type { Exec } from './exec.ts';
import type { Logger } from './log.ts';
import type { Tools } from './distro.ts';

export interface DeviceContext {
  exec: Exec;
  log: Logger;
  tools: Tools;
}

const POLL_MS = 100;
export const DEVICE_TIMEOUT_MS = 30_000;

const BY_TAG: Record<string, string> = {
  'by-label': 'LABEL',
  'by-partlabel': 'PARTLABEL',
  'by-uuid': 'UUID',
  'by-partuuid': 'PARTUUID',
};

/** udev escapes characters outside [A-Za-z0-9#+-.:=@_] in link names as \xHH. */
export function decodeUdevName(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The blkid tag a /dev/disk/by-* path stands for, e.g. PARTLABEL=root; undefined for other paths. */
export function tagForPath(path: string): { tag: string; value: string } | undefined {
  const m = /^\/dev\/disk\/(by-[a-z]+)\/([^/]+)$/.exec(path);
  if (m === null) return undefined;
  const tag = BY_TAG[m[1] ?? ''];
  if (tag === undefined) return undefined;
  // udev names the links with the values exactly as blkid reports them (vfat serials upper case).
  return { tag, value: decodeUdevName(m[2] ?? '') };
}

function udevRunning(): boolean {
  return existsSync('/run/udev/control');
}

/** Lets udev finish processing events where it runs; without udev there is nothing to wait for. */
export async function settle(ctx: DeviceContext): Promise<void> {
  if (!udevRunning()) return;
  await ctx.exec(ctx.tools.udevadm, ['settle'], { reject: false });
}

export function isBlockDevice(path: string): boolean {
  try {
    return statSync(path).isBlockDevice();
  } catch {
    return false;
  }
}

function sysfsDir(device: string): string | undefined {
  try {
    const dir = `/sys/class/block/${basename(realpathSync(device))}`;
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Logical sector size of a block device; image files are treated as 512-byte-sector disks. */
export function logicalSectorSize(device: string): number {
  const dir = sysfsDir(device);
  for (const candidate of dir === undefined ? [] : [`${dir}/queue/logical_block_size`, `${dir}/../queue/logical_block_size`]) {
    try {
      const size = Number(readFileSync(candidate, 'utf8').trim());
      if (size > 0) return size;
    } catch {
      // Partitions have no queue directory of their own; the parent's applies.
    }
  }
  return 512;
}

/** Start and size in 512-byte units as the kernel sees partition `number` of `disk`. */
function kernelPartition(disk: string, number: number): { start: number; size: number } | undefined {
  const dir = sysfsDir(disk);
  if (dir === undefined) return undefined;
  for (const name of readdirSync(dir)) {
    try {
      if (Number(readFileSync(`${dir}/${name}/partition`, 'utf8').trim()) !== number) continue;
      return {
        start: Number(readFileSync(`${dir}/${name}/start`, 'utf8').trim()),
        size: Number(readFileSync(`${dir}/${name}/size`, 'utf8').trim()),
      };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Numbers of the partitions the kernel knows on `disk`. */
function kernelPartitionNumbers(disk: string): number[] {
  return [...partitionsOf(disk).keys()].sort((a, b) => a - b);
}

/** A partition as the kernel should see it: start and size in 512-byte units. */
export interface KernelPartition {
  number: number;
  start: number;
  size: number;
}

/**
 * Makes the kernel's partitions of `disk` equal `table` with BLKPG (partx), one number at a time.
 * sgdisk's reread request (BLKRRPART) makes a kernel without table parsers drop every partition
 * of a loop device, and a busy disk refuses it, so the whole table is synced, not just the
 * changed entries. Failures are only logged, as upstream does; the caller checks the result.
 */
async function syncPartitions(ctx: DeviceContext, disk: string, table: readonly KernelPartition[]): Promise<void> {
  if (!isBlockDevice(disk)) return;
  const run = async (args: string[]) => {
    const result = await ctx.exec(ctx.tools.partx, args, { reject: false });
    if (result.exitCode !== 0) ctx.log.info(`partx ${args.join(' ')} failed (ignored): ${result.stderr.trim()}`);
  };
  const known = new Set(kernelPartitionNumbers(disk));
  for (const n of known) {
    const wanted = table.find((p) => p.number === n);
    const seen = kernelPartition(disk, n);
    if (wanted === undefined || seen === undefined || seen.start !== wanted.start || seen.size !== wanted.size) {
      await run(['--delete', '--nr', `${n}:${n}`, disk]);
      known.delete(n);
    }
  }
  for (const p of table) if (!known.has(p.number)) await run(['--add', '--nr', `${p.number}:${p.number}`, disk]);
  await settle(ctx);
}

/**
 * Syncs until the kernel agrees with `table` or `timeoutMs` passes. BLKPG refuses to drop a
 * partition that someone holds open (a concurrent blkid probe is enough: coreos/ignition#2234),
 * so a failed pass is retried instead of failing the stage.
 */
export async function syncPartitionsUntilMatch(
  ctx: DeviceContext,
  disk: string,
  table: readonly KernelPartition[],
  timeoutMs = 10_000,
): Promise<boolean> {
  if (!isBlockDevice(disk)) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await syncPartitions(ctx, disk, table);
    if (kernelMatches(disk, table)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 4 * POLL_MS));
  }
}

/** True when the kernel's partitions of `disk` are exactly `table`. */
function kernelMatches(disk: string, table: readonly KernelPartition[]): boolean {
  const numbers = kernelPartitionNumbers(disk);
  if (numbers.length !== table.length) return false;
  return table.every((p) => {
    const seen = kernelPartition(disk, p.number);
    return seen !== undefined && seen.start === p.start && seen.size === p.size;
  });
}

/** Returns the device node `tag=value` resolves to, probing every block device (no cache). */
export async function findByTag(ctx: DeviceContext, tag: string, value: string): Promise<string | undefined> {
  const result = await ctx.exec(ctx.tools.blkid, ['-c', '/dev/null', '-o', 'device', '-t', `${tag}=${value}`], { reject: false });
  if (result.exitCode !== 0) return undefined;
  return result.stdout.split('\n').map((l) => l.trim()).find((l) => l !== '');
}

/** Probes a device's superblock: TYPE, LABEL, UUID, ... (empty when blkid finds nothing). */
export async function probe(ctx: DeviceContext, device: string, path?: ConfigPath): Promise<Record<string, string>> {
  const result = await ctx.exec(ctx.tools.blkid, ['-p', '-o', 'export', device], { reject: false, path });
  // blkid exits 2 when it finds no signature.
  if (result.exitCode === 2) return {};
  if (result.exitCode !== 0) {
    throw entry('error', 'DISKS_STEP_FAILED', path, `probing "${device}"`, `blkid exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  const fields: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

/** A missing /dev/loop0p2 or /dev/sda2 whose disk exists: ask the kernel to add that one slot. */
async function registerPartitionNode(ctx: DeviceContext, path: string): Promise<void> {
  const m = /^(\/dev\/.*\d)p(\d+)$/.exec(path) ?? /^(\/dev\/[a-z]+)(\d+)$/.exec(path);
  if (m === null || !isBlockDevice(m[1] ?? '')) return;
  await ctx.exec(ctx.tools.partx, ['--add', '--nr', `${m[2]}:${m[2]}`, m[1] ?? ''], { reject: false });
}

/**
 * Waits until `device` can be opened and returns the node to use: the path itself when it exists,
 * otherwise (for /dev/disk/by-* names that udev would have linked) the node blkid finds.
 */
export async function waitForDevice(
  ctx: DeviceContext,
  device: string,
  path: ConfigPath,
  timeoutMs = DEVICE_TIMEOUT_MS,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const tag = tagForPath(device);
  let registered = false;
  for (;;) {
    if (existsSync(device)) return realpathSync(device);
    if (tag !== undefined) {
      const found = await findByTag(ctx, tag.tag, tag.value);
      if (found !== undefined && existsSync(found)) return found;
    } else if (!registered) {
      registered = true;
      await registerPartitionNode(ctx, device);
      continue;
    }
    if (Date.now() >= deadline) throw entry('error', 'DEVICE_TIMEOUT', path, device, Math.round(timeoutMs / 1000));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Names (sda, loop0p1, dm-0) of block devices that are mounted, used as swap, or held by another device. */
export function activeBlockDevices(): Set<string> {
  const active = new Set<string>();
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const majmin = line.split(' ')[2];
      if (majmin === undefined || majmin.startsWith('0:')) continue;
      try {
        active.add(basename(realpathSync(`/sys/dev/block/${majmin}`)));
      } catch {
        continue;
      }
    }
  } catch {
    // No /proc: nothing can be shown to be mounted.
  }
  try {
    for (const line of readFileSync('/proc/swaps', 'utf8').split('\n').slice(1)) {
      const dev = line.split(/\s+/)[0];
      if (dev !== undefined && dev.startsWith('/dev/') && existsSync(dev)) active.add(basename(realpathSync(dev)));
    }
  } catch {
    // No swap information.
  }
  try {
    for (const name of readdirSync('/sys/class/block')) {
      try {
        if (readdirSync(`/sys/class/block/${name}/holders`).length > 0) active.add(name);
      } catch {
        continue;
      }
    }
  } catch {
    // No sysfs.
  }
  return active;
}

/** The kernel name of a device node, e.g. /dev/disk/by-label/x -> loop0p1. */
export function kernelName(device: string): string {
  try {
    return basename(realpathSync(device));
  } catch {
    return basename(device);
  }
}

/** Kernel names of the partitions of `disk` with their numbers. */
export function partitionsOf(disk: string): Map<number, string> {
  const dir = sysfsDir(disk);
  const found = new Map<number, string>();
  if (dir === undefined) return found;
  for (const name of readdirSync(dir)) {
    try {
      found.set(Number(readFileSync(`${dir}/${name}/partition`, 'utf8').trim()), name);
    } catch {
      continue;
    }
  }
  return found;
}

/** The fields of a filesystem entry that decide whether and where it is mounted. */
export interface MountableFilesystem {
  device: string;
  format?: string | null | undefined;
  path?: string | null | undefined;
  mountOptions?: string[] | null | undefined;
}

const UNMOUNTABLE = new Set(['', 'swap', 'none']);

/**
 * Filesystems the mount stage mounts, shallowest path first (stable for equal depth), with their
 * config index; the umount stage walks the same list backwards.
 */
export function mountOrder<T extends MountableFilesystem>(filesystems: readonly T[]): { fs: T; index: number }[] {
  const depth = (p: string) => p.split('/').filter((c) => c !== '').length;
  return filesystems
    .map((fs, index) => ({ fs, index }))
    .filter(({ fs }) => (fs.path ?? '') !== '' && !UNMOUNTABLE.has(fs.format ?? ''))
    .sort((a, b) => depth(a.fs.path ?? '') - depth(b.fs.path ?? ''));
}

/** Mount points currently in the mount table, with octal escapes (\040 for space) decoded. */
export function mountPoints(): Set<string> {
  const points = new Set<string>();
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const field = line.split(' ')[4];
      if (field !== undefined) points.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
    }
  } catch {
    // No /proc: nothing is known to be mounted.
  }
  return points;
}
