// Rules for files, directories and links (ignition-spec.md §4.4): each node's own checks, and the
// storage-level cross-list checks (paths under links, link targets, hard links) that upstream runs
// on the storage object before it walks the lists.

import type { ConfigPath } from '../../report.ts';
import { atLeast } from '../versions.ts';
import { cleanPath, joinPath, pathProblem } from './paths.ts';
import { error, isNil, isTrue, items, notEmpty, num, obj, plainStr, warn, type Obj, type RuleContext } from './context.ts';
import { checkContents } from './resources.ts';

/** The node's mode; `path` is the node's (paths are built only for a report: most nodes have none). */
function checkMode(ctx: RuleContext, mode: unknown, nodePath: ConfigPath): void {
  const value = num(mode);
  if (value === undefined) return;
  if (value < 0 || value > 0o7777) error(ctx, 'ILLEGAL_MODE', [...nodePath, 'mode']);
  // Go masks a 64-bit int; BigInt keeps negative modes' two's-complement bits like Go does.
  const special = Number.isInteger(value) && (BigInt(value) & 0o7000n) !== 0n;
  if (special && !atLeast(ctx.version, '3.6.0')) warn(ctx, 'SPECIAL_MODE_BITS', [...nodePath, 'mode']);
}

/** NodeUser / NodeGroup: an id together with a non-empty name. */
function checkOwner(ctx: RuleContext, owner: Obj, nodePath: ConfigPath, key: 'group' | 'user'): void {
  if (!isNil(owner.id) && notEmpty(owner.name)) error(ctx, 'BOTH_ID_AND_NAME', [...nodePath, key]);
}

function checkNodePath(ctx: RuleContext, node: Obj, path: ConfigPath): void {
  const problem = pathProblem(plainStr(node.path));
  if (problem !== undefined) error(ctx, problem, [...path, 'path']);
}

/** The embedded Node's children, walked after the node's own checks: group, then user. */
function walkOwners(ctx: RuleContext, node: Obj, path: ConfigPath): void {
  checkOwner(ctx, obj(node.group), path, 'group');
  checkOwner(ctx, obj(node.user), path, 'user');
}

export function checkFile(ctx: RuleContext, file: Obj, path: ConfigPath): void {
  checkNodePath(ctx, file, path);
  checkMode(ctx, file.mode, path);
  if (isTrue(file.overwrite) && isNil(obj(file.contents).source)) error(ctx, 'OVERWRITE_NEEDS_SOURCE', [...path, 'overwrite']);
  walkOwners(ctx, file, path);
  items(file.append).forEach((fragment, i) => checkContents(ctx, obj(fragment), [...path, 'append', i]));
  checkContents(ctx, obj(file.contents), [...path, 'contents']);
}

export function checkDirectory(ctx: RuleContext, directory: Obj, path: ConfigPath): void {
  checkNodePath(ctx, directory, path);
  checkMode(ctx, directory.mode, path);
  walkOwners(ctx, directory, path);
}

export function checkLink(ctx: RuleContext, link: Obj, path: ConfigPath): void {
  checkNodePath(ctx, link, path);
  walkOwners(ctx, link, path);
}

function under(child: Obj, parent: Obj): boolean {
  return plainStr(child.path).startsWith(`${plainStr(parent.path)}/`);
}

/** Storage.Validate's node part: paths under links, then per link its target and hard-link rules. */
export function checkNodesAgainstLinks(ctx: RuleContext, storage: Obj): void {
  const directories = items(storage.directories).map(obj);
  const files = items(storage.files).map(obj);
  const links = items(storage.links).map(obj);
  directories.forEach((directory, i) => {
    for (const link of links) if (under(directory, link)) error(ctx, 'DIRECTORY_UNDER_LINK', ['storage', 'directories', i]);
  });
  files.forEach((file, i) => {
    for (const link of links) if (under(file, link)) error(ctx, 'FILE_UNDER_LINK', ['storage', 'files', i]);
  });
  links.forEach((link, i) => {
    for (const other of links) if (under(link, other)) error(ctx, 'LINK_UNDER_LINK', ['storage', 'links', i]);
    if (atLeast(ctx.version, '3.3.0') && !notEmpty(link.target)) {
      error(ctx, 'LINK_TARGET_REQUIRED', ['storage', 'links', i, 'target']);
      return;
    }
    if (!isTrue(link.hard)) return;
    const rawTarget = plainStr(link.target);
    let target = cleanPath(rawTarget);
    if (!target.startsWith('/')) target = joinPath(plainStr(link.path), rawTarget);
    for (const directory of directories) {
      if (plainStr(directory.path) === target) error(ctx, 'HARD_LINK_TO_DIRECTORY', ['storage', 'links', i]);
    }
    const user = obj(link.user);
    const group = obj(link.group);
    const owners: [Obj, string, string][] = [
      [user, 'user', 'id'],
      [user, 'user', 'name'],
      [group, 'group', 'id'],
      [group, 'group', 'name'],
    ];
    for (const [owner, kind, field] of owners) {
      if (!isNil(owner[field])) warn(ctx, 'HARD_LINK_OWNER_IGNORED', ['storage', 'links', i, kind, field]);
    }
  });
}
