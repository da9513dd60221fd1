// Filesystems (ignition-spec.md §10.3): reuse an existing one that matches type, label and UUID
// when no wipe is asked for, refuse any other signature, else wipefs and the format's mkfs.
import { entry, type ConfigPath } from '../../report.ts';
import type { Tools } from '../../system/distro.ts';
import { probe, settle, waitForDevice, type DeviceContext } from '../../system/devices.ts';
import { isTrue, notEmpty, type FilesystemSpec } from './spec.ts';
import { step } from './step.ts';

/** Formats that live on a block device; virtiofs names a host share and is only mounted. */
export const BLOCK_FORMATS = ['ext4', 'btrfs', 'xfs', 'vfat', 'swap', 'none'] as const;

export function isBlockFilesystem(fs: FilesystemSpec): boolean {
  return (BLOCK_FORMATS as readonly string[]).includes(fs.format ?? '');
}

/** UUIDs compare case-insensitively; vfat serials (XXXX-XXXX) without their dash. */
function sameUuid(format: string, a: string, b: string): boolean {
  const norm = (u: string) => (format === 'vfat' ? u.replace(/-/g, '') : u).toLowerCase();
  return norm(a) === norm(b);
}

/** Whether a probed signature satisfies the entry, so mkfs can be skipped. */
export function matchesExisting(fs: FilesystemSpec, found: Record<string, string>): boolean {
  const format = fs.format ?? '';
  if (format === 'none') return found.TYPE === undefined;
  if (found.TYPE !== format) return false;
  if (notEmpty(fs.label) && found.LABEL !== fs.label) return false;
  if (notEmpty(fs.uuid) && !sameUuid(format, fs.uuid, found.UUID ?? '')) return false;
  return true;
}

/** The mkfs command for a format (none: nothing to run). */
export function mkfsCommand(tools: Tools, fs: FilesystemSpec, device: string): [string, string[]] | undefined {
  const options = fs.options ?? [];
  const uuid = notEmpty(fs.uuid) ? fs.uuid : undefined;
  const label = notEmpty(fs.label) ? fs.label : undefined;
  const tail = (uuidFlag: string[], labelFlag: string) => [...uuidFlag, ...(label === undefined ? [] : [labelFlag, label]), device];
  switch (fs.format) {
    case 'ext4':
      return [tools.mkfsExt4, [...options, '-F', ...tail(uuid === undefined ? [] : ['-U', uuid], '-L')]];
    case 'btrfs':
      return [tools.mkfsBtrfs, [...options, '--force', ...tail(uuid === undefined ? [] : ['-U', uuid], '-L')]];
    case 'xfs':
      return [tools.mkfsXfs, [...options, '-f', ...tail(uuid === undefined ? [] : ['-m', `uuid=${uuid}`], '-L')]];
    case 'swap':
      return [tools.mkswap, [...options, '-f', ...tail(uuid === undefined ? [] : ['-U', uuid], '-L')]];
    case 'vfat':
      return [tools.mkfsFat, [...options, ...tail(uuid === undefined ? [] : ['-i', uuid.replace(/-/g, '')], '-n')]];
    default:
      return undefined;
  }
}

export async function createFilesystem(ctx: DeviceContext, fs: FilesystemSpec, path: ConfigPath): Promise<void> {
  const node = await waitForDevice(ctx, fs.device, [...path, 'device']);
  await step(ctx.log, 'creating filesystem', fs.device, path, async () => {
    if (!isTrue(fs.wipeFilesystem)) {
      const found = await probe(ctx, node, path);
      if (matchesExisting(fs, found)) {
        ctx.log.info(`filesystem at "${fs.device}" is already correctly formatted. Skipping mkfs...`);
        return;
      }
      if (found.TYPE !== undefined) {
        throw entry('error', 'FILESYSTEM_MISMATCH', path, fs.device, found.TYPE, found.LABEL ?? '', found.UUID ?? '');
      }
    }
    await ctx.exec(ctx.tools.wipefs, ['-a', node], { path });
    const command = mkfsCommand(ctx.tools, fs, node);
    if (command !== undefined) await ctx.exec(command[0], command[1], { path });
    // Where udev runs, the new label and UUID links appear only after it processed the change.
    await settle(ctx);
  });
}
