// Sparse disk images attached as loop devices for the privileged tests, and the clean-up that
// must run whatever a test did: unmount below the scratch dir, stop arrays, close LUKS mappings,
// drop partition nodes and detach every loop device.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, hasLoopDevices, isRoot } from '../helpers/env.ts';
import { runSync } from '../helpers/process.ts';

export const loopAvailable = isRoot && hasLoopDevices && ['losetup', 'partx', 'sgdisk', 'blkid', 'wipefs'].every(hasCommand);
export const mdAvailable = existsSync('/proc/mdstat') && hasCommand('mdadm');
// /dev/mapper/control alone proves nothing: libdevmapper creates that node even when the kernel
// has no device-mapper, so ask the kernel's list of misc devices.
export const dmAvailable = hasMiscDevice('device-mapper') && hasCommand('cryptsetup');

function hasMiscDevice(name: string): boolean {
  try {
    return readFileSync('/proc/misc', 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1] === name);
  } catch {
    return false;
  }
}

export interface Scratch {
  dir: string;
  loops: string[];
  arrays: string[];
  mappings: string[];
}

export function newScratch(): Scratch {
  return { dir: mkdtempSync(join(tmpdir(), 'kindling-priv-')), loops: [], arrays: [], mappings: [] };
}

/** A short random tag so labels never collide with other test files probing at the same time. */
export function uniqueTag(): string {
  return Math.random().toString(36).slice(2, 8);
}

export function makeImage(scratch: Scratch, name: string, mib: number): string {
  const image = join(scratch.dir, name);
  writeFileSync(image, '');
  truncateSync(image, mib * 1024 * 1024);
  return image;
}

export function attach(scratch: Scratch, image: string): string {
  const device = runSync('losetup', ['-f', '--show', '-P', image], { check: true }).stdout.trim();
  scratch.loops.push(device);
  return device;
}

export function detach(scratch: Scratch, device: string): void {
  runSync('partx', ['-d', device]);
  runSync('losetup', ['-d', device]);
  scratch.loops = scratch.loops.filter((d) => d !== device);
}

export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Mount points under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export function cleanUp(scratch: Scratch): void {
  for (const point of mountsUnder(scratch.dir)) runSync('umount', ['-l', point]);
  for (const name of scratch.mappings) runSync('cryptsetup', ['close', name]);
  for (const array of scratch.arrays) runSync('mdadm', ['--stop', array]);
  for (const device of [...scratch.loops]) detach(scratch, device);
  rmSync(scratch.dir, { recursive: true, force: true });
}

export function blkid(device: string): Record<string, string> {
  const result = runSync('blkid', ['-p', '-o', 'export', device]);
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** Start and size of a partition in 512-byte units as the kernel sees it. */
export function kernelGeometry(partition: string): { start: number; size: number } | undefined {
  const name = partition.replace('/dev/', '');
  if (!existsSync(`/sys/class/block/${name}`)) return undefined;
  const read = (f: string) => Number(readFileSync(`/sys/class/block/${name}/${f}`, 'utf8').trim());
  return { start: read('start'), size: read('size') };
}

/** `sgdisk --info=N` on the image or device: start and size in sectors, name, GUIDs. */
export function sgdiskInfo(disk: string, n: number): { start: number; size: number; name: string; type: string; guid: string } | undefined {
  const out = runSync('sgdisk', [`--info=${n}`, disk], { check: true }).stdout;
  if (/does not exist/.test(out)) return undefined;
  const field = (name: string) => new RegExp(`^${name}: (\\S+)`, 'm').exec(out)?.[1] ?? '';
  return {
    start: Number(field('First sector')),
    size: Number(field('Partition size')),
    name: /^Partition name: '(.*)'$/m.exec(out)?.[1] ?? '',
    type: field('Partition GUID code'),
    guid: field('Partition unique GUID'),
  };
}
