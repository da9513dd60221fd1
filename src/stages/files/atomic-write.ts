// The files stage's only ways of creating nodes: parents made 0755 root:root one component at a
// time (never through a symlink), and content written to a temp file in the target's directory,
// then renamed over the target. Temp names derive from the target so a rerun reuses and clears them.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { ProvisionError } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { isInsideRoot } from '../../system/path.ts';
import type { ResourceContents } from '../context.ts';

export const TEMP_PREFIX = '.kindling-tmp-';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The temp name for `target`: fixed per target, short enough for any basename. */
export function tempPathFor(target: string): string {
  const digest = createHash('sha256').update(basename(target)).digest('hex').slice(0, 20);
  return join(dirname(target), TEMP_PREFIX + digest);
}

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** chown is root-only; unprivileged unit tests create everything as themselves. */
export async function chownRoot(path: string): Promise<void> {
  if (isRoot) await chown(path, 0, 0);
}

/**
 * Creates every missing directory between root and `dir` (0755, root:root). An existing component
 * that is a symlink or not a directory is an error: resolution already followed the links, so one
 * appearing here means the tree changed under us and following it could leave the root.
 */
export async function mkdirParents(root: string, dir: string): Promise<string[]> {
  if (!isInsideRoot(root, dir)) {
    throw new ProvisionError({ code: 'PATH_ESCAPES_ROOT', message: messageFor('PATH_ESCAPES_ROOT', dir) });
  }
  const created: string[] = [];
  const rel = dir.slice(root.length).split(sep).filter((part) => part !== '');
  let current = root;
  for (const part of rel) {
    current = join(current, part);
    const stat = await lstatOrNull(current);
    if (stat === null) {
      try {
        await mkdir(current);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error;
        continue;
      }
      await chmod(current, 0o755);
      await chownRoot(current);
      created.push(current);
    } else if (!stat.isDirectory()) {
      throw new ProvisionError({
        code: 'FILES_STEP_FAILED',
        message: messageFor('FILES_STEP_FAILED', 'creating parent directories', `${current} is not a directory`),
      });
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
  /** Called with the content digest just before the rename makes the file visible. */
  beforeRename?: (sha256: string) => Promise<void>;
}

/** Writes through a temp file and renames it over the target. Returns the sha256 of the content. */
export async function writeAtomic(spec: WriteSpec): Promise<string> {
  const temp = tempPathFor(spec.target);
  await rm(temp, { force: true, recursive: true });
  const hash = createHash('sha256');
  const handle = await open(temp, 'wx', 0o600);
  try {
    for await (const piece of spec.pieces()) {
      if (Buffer.isBuffer(piece)) {
        hash.update(piece);
        await handle.write(piece);
      } else {
        for await (const chunk of createReadStream(piece.file)) {
          hash.update(chunk as Buffer);
          await handle.write(chunk as Buffer);
        }
      }
    }
  } finally {
    await handle.close();
  }
  const keep = spec.keepOwnerFrom;
  if (keep !== undefined) {
    if (isRoot) await chown(temp, keep.uid, keep.gid);
    await chmod(temp, keep.mode & 0o7777);
  } else {
    await chownRoot(temp);
    await chmod(temp, spec.mode);
  }
  const digest = hash.digest('hex');
  await spec.beforeRename?.(digest);
  await rename(temp, spec.target);
  return digest;
}

/** sha256 of a regular file's content. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Removes temp files a killed run left in `dir`. */
export async function sweepTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX)) await unlink(join(dir, name)).catch(() => undefined);
  }
}
