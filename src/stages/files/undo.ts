// Undo for the files stage. Before the run first touches a path it journals the state the path had:
// absent ("created": undo removes it), an original node kept as a backup beside it ("saved": undo
// renames the backup back), or only its owner and mode ("meta"). Backups are hard links or
// renames in the same directory, so saving costs no data blocks and works on a full filesystem;
// only the account databases, which shadow-utils may rewrite in place, are copied.
//
// Undo restores each path to its first recorded state, newest first, and is idempotent: a
// rollback killed half-way and run again from the journal ends in the same tree.

import {
  chmodSync, copyFileSync, lchownSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmdirSync,
  rmSync, symlinkSync, type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { relativeToRoot } from '../../system/path.ts';
import { describeError } from '../../system/log.ts';
import { besideTarget, forgetKnownDirs, lstatOrNull, mkdirParents, removeNode } from './atomic-write.ts';
import type { FilesRun } from './files-run.ts';
import { JOURNAL_PATH, type JournalRecord } from './journal.ts';
import { isRoot } from '../../system/identity.ts';

export const BACKUP_PREFIX = '.kindling-bak-';


function rel(r: FilesRun, host: string): string {
  return relativeToRoot(r.root, host);
}

/** The relative path to journal with new content at `host` when this is its first touch. */
export function firstTouch(r: FilesRun, host: string): string | undefined {
  const path = rel(r, host);
  return r.journal.touched(path) === 'full' ? undefined : path;
}

/** Before making a node at `host`, where there is none: undo removes it. */
export function recordCreated(r: FilesRun, host: string): void {
  const path = firstTouch(r, host);
  if (path !== undefined) r.journal.addSync({ kind: 'created', path });
}

/** mkdirParents with each new directory journalled first. */
export function makeParents(r: FilesRun, dir: string): void {
  const made = mkdirParents(r.root, dir, (host) => recordCreated(r, host));
  if (made.length > 0) r.created.push(...made);
}

/** Hard-link copy of a directory tree (directories made with the same owner and mode). */
function cloneTree(from: string, to: string, stat: Stats): void {
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const st = lstatSync(source);
    if (st.isDirectory()) cloneTree(source, join(to, name), st);
    else if (st.isSymbolicLink()) symlinkSync(readlinkSync(source), join(to, name));
    else linkSync(source, join(to, name));
  }
  if (isRoot()) lchownSync(to, stat.uid, stat.gid);
  chmodSync(to, stat.mode & 0o7777);
}

type How = 'link' | 'move' | 'copy' | 'clone';

function save(r: FilesRun, host: string, stat: Stats, how: How): void {
  const backup = besideTarget(host, BACKUP_PREFIX);
  // Not in this journal, so a leftover of an earlier run whose clean-up was cut short.
  if (lstatOrNull(backup) !== null) removeNode(backup);
  r.journal.addSync({ kind: 'saved', path: rel(r, host), backup: rel(r, backup) });
  if (how === 'move' || (how !== 'copy' && !stat.isFile() && !stat.isDirectory())) {
    renameSync(host, backup);
    forgetKnownDirs();
  } else if (how === 'clone' && stat.isDirectory()) {
    cloneTree(host, backup, stat);
  } else if (how === 'copy') {
    copyFileSync(host, backup);
    if (isRoot()) lchownSync(backup, stat.uid, stat.gid);
    chmodSync(backup, stat.mode & 0o7777);
  } else {
    linkSync(host, backup);
  }
}

/** Before renaming new content over `host`: the original (if any) stays reachable as a backup. */
export function preserve(r: FilesRun, host: string): void {
  const path = firstTouch(r, host);
  if (path === undefined) return;
  const stat = lstatOrNull(host);
  if (stat === null) r.journal.addSync({ kind: 'created', path });
  else save(r, host, stat, 'link');
}

/** Instead of removing the node at `host`: an original is moved aside, the run's own is removed. */
export function displace(r: FilesRun, host: string): void {
  const stat = lstatOrNull(host);
  if (stat === null) return;
  if (firstTouch(r, host) === undefined) removeNode(host);
  else save(r, host, stat, 'move');
}

/**
 * Before a tool changes `host` behind the stage's back: a copy for files rewritten in place
 * (shadow-utils' lastlog), a hard-link clone for a home a tool moves or empties.
 */
export function saveForTool(r: FilesRun, host: string, how: 'copy' | 'clone'): void {
  const path = firstTouch(r, host);
  if (path === undefined) return;
  const stat = lstatOrNull(host);
  if (stat === null) r.journal.addSync({ kind: 'created', path });
  else save(r, host, stat, how);
}

/** Before changing the owner or mode of a node the run did not make. */
export function recordMeta(r: FilesRun, host: string): void {
  const path = rel(r, host);
  if (r.journal.touched(path) !== undefined) return;
  const stat = lstatOrNull(host);
  if (stat === null) return;
  r.journal.addSync({ kind: 'meta', path, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 });
}

/**
 * The symlinks directly in `dir` and in its subdirectories (systemd's .wants/.requires links), with
 * those subdirectories: systemctl disable removes links, and a directory it empties, that the stage
 * cannot name in advance. Nodes this run made (or backed up) are left out: their own records undo them.
 */
