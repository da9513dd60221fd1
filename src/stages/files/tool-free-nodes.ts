// Nodes written while the shadow tools run. groupadd and useradd are processes that mostly wait on
// the disk, one after another, and upstream writes storage.* only after the last of them. The nodes
// no shadow tool can see or change, and that no tool-dependent node comes before, are written in
// that wait instead; everything else still waits for the tools, in upstream's order. The nodes
// written early log nothing here: createNodes logs each one as done at its place in the order, so
// log lines, op numbers and the relabel list stay those of the sequential run.
//
// A node is tool-free when its resolved path is outside everything the tools read or write in the
// root they chroot into (see TOOL_PATHS, the homes and mail spools of the config's users), it is
// owned by ids or not at all (a name waits for the account databases), it is not a hard link, its
// content is inline (a fetch would log out of order), and no node deferred before it is its
// ancestor or the same path (a node is resolved when its turn comes, after the early nodes before
// it, so through the links they made). It must not share a missing parent directory with a tool
// path either: both would create it. Anything unsure waits.

import { dirname, posix, sep } from 'node:path';
import { isCleanAbsolute, resolveInRoot } from '../../system/path.ts';
import { readPasswd } from '../../system/user-db.ts';
import type { Config, FileEntry } from '../context.ts';
import { lstatOrNull, resolveNode } from './atomic-write.ts';
import type { FilesRun } from './files-run.ts';
import { createPlanned, planNodes, type Planned } from './nodes.ts';
import { accountSettings } from './passwd.ts';

/**
 * What shadow-utils reads or writes inside its `--root` besides homes and spools: the configuration
 * and account databases, the programs and NSS modules it runs there, logs, caches it invalidates.
 */
const TOOL_PATHS = [
  '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sys', '/dev', '/run',
  '/var/run', '/var/log', '/var/mail', '/var/spool', '/var/lib/sss', '/var/cache/nscd', '/var/db',
];

/** Whether every piece of a file's content is in the config itself (or there is none). */
function inlineOnly(entry: FileEntry): boolean {
  const inline = (source: string | null | undefined): boolean => source == null || source === '' || source.startsWith('data:');
  return inline(entry.contents?.source) && (entry.append ?? []).every((fragment) => inline(fragment.source));
}

/** True when `a` is `b` or a directory above it. */
function covers(a: string, b: string): boolean {
  return a === b || b.startsWith(a.endsWith(sep) ? a : a + sep);
}

/** The directories the tools may touch in this run, as host paths (literal and resolved). */
async function toolPaths(r: FilesRun, config: Config): Promise<string[]> {
  const users = config.passwd?.users ?? [];
  const settings = await accountSettings(r);
  const current = new Map((await readPasswd(r.root)).map((u) => [u.name, u.home]));
  const paths = [...TOOL_PATHS, settings.homeBase, settings.mailDir];
  for (const user of users) {
    paths.push(`${settings.homeBase}/${user.name}`, `${settings.mailDir}/${user.name}`);
    if (user.homeDir != null && user.homeDir !== '') paths.push(user.homeDir);
    const home = current.get(user.name);
    if (home !== undefined && home !== '') paths.push(home);
  }
  const hosts = new Set<string>();
  for (const path of paths) {
    hosts.add(posix.join(r.root, path));
    hosts.add(await resolveInRoot(r.root, path, { followLast: true }));
  }
  return [...hosts];
}

/** The deepest common directory of two host paths. */
function commonDir(a: string, b: string): string {
  let d = a;
  while (!covers(d, b)) d = dirname(d);
  return d;
}

/** A node written early: the host paths it made, or how it failed. */
export type EarlyNode = { created: string[] } | { error: unknown };

export interface EarlyRun {
  /** Set when the tools are done (or failed): the early writer stops at the next node. */
  stop: boolean;
}

/**
 * Writes, in plan order, the tool-free nodes of `storage` until `early.stop` is set or a node fails.
 * Returns, per plan index tried, the host paths it created or its error, for createNodes to log,
 * record and report in order.
 */
export async function writeToolFreeNodes(r: FilesRun, config: Config, early: EarlyRun): Promise<Map<number, EarlyNode>> {
  const done = new Map<number, EarlyNode>();
  const plan = planNodes(config.storage);
  if (plan.length === 0 || early.stop) return done;
  try {
    const tools = await toolPaths(r, config);
    const deferred = new Set<string>();
    const existing = new Map<string, boolean>();
    const exists = (dir: string): boolean => {
      let known = existing.get(dir);
      if (known === undefined) existing.set(dir, (known = lstatOrNull(dir)?.isDirectory() === true));
      return known;
    };
    // Per parent directory: below a tool path, or sharing a missing parent with one.
    const parentVerdicts = new Map<string, boolean>();
    const parentFree = (dir: string): boolean => {
      let free = parentVerdicts.get(dir);
      if (free === undefined) {
        // Both sides would make a missing common parent: whoever came first would decide its record.
        free = tools.every((tool) => !covers(tool, dir) && exists(commonDir(dir, tool)));
        parentVerdicts.set(dir, free);
      }
      return free;
    };
    const toolFree = (p: Planned, host: string): boolean => {
      if (p.kind === 'link' && p.entry.hard === true) return false;
      // A remote resource the fetch stage did not cache would be fetched, and logged, out of order.
      if (p.kind === 'file' && !inlineOnly(p.entry)) return false;
      if (p.entry.user?.name != null || p.entry.group?.name != null) return false;
      // `..` after a link a deferred node makes would resolve elsewhere in the sequential run.
      if (!isCleanAbsolute(p.entry.path)) return false;
      for (let d = host; d.length > r.root.length; d = dirname(d)) if (deferred.has(d)) return false;
      return !tools.some((tool) => covers(host, tool)) && parentFree(dirname(host));
    };
    // process.hrtime rather than the global `performance`, whose first use loads perf_hooks and
    // seven modules behind it: compiled from source in the single executable (scripts/sea-snapshot.mjs).
    let last = process.hrtime.bigint();
    for (const [i, p] of plan.entries()) {
      if (early.stop) break;
      const host = await resolveNode(r.root, p.entry.path);
      if (!toolFree(p, host)) {
        deferred.add(host);
        continue;
      }
      const sub: FilesRun = { ...r, created: [] };
      try {
        await createPlanned(sub, p, host);
      } catch (error) {
        // Reported at this node's turn, after the nodes before it, as the sequential run would.
        done.set(i, { error });
        break;
      }
      done.set(i, { created: sub.created });
      // Back to the event loop now and then, so a finished tool is noticed and the next one starts.
      if (process.hrtime.bigint() - last > 1_000_000n) {
        await new Promise((resolve) => setImmediate(resolve));
        last = process.hrtime.bigint();
      }
    }
  } catch {
    // Whatever could not be decided or written here is done by the sequential pass.
  }
  return done;
}
