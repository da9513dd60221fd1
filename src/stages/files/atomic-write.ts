// The files stage's only ways of creating nodes: parents made 0755 root:root (never through a
// symlink), and content written to a temp file beside the target, then renamed over it. Temp names
// derive from the target so a rerun reuses and clears them.

// Syscalls are synchronous on purpose: the stage is sequential, and a thread-pool round trip per
// syscall made it several times slower than upstream on a loaded machine.

import {
  chmodSync, chownSync, closeSync, fchmodSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, readdirSync,
  renameSync, rmSync, unlinkSync, writeSync, type BigIntStats, type Stats,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { ProvisionError } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { childPath, isCleanAbsolute, isInsideRoot, resolveInRoot } from '../../system/path.ts';
import type { ResourceContents } from '../context.ts';
import { isRoot } from '../../system/identity.ts';

export const TEMP_PREFIX = '.kindling-tmp-';

/** The temp name for `target`: fixed per target, short enough for any basename. */
export function tempPathFor(target: string): string {
  return besideTarget(target, TEMP_PREFIX);
}

/** A fixed name beside `target` (same directory, so the same filesystem for rename and link). */
export function besideTarget(target: string, prefix: string): string {
  return childPath(dirname(target), prefix + nameDigest(basename(target)));
}

/**
 * 64 bits of a name as 16 hex digits: two 32-bit FNV-1a lanes with different primes over its UTF-16
 * code units. Names only need to differ within one directory, so no cryptographic hash is needed,
 * and node:crypto stays unloaded in a stage that hashes nothing else (src/warm.ts says why).
 */
export function nameDigest(name: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * What identifies the content of a file this stage wrote: its size and modification time (to the
 * nanosecond where the filesystem keeps them). A rename keeps both, and so do the chown and chmod
 * that follow it; writing the file changes the time. A resumed run takes a file whose stamp is the
 * journalled one as its own. The inode number is left out: some filesystems (vfat) number inodes
 * afresh at each mount, and a resume may follow a reboot.
 */
export function contentStamp(stat: BigIntStats): string {
  return `${stat.size}:${stat.mtimeNs}`;
}

/** The content stamp of the regular file at `path`, or undefined when it is anything else or absent. */
export function fileStamp(path: string): string | undefined {
  const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  return stat?.isFile() === true ? contentStamp(stat) : undefined;
}

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function lstatOrNull(path: string): Stats | null {
  return lstatSync(path, { throwIfNoEntry: false }) ?? null;
}

/** chown is root-only; unprivileged unit tests create everything as themselves. */
export function chownRoot(path: string): void {
  if (isRoot()) chownSync(path, 0, 0);
}

/** Directories known to exist as real directories; cleared whenever the stage removes a node. */
const knownDirs = new Set<string>();

/**
 * Clean config directories (under `parentsRoot`) whose resolution ended in a known directory, with
 * that host path. Nothing on such a way is missing, so only a removal, which clears both, can
 * change where it leads.
 */
const knownParents = new Map<string, string>();
let parentsRoot = '';

export function forgetKnownDirs(): void {
  knownDirs.clear();
  knownParents.clear();
}

/**
 * resolveInRoot sharing the known directories: a run resolves a thousand paths below the same few
 * directories, and each lookup would otherwise lstat every parent again. A clean path below a
 * known parent is that parent's host path and its name: the last component is not followed.
 */
export async function resolveNode(root: string, path: string, options: { followLast?: boolean } = {}): Promise<string> {
  const cut = path.lastIndexOf('/');
  if (options.followLast === true || cut <= 0 || !isCleanAbsolute(path) || !root.startsWith(sep)) {
    return resolveInRoot(root, path, { ...options, knownDirs });
  }
  if (root !== parentsRoot) {
    knownParents.clear();
    parentsRoot = root;
  }
  const dir = path.slice(0, cut);
  let parent = knownParents.get(dir);
  if (parent === undefined || !knownDirs.has(parent)) {
    parent = await resolveInRoot(root, dir, { followLast: true, knownDirs });
    if (knownDirs.has(parent)) knownParents.set(dir, parent);
  }
  return childPath(parent, path.slice(cut + 1));
}

/** Removes whatever is at `path`, recursively. */
export function removeNode(path: string): void {
  forgetKnownDirs();
  rmSync(path, { recursive: true, force: true });
}

/**
 * Creates every missing directory between root and `dir` (0755, root:root). An existing component
 * that is a symlink or not a directory is an error: resolution already followed the links, so one
 * appearing here means the tree changed under us and following it could leave the root.
 * `beforeCreate` hears of each directory before it is made (the journal's undo record).
 */
export function mkdirParents(root: string, dir: string, beforeCreate?: (host: string) => void): string[] {
  if (!isInsideRoot(root, dir)) {
    throw new ProvisionError({ code: 'PATH_ESCAPES_ROOT', message: messageFor('PATH_ESCAPES_ROOT', dir) });
  }
  const created: string[] = [];
  if (knownDirs.has(dir)) return created;
  const rel = dir.slice(root.length).split(sep).filter((part) => part !== '');
  let current = root;
  for (const part of rel) {
    current = join(current, part);
    if (knownDirs.has(current)) continue;
    const stat = lstatOrNull(current);
    if (stat === null) {
      beforeCreate?.(current);
      try {
        mkdirSync(current);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error;
        continue;
      }
      chmodSync(current, 0o755);
      chownRoot(current);
      created.push(current);
      knownDirs.add(current);
    } else if (!stat.isDirectory()) {
      throw new ProvisionError({
        code: 'FILES_STEP_FAILED',
        message: messageFor('FILES_STEP_FAILED', 'creating parent directories', `${current} is not a directory`),
      });
    } else {
      knownDirs.add(current);
    }
  }
  return created;
}

export interface WriteSpec {
  /** Where the finished file goes (already resolved inside the root). */
  target: string;
  /** Produces the pieces of content in order; called after the temp file exists. */
  pieces: () => AsyncIterable<ResourceContents>;
  /** Permission bits of the new file before the caller applies owner and mode. */
  mode: number;
  /** Copy owner and mode from an existing file instead of root:root and `mode`. */
  keepOwnerFrom?: { uid: number; gid: number; mode: number };
  /** Called with the content stamp (contentStamp) just before the rename makes the file visible. */
  beforeRename?: (stamp: string) => Promise<void>;
}

const CHUNK = 1 << 20;

function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * One read buffer for the whole process: allocating 1 MiB per file read made the stage spend more
 * on allocation and garbage collection than on copying. Safe because reads are synchronous and
 * `each` consumes a chunk before the next read.
 */
let sharedBuffer: Buffer | undefined;

/** Calls `each` with successive chunks of a file, reusing one buffer. */
function readChunks(path: string, each: (chunk: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = (sharedBuffer ??= Buffer.allocUnsafe(CHUNK));
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      each(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes through a temp file and renames it over the target. Returns the content stamp. */
export async function writeAtomic(spec: WriteSpec): Promise<string> {
  const temp = tempPathFor(spec.target);
  // O_EXCL: a symlink planted at the temp name is never followed. Whatever a killed run left at
  // the temp name is cleared only when the create finds it, so the usual case costs no lstat.
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    const stale = lstatOrNull(temp);
    if (stale?.isDirectory() === true) removeNode(temp);
    else if (stale !== null) unlinkSync(temp);
    fd = openSync(temp, 'wx', 0o600);
  }
  let written = false;
  let stamp = '';
  try {
    for await (const piece of spec.pieces()) {
      if (Buffer.isBuffer(piece)) writeAll(fd, piece);
      else readChunks(piece.file, (chunk) => writeAll(fd, chunk));
    }
    const keep = spec.keepOwnerFrom;
    if (keep !== undefined) {
      if (isRoot()) fchownSync(fd, keep.uid, keep.gid);
      fchmodSync(fd, keep.mode & 0o7777);
    } else {
      if (isRoot()) fchownSync(fd, 0, 0);
      fchmodSync(fd, spec.mode);
    }
    stamp = contentStamp(fstatSync(fd, { bigint: true }));
    written = true;
  } finally {
    closeSync(fd);
    // A failed fetch or write leaves nothing behind; only a kill can, and a rerun clears that.
    if (!written) unlinkSync(temp);
  }
  await spec.beforeRename?.(stamp);
  renameSync(temp, spec.target);
  return stamp;
}

/** Removes temp files a killed run left in `dir`. */
export async function sweepTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Already gone, or not a plain file: the next write of that target replaces it.
    }
  }
}
