// Config drives: filesystems found by label (config-2, cidata, ...) or by type (Azure's custom-data
// CD-ROM), mounted read-only in a fresh directory while one file is read, then unmounted. Without
// udev there are no /dev/disk/by-label links, so blkid probes the devices (system/devices.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir, mkdtemp, readFile, rmdir } from '../system/fs-async.ts';
import { entry } from '../report.ts';
import { findByTag } from '../system/devices.ts';
import type { ProviderContext } from './types.ts';

export const CONFIG_DRIVE_LABELS = ['config-2', 'CONFIG-2'] as const;
export const NOCLOUD_LABELS = ['cidata', 'CIDATA'] as const;
const POLL_MS = 1_000;

/** The device node carrying one of `labels`, or undefined when none is attached (yet). */
export async function findDrive(ctx: ProviderContext, labels: readonly string[]): Promise<string | undefined> {
  for (const label of labels) {
    const link = join(ctx.sysRoot, 'dev/disk/by-label', label);
    if (existsSync(link)) return link;
    const found = await findByTag(ctx.device, 'LABEL', label);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Devices whose filesystem is one of `types` (blkid TYPE), for drives that have no fixed label. */
export async function findByFilesystem(ctx: ProviderContext, types: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const type of types) {
    const result = await ctx.device.exec(ctx.device.tools.blkid, ['-c', '/dev/null', '-o', 'device', '-t', `TYPE=${type}`], { reject: false });
    if (result.exitCode !== 0) continue;
    for (const line of result.stdout.split('\n')) if (line.trim() !== '' && !out.includes(line.trim())) out.push(line.trim());
  }
  return out;
}

/** Mounts `device` read-only, runs `read` on the mount point, and always unmounts. */
export async function withMounted<T>(ctx: ProviderContext, device: string, fsType: string, read: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(ctx.mountDir, { recursive: true });
  const dir = await mkdtemp(join(ctx.mountDir, 'kindling-drive-'));
  try {
    const mounted = await ctx.device.exec(ctx.device.tools.mount, ['-o', 'ro', '-t', fsType, device, dir], { reject: false });
    if (mounted.exitCode !== 0) {
      throw entry('error', 'CONFIG_DRIVE_FAILED', undefined, device, `mount failed: ${mounted.stderr.trim()}`);
    }
    try {
      return await read(dir);
    } finally {
      await ctx.device.exec(ctx.device.tools.umount, [dir], { reject: false });
    }
  } finally {
    await rmdir(dir).catch(() => {});
  }
}

/** A file's bytes, or undefined when it does not exist. */
export async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export type DriveRead = { found: false } | { found: true; device: string; data: Buffer | undefined };

/** Mounts the drive labelled with one of `labels` (if attached) and reads `files` in order; the first present wins. */
export async function readFromDrive(ctx: ProviderContext, labels: readonly string[], files: readonly string[]): Promise<DriveRead> {
  const device = await findDrive(ctx, labels);
  if (device === undefined) return { found: false };
  const data = await withMounted(ctx, device, 'auto', async (dir) => {
    for (const file of files) {
      const bytes = await readIfPresent(join(dir, file));
      if (bytes !== undefined) return bytes;
    }
    return undefined;
  });
  return { found: true, device, data };
}

/**
 * Polls for a labelled drive every second until it appears or `timeoutMs` passes (Infinity: wait
 * forever, as PowerVS and Nutanix do) or `stop()` says another source already answered.
 */
export async function waitForDrive(
  ctx: ProviderContext,
  labels: readonly string[],
  files: readonly string[],
  timeoutMs: number,
  stop: () => boolean = () => false,
): Promise<DriveRead> {
  const deadline = ctx.fetch.now() + timeoutMs;
  for (;;) {
    const read = await readFromDrive(ctx, labels, files);
    if (read.found || stop() || ctx.fetch.now() >= deadline) return read;
    await ctx.fetch.sleep(POLL_MS);
  }
}
