// Temp files created ahead of their turn. Creating a file (openat with O_CREAT|O_EXCL) is the files
// stage's costliest syscall: about 300 µs of kernel time each on ext4 for a thousand-file config,
// made one after another by upstream and by the sequential stage alike. While nodes.ts writes one
// plain file, it asks here for the temp files of the next few; those opens run on libuv's thread
// pool, on another core, and writeAtomic takes the descriptor when the node's turn comes.
//
// Only the empty temp file is made early, with the same flags and mode as writeAtomic's own open.
// The content, owner, mode, journal record, rename and log line all stay in plan order on the main
// thread, so a node opened ahead is invisible until its turn: the tree, the log, the journal and
// the rollback are those of the sequential run. A temp file that is not taken (its node failed,
// or one before it did, or its turn went another way) is closed and unlinked; one left by a killed
// run is swept on resume like any other temp file. An open that fails leaves nothing to take, and
// writeAtomic opens the file itself, meeting the same error or stale file it always would.

import { closeSync, open, unlinkSync } from 'node:fs';

/** Temp files in flight at most; 0 writes every file the sequential way. */
const DEFAULT_DEPTH = 4;

let depth = DEFAULT_DEPTH;

/** How many temp files nodes.ts keeps opened ahead. */
export function openAheadDepth(): number {
  return depth;
}

/** Sets the depth (tests compare 0 with the default); undefined restores the default. */
export function setOpenAheadDepth(n: number | undefined): void {
  depth = n ?? DEFAULT_DEPTH;
}

/** Pending opens by temp path: the descriptor, or null when the open failed. */
const opened = new Map<string, Promise<number | null>>();

/** Starts creating `temp` (O_CREAT|O_EXCL, 0600) on the thread pool. */
export function openAhead(temp: string): void {
  if (opened.has(temp)) return;
  opened.set(temp, new Promise((resolve) => open(temp, 'wx', 0o600, (error, fd) => resolve(error === null ? fd : null))));
}

/** The descriptor of `temp` if it was opened ahead; null when it was not, or its open failed. */
export async function takeOpened(temp: string): Promise<number | null> {
  const pending = opened.get(temp);
  if (pending === undefined) return null;
  opened.delete(temp);
  return pending;
}

/** Closes and removes `temp` if it was opened ahead and nobody took it. */
export async function dropOpened(temp: string): Promise<void> {
  const fd = await takeOpened(temp);
  if (fd === null) return;
  closeSync(fd);
  try {
    unlinkSync(temp);
  } catch {
    // Already gone: nothing of it is left to undo.
  }
}

/** dropOpened for every temp file still opened ahead. */
export async function dropAllOpened(): Promise<void> {
  for (const temp of [...opened.keys()]) await dropOpened(temp);
}
