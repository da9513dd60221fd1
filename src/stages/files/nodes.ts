// storage.files, .directories and .links: each path resolved inside the root, entries processed
// shallowest first with hard links last, and every node made through atomic-write. A file's content
// is journalled before it becomes visible, so a resumed run recognises its own work.

import { chmodSync, linkSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { ProvisionError, type ConfigPath } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import type { Config, DirectoryEntry, FileEntry, LinkEntry, ResourceContents } from '../context.ts';
import { chownRoot, fileStamp, lstatOrNull, resolveNode, writeAtomic } from './atomic-write.ts';
import { stepError, type FilesRun } from './files-run.ts';
import { applyOwnerAndMode, resolveOwner } from './owners.ts';
import type { EarlyNode } from './tool-free-nodes.ts';
import { displace, firstTouch, makeParents, preserve, recordCreated, recordMeta } from './undo.ts';

export type Planned =
  | { kind: 'file'; entry: FileEntry; at: ConfigPath }
  | { kind: 'directory'; entry: DirectoryEntry; at: ConfigPath }
  | { kind: 'link'; entry: LinkEntry; at: ConfigPath };

/** The number of non-empty components of `path`, found separator to separator without splitting it. */
function depth(path: string): number {
  let n = 0;
  for (let start = 0; start < path.length; ) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (end > start) n++;
    start = end + 1;
  }
  return n;
}

/** Plans already made, per storage section: the plan step, the early writer and the run share one. */
const plans = new WeakMap<NonNullable<Config['storage']>, readonly Planned[]>();

/** Upstream's processing order: by depth (stable), hard links after everything else. */
export function planNodes(storage: Config['storage']): readonly Planned[] {
  if (storage == null) return [];
  let plan = plans.get(storage);
  if (plan === undefined) plans.set(storage, (plan = orderNodes(storage)));
  return plan;
}

function orderNodes(storage: NonNullable<Config['storage']>): Planned[] {
  const files = (storage.files ?? []).map((entry, i): Planned => ({ kind: 'file', entry, at: ['storage', 'files', i] }));
  const dirs = (storage.directories ?? []).map((entry, i): Planned => ({ kind: 'directory', entry, at: ['storage', 'directories', i] }));
  const links = (storage.links ?? []).map((entry, i): Planned => ({ kind: 'link', entry, at: ['storage', 'links', i] }));
  const all = [...files, ...dirs, ...links];
  // Sorted as (hard link?, depth, position) keys computed once: comparing entries by recomputed
  // depths showed in profiles of thousand-file configs. Array sort is stable, so equal keys keep
  // the config's order.
  const keys = all.map((p) => (p.kind === 'link' && p.entry.hard === true ? 1 << 20 : 0) + depth(p.entry.path));
  const order = all.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
  return order.map((i) => all[i] as Planned);
}

