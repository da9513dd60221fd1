// storage.trees (butane.md §4.4): a local directory becomes files, links and (1.7+, when asked
// for ownership or a dir_mode) directories. Entries the user already wrote for the same path
// are filled in rather than duplicated.

import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { entry, type ConfigPath } from '../../src/report.ts';
import { goOsError, localPath, type Context } from '../context.ts';
import { encodeContent } from '../data-url.ts';
import type { SourceObject } from '../decode.ts';
import type { Tracked } from '../merge-generated.ts';
import { record } from '../translation-set.ts';

type Obj = Record<string, unknown>;
type Kind = 'files' | 'directories' | 'links';

const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;

/** Walks every tree and adds its nodes to `user` (in place). */
export function applyTrees(trees: unknown, user: Tracked, ctx: Context): void {
  if (!Array.isArray(trees) || trees.length === 0) return;
  const storage = (user.config.storage ??= {}) as Obj;
  const lists: Record<Kind, Obj[]> = {
    files: (storage.files ??= []) as Obj[],
    directories: (storage.directories ??= []) as Obj[],
    links: (storage.links ??= []) as Obj[],
  };
  const byPath = new Map<string, { kind: Kind; node: Obj }>();
  for (const kind of ['files', 'directories', 'links'] as const) {
    for (const node of lists[kind]) if (typeof node.path === 'string') byPath.set(node.path, { kind, node });
  }
  trees.forEach((tree, k) => {
    const t = asObj(tree);
    if (t === undefined || typeof t.local !== 'string') return;
    walkTree(t, ['storage', 'trees', k], lists, byPath, user, ctx);
  });
  for (const kind of ['files', 'directories', 'links'] as const) if (lists[kind].length === 0) delete storage[kind];
}

function walkTree(
  tree: SourceObject,
  at: ConfigPath,
  lists: Record<Kind, Obj[]>,
  byPath: Map<string, { kind: Kind; node: Obj }>,
  user: Tracked,
  ctx: Context,
): void {
  const where = localPath(ctx, tree.local as string, at);
  if (where === undefined) return;
  let rootStat: Stats;
  try {
    rootStat = statSync(where.absolute);
  } catch (error) {
    ctx.report.push(entry('error', 'LOCAL_READ_FAILED', at, goOsError('stat', where.joined, error)));
    return;
  }
  if (!rootStat.isDirectory()) {
    ctx.report.push(entry('error', 'TREE_ROOT_NOT_DIRECTORY', at));
    return;
  }
  const dest = typeof tree.path === 'string' ? tree.path : '/';
  const owner: Obj = {};
  const u = asObj(tree.user);
  const g = asObj(tree.group);
  if (u !== undefined && Object.keys(u).length > 0) owner.user = { ...u };
  if (g !== undefined && Object.keys(g).length > 0) owner.group = { ...g };
  const fileMode = typeof tree.file_mode === 'number' ? tree.file_mode : undefined;
  const dirMode = typeof tree.dir_mode === 'number' ? tree.dir_mode : undefined;
  const emitDirs = dirMode !== undefined || owner.user !== undefined || owner.group !== undefined;
  const allowGzip = !(ctx.flavor.openshift !== undefined && ctx.flavor.openshift <= 9);

  const conflict = (): void => {
    ctx.report.push(entry('error', 'NODE_CONFLICT', at));
  };
  const add = (kind: Kind, node: Obj): void => {
    record(user.set, ['storage', kind, lists[kind].length], at);
    lists[kind].push(node);
    byPath.set(node.path as string, { kind, node });
  };

  const visit = (abs: string, rel: string): void => {
    let stat: Stats;
    try {
      stat = lstatSync(abs);
    } catch (error) {
      ctx.report.push(entry('error', 'LOCAL_READ_FAILED', at, goOsError('lstat', abs, error)));
      return;
    }
    const path = posix.join(dest, rel);
    const existing = byPath.get(path);
    if (stat.isDirectory()) {
      if (emitDirs) {
        if (existing !== undefined) conflict();
        else add('directories', { path, ...owner, mode: dirMode ?? 0o755 });
      }
      const names = readdirSync(abs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const name of names) visit(join(abs, name), rel === '' ? name : `${rel}/${name}`);
      return;
    }
    if (stat.isFile()) {
      const mode = fileMode ?? ((stat.mode & 0o111) !== 0 ? 0o755 : 0o644);
      if (existing !== undefined) {
        const contents = asObj(existing.node.contents);
        const hasSource = typeof contents?.source === 'string' && contents.source !== '';
        if (existing.kind !== 'files' || hasSource) return conflict();
        const encoded = encodeContent(readFileSync(abs), {
          userCompression: typeof contents?.compression === 'string' ? contents.compression : undefined,
          allowGzip,
          legacy: ctx.flavor.base === 1,
        });
        existing.node.contents = { ...(contents ?? {}), ...encoded };
        if (existing.node.mode === undefined) existing.node.mode = mode;
        return;
      }
      const contents = encodeContent(readFileSync(abs), { userCompression: undefined, allowGzip, legacy: ctx.flavor.base === 1 });
      add('files', { path, ...owner, contents, mode });
      return;
    }
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(abs);
      if (existing !== undefined) {
        if (existing.kind !== 'links' || (existing.node.target !== undefined && existing.node.target !== '')) return conflict();
        existing.node.target = target;
        return;
      }
      add('links', { path, ...owner, target });
      return;
    }
    ctx.report.push(entry('error', 'TREE_BAD_FILE_TYPE', at));
  };
  visit(where.absolute, '');
}
