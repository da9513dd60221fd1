// Resolves a config path inside the target root as if chrooted there: symlinks are followed on every
// component but the last, absolute link targets are re-rooted, `..` is clamped at the root, and the
// result never leaves the root, whatever the links say (including /proc-style magic links).

// Lookups are synchronous syscalls: callers resolve thousands of paths in a row, and a thread-pool
// round trip per component dominated the files stage.

import { lstatSync, readlinkSync } from 'node:fs';
import { join, sep } from 'node:path';
import { isCleanAbsolute } from '../config/rules/paths.ts';
import { ProvisionError } from '../report.ts';
import { messageFor } from '../messages.ts';

/** Linux's limit on links followed in one lookup. */
const MAX_LINKS = 40;

export interface ResolveOptions {
  /** Also follow a symlink in the last component (hard-link targets, home directories). */
  followLast?: boolean;
  /**
   * Host paths known to be real directories (not links). A caller resolving many paths under the
   * same directories passes one set to all calls: components in it are not looked up again, and
   * directories the lookup finds are added. The caller must clear it when it removes or replaces
   * nodes, since a directory could then become a link.
   */
  knownDirs?: Set<string>;
}

/**
 * The names of `path`, last first (so taking the next one is a pop), without empty and `.` ones.
 * Found separator to separator: the runner's processes interpret, where a loop per character cost
 * more than the lookups it feeds.
 */
function componentsReversed(path: string): string[] {
  const parts: string[] = [];
  for (let end = path.length; end > 0; ) {
    const start = path.lastIndexOf('/', end - 1);
    const part = path.slice(start + 1, end);
    if (part !== '' && part !== '.') parts.push(part);
    end = start;
  }
  return parts;
}

/**
 * Host path of `path` inside `root`. Components that do not exist are taken literally, so the
 * result is where a new node would be created. Throws ELOOP-style errors for link cycles.
 */
export async function resolveInRoot(root: string, path: string, options: ResolveOptions = {}): Promise<string> {
  const known = options.knownDirs;
  // Host path of `done` so far, kept incrementally: joining every component again per lookup
  // dominated the cost of resolving thousands of paths.
  const base = join(root);
  const prefix = base.endsWith(sep) ? base.slice(0, -1) : base;
  const done: string[] = [];
  const hosts: string[] = [];
  const pending = componentsReversed(path);
  let links = 0;
  let missing = false;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '..') {
      done.pop();
      hosts.pop();
      continue;
    }
    const isLast = pending.length === 0;
    const host = `${hosts.length === 0 ? prefix : (hosts[hosts.length - 1] as string)}${sep}${part}`;
    if (missing || (isLast && options.followLast !== true) || known?.has(host) === true) {
      done.push(part);
      hosts.push(host);
      continue;
    }
    const stat = lstatSync(host, { throwIfNoEntry: false });
    // Below a missing directory nothing can be a link, but later `..` still has to clamp.
    if (stat === undefined) missing = true;
    const isLink = stat?.isSymbolicLink() === true;
    if (!isLink) {
      if (known !== undefined && stat?.isDirectory() === true) known.add(host);
      done.push(part);
      hosts.push(host);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw new ProvisionError({
        code: 'PATH_ESCAPES_ROOT',
        message: `too many levels of symbolic links resolving "${path}"`,
      });
    }
    const target = readlinkSync(host);
    if (target.startsWith('/')) {
      done.length = 0;
      hosts.length = 0;
    }
    for (const part of componentsReversed(target)) pending.push(part);
  }
  // Under an absolute root, `hosts` ends with what join(root, ...done) gives (the normalised root
  // and plain names), without normalising the whole string once more per lookup.
  if (!base.startsWith(sep)) return join(root, ...done);
  return hosts.length === 0 ? base : (hosts[hosts.length - 1] as string);
}

/** The config-style path (`/etc/x`) of a host path that lies inside root. */
export function relativeToRoot(root: string, host: string): string {
  const base = root.endsWith(sep) ? root.slice(0, -1) : root;
  if (host === base) return '/';
  if (!host.startsWith(base + sep)) {
    throw new ProvisionError({ code: 'PATH_ESCAPES_ROOT', message: messageFor('PATH_ESCAPES_ROOT', host) });
  }
  return host.slice(base.length);
}

/** True when `host` is root itself or below it (purely textual; callers pass resolved paths). */
export function isInsideRoot(root: string, host: string): boolean {
  const base = root.endsWith(sep) ? root.slice(0, -1) : root;
  return host === base || host.startsWith(base + sep);
}

/**
 * `dir`/`name` for a plain name. Host paths from resolution are already normal, so they are
 * concatenated: joining normalises the whole string again, which showed in thousand-file profiles.
 */
export function childPath(dir: string, name: string): string {
  return isCleanAbsolute(dir) ? `${dir}${sep}${name}` : join(dir, name);
}

// The config's path rules decide what a clean absolute path is; resolution relies on the same test.
export { isCleanAbsolute };