/** Go's filepath.Clean for the comparison of symlink targets. */
export function cleanTarget(target: string): string {
  if (target === '') return '.';
  const normal = posix.normalize(target);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Makes one planned node at `host` (its path already resolved inside the root). */
export function createPlanned(r: FilesRun, p: Planned, host: string): Promise<void> {
  if (p.kind === 'file') return createFile(r, p.entry, host, p.at);
  if (p.kind === 'directory') return createDirectory(r, p.entry, host);
  return createLink(r, p.entry, host);
}

function opName(p: Planned): string {
  if (p.kind === 'file') return 'writing file';
  if (p.kind === 'directory') return 'creating directory';
  return p.entry.hard === true ? 'writing hard link' : 'writing link';
}

/**
 * Every node in upstream's order. `early` holds the nodes already written while the shadow tools
 * ran (tool-free-nodes.ts), by plan index, with the host paths each made or its error: they are
 * logged, recorded and reported here, in their place, as if written now.
 */
export async function createNodes(r: FilesRun, storage: Config['storage'], early?: ReadonlyMap<number, EarlyNode>): Promise<void> {
  const plan = planNodes(storage);
  for (const [i, p] of plan.entries()) {
    const made = early?.get(i);
    try {
      if (made === undefined) {
        const host = await resolveNode(r.root, p.entry.path);
        await r.ctx.log.op(opName(p), p.entry.path, () => createPlanned(r, p, host));
      } else {
        await r.ctx.log.op(opName(p), p.entry.path, async () => {
          if ('error' in made) throw made.error;
          r.created.push(...made.created);
        });
      }
    } catch (error) {
      throw stepError(`failed to create ${p.kind} "${p.entry.path}"`, p.at, error);
    }
  }
}

async function* contentPieces(r: FilesRun, entry: FileEntry, at: ConfigPath, existing: string | null): AsyncIterable<ResourceContents> {
  if (existing !== null) yield { file: existing };
  const source = entry.contents?.source;
  if (source === '') yield Buffer.alloc(0);
  else if (source != null && entry.contents != null) yield await r.ctx.readResource(entry.contents, [...at, 'contents']);
  for (const [i, fragment] of (entry.append ?? []).entries()) {
    if (fragment.source === '' || fragment.source == null) continue;
    yield await r.ctx.readResource(fragment, [...at, 'append', i]);
  }
}

async function createFile(r: FilesRun, entry: FileEntry, host: string, at: ConfigPath): Promise<void> {
  const key = `file:${entry.path}`;
  const owner = await resolveOwner(r.root, entry);
  let stat = lstatOrNull(host);
  const recorded = r.journal.contentFor(key);
  if (recorded !== undefined && stat?.isFile() === true && fileStamp(host) === recorded) {
    await applyOwnerAndMode(host, owner, entry.mode);
    return;
  }
  if (entry.overwrite === true && stat !== null) {
    displace(r, host);
    stat = null;
  }
  const hasSource = entry.contents?.source != null;
  const appends = entry.append ?? [];
  if (stat !== null) {
    if (!stat.isFile()) {
      throw new ProvisionError({ code: 'NON_REGULAR_FILE_EXISTS', message: messageFor('NON_REGULAR_FILE_EXISTS', host) });
    }
    if (hasSource) throw new ProvisionError({ code: 'FILE_EXISTS', message: messageFor('FILE_EXISTS', host) });
    if (appends.length > 0) {
      preserve(r, host);
      const keep = { uid: stat.uid, gid: stat.gid, mode: stat.mode };
      await writeAtomic({
        target: host,
        mode: 0o644,
        keepOwnerFrom: keep,
        pieces: () => contentPieces(r, entry, at, host),
        beforeRename: (stamp) => r.journal.add({ kind: 'content', key, stamp }),
      });
      r.created.push(host);
    }
    recordMeta(r, host);
    await applyOwnerAndMode(host, owner, entry.mode);
    return;
  }
  makeParents(r, dirname(host));
  const fresh = firstTouch(r, host);
  // With no owner to set (a chown would clear set-id bits), the temp file gets its final mode
  // before the rename, which saves a chmod per file.
  const ownerless = owner.uid === undefined && owner.gid === undefined;
  await writeAtomic({
    target: host,
    mode: ownerless && entry.mode != null ? entry.mode & 0o7777 : 0o644,
    pieces: () => contentPieces(r, entry, at, null),
    // The content record doubles as the undo record of a new file: one journal write per file.
    beforeRename: (stamp) => r.journal.add(fresh === undefined ? { kind: 'content', key, stamp } : { kind: 'content', key, stamp, path: fresh }),
  });
  r.created.push(host);
  if (!ownerless) await applyOwnerAndMode(host, owner, entry.mode);
}

async function createDirectory(r: FilesRun, entry: DirectoryEntry, host: string): Promise<void> {
  const owner = await resolveOwner(r.root, entry);
  let stat = lstatOrNull(host);
  if (entry.overwrite === true && stat !== null) {
    displace(r, host);
    stat = null;
  }
  if (stat === null) {
    makeParents(r, dirname(host));
    recordCreated(r, host);
    mkdirSync(host);
    chmodSync(host, 0o755);
    chownRoot(host);
    r.created.push(host);
  } else if (!stat.isDirectory()) {
    throw new ProvisionError({ code: 'NON_DIRECTORY_EXISTS', message: messageFor('NON_DIRECTORY_EXISTS', host) });
  } else {
    recordMeta(r, host);
  }
  await applyOwnerAndMode(host, owner, entry.mode);
}

async function createLink(r: FilesRun, entry: LinkEntry, host: string): Promise<void> {
  const target = entry.target ?? '';
  const hard = entry.hard === true;
  const targetHost = hard ? await resolveNode(r.root, target) : '';
  let stat = lstatOrNull(host);
  if (stat !== null) {
    let same = false;
    if (hard) {
      const t = lstatOrNull(targetHost);
      same = t !== null && t.ino === stat.ino && t.dev === stat.dev;
    } else if (stat.isSymbolicLink()) {
      same = cleanTarget(readlinkSync(host)) === cleanTarget(target);
    }
    if (entry.overwrite === true) {
      displace(r, host);
      stat = null;
    } else if (!same) {
      throw new ProvisionError({ code: 'LINK_EXISTS', message: messageFor('LINK_EXISTS', host) });
    }
  }
  if (stat === null) {
    makeParents(r, dirname(host));
    recordCreated(r, host);
    if (hard) linkSync(targetHost, host);
    else symlinkSync(target, host);
    r.created.push(host);
  }
  // Owners are ignored for hard links (validation warns), since they would change the target.
  if (!hard) recordMeta(r, host);
  if (!hard) await applyOwnerAndMode(host, await resolveOwner(r.root, entry), undefined, true);
}