export function recordLinks(r: FilesRun, dir: string): void {
  const links: [string, string][] = [];
  const dirs: [string, number, number, number][] = [];
  const ours = (host: string): boolean => host.slice(dirname(host).length + 1).startsWith('.kindling-') || r.journal.touched(rel(r, host)) === 'full';
  const scan = (d: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const host = join(d, name);
      const st = lstatOrNull(host);
      if (st === null || ours(host)) continue;
      if (st.isSymbolicLink()) links.push([rel(r, host), readlinkSync(host)]);
      else if (st.isDirectory() && depth > 0) {
        dirs.push([rel(r, host), st.mode & 0o7777, st.uid, st.gid]);
        scan(host, depth - 1);
      }
    }
  };
  scan(dir, 1);
  r.journal.addSync({ kind: 'links', links, dirs });
}

type FirstTouch = Extract<JournalRecord, { kind: 'created' | 'saved' | 'content' }>;

/** Restores one path to the state its first record describes. */
function undoPath(r: FilesRun, record: FirstTouch): void {
  const host = join(r.root, record.path ?? '');
  if (record.kind === 'saved') {
    const backup = join(r.root, record.backup);
    // No backup: restored by an earlier rollback, or the save never happened.
    if (lstatOrNull(backup) === null) return;
    if (lstatOrNull(host) !== null) rmSync(host, { recursive: true, force: true });
    renameSync(backup, host);
  } else {
    rmSync(host, { recursive: true, force: true });
  }
}

/**
 * Puts every path the journal describes back as it was, then deletes the journal and the
 * directories made for it. Returns how many records were undone. A step that fails is logged and
 * the rest still undone; the journal then stays, with its rollback record, so that the next run
 * finishes the rollback before it starts again.
 */
export async function rollBack(r: FilesRun): Promise<number> {
  const { log } = r.ctx;
  try {
    await r.journal.add({ kind: 'rollback' });
  } catch (error) {
    // A full or read-only filesystem: undo from memory; a kill now resumes forward instead.
    log.warning(`could not journal the rollback: ${describeError(error)}`);
  }
  forgetKnownDirs();
  const firsts = new Map<string, FirstTouch>();
  const metas: Extract<JournalRecord, { kind: 'meta' }>[] = [];
  const links: [string, string][] = [];
  const linkDirs: [string, number, number, number][] = [];
  for (const record of r.journal.records) {
    if (record.kind === 'created' || record.kind === 'saved' || (record.kind === 'content' && record.path !== undefined)) {
      const path = record.path as string;
      if (!firsts.has(path)) firsts.set(path, record);
    } else if (record.kind === 'meta') metas.push(record);
    else if (record.kind === 'links') {
      links.push(...record.links);
      linkDirs.push(...(record.dirs ?? []));
    }
  }
  let undone = 0;
  let failed = 0;
  const step = async (what: string, path: string, fn: () => void): Promise<void> => {
    try {
      await log.op(what, path, async () => fn());
      undone++;
    } catch {
      // Logged by op; the remaining steps still run.
      failed++;
    }
  };
  for (const record of [...firsts.values()].reverse()) {
    await step(record.kind === 'saved' ? 'rolling back: restoring' : 'rolling back: removing', record.path as string, () => undoPath(r, record));
  }
  for (const meta of metas.reverse()) {
    await step('rolling back: restoring owner and mode of', meta.path, () => {
      const host = join(r.root, meta.path);
      const st = lstatOrNull(host);
      if (st === null) return;
      if (isRoot()) lchownSync(host, meta.uid, meta.gid);
      if (!st.isSymbolicLink()) chmodSync(host, meta.mode);
    });
  }
  for (const [path, mode, uid, gid] of linkDirs) {
    const host = join(r.root, path);
    if (lstatOrNull(host) !== null) continue;
    await step('rolling back: restoring directory', path, () => {
      mkdirSync(host);
      if (isRoot()) lchownSync(host, uid, gid);
      chmodSync(host, mode);
    });
  }
  for (const [path, target] of links) {
    const host = join(r.root, path);
    if (firsts.has(path) || lstatOrNull(host) !== null) continue;
    await step('rolling back: restoring link', path, () => symlinkSync(target, host));
  }
  if (failed > 0) {
    log.err(`rollback incomplete: ${failed} steps failed; ${JOURNAL_PATH} stays so that the next run finishes the rollback`);
    return undone;
  }
  await r.journal.finish();
  for (const dir of [...(r.journal.start?.dirs ?? [])].reverse()) {
    try {
      rmdirSync(join(r.root, dir));
    } catch {
      // Not empty: something else lives there now.
    }
  }
  forgetKnownDirs();
  return undone;
}

/** After a successful run: the backups go, then the journal. */
export async function dropBackups(r: FilesRun): Promise<void> {
  for (const record of r.journal.records) {
    if (record.kind !== 'saved') continue;
    const backup = join(r.root, record.backup);
    if (lstatOrNull(backup) !== null) rmSync(backup, { recursive: true, force: true });
  }
}

/** Host paths of the journal's parent directories that do not exist yet, outermost first. */
export function missingDirs(root: string, dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; d !== root && d !== dirname(d) && lstatOrNull(d) === null; d = dirname(d)) missing.unshift(d);
  return missing;
}
