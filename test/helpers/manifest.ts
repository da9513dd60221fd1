// Manifests of a directory tree as data (every path with its type, mode, owner, content hash, link
// target), so two roots, or one root before and after a run, can be compared entry by entry and
// differences reported by path. Also the manifest of everything next to a root, for "nothing
// outside the root changed".
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface TreeEntry {
  type: 'file' | 'dir' | 'link' | 'other';
  mode: string;
  uid: number;
  gid: number;
  /** sha256 of a file, target of a link. */
  content?: string;
}

export type Tree = Record<string, TreeEntry>;

export function snapshotTree(root: string, normalize?: (path: string, data: Buffer) => Buffer, skip: (path: string) => boolean = () => false): Tree {
  const tree: Tree = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = `${rel}/${name}`;
      if (skip(path)) continue;
      const full = join(root, path);
      const st = lstatSync(full);
      const entry: TreeEntry = {
        type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other',
        mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        uid: st.uid,
        gid: st.gid,
      };
      if (entry.type === 'link') entry.mode = '-';
      if (entry.type === 'file') {
        const data = readFileSync(full);
        entry.content = createHash('sha256').update(normalize ? normalize(path, data) : data).digest('hex').slice(0, 16);
      }
      if (entry.type === 'link') entry.content = readlinkSync(full);
      tree[path] = entry;
      if (entry.type === 'dir') walk(path);
    }
  };
  walk('');
  return tree;
}

/** Human-readable differences; empty when the trees are equal. */
export function diffTrees(a: Tree, b: Tree, ignore: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const path of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (ignore(path)) continue;
    const x = a[path];
    const y = b[path];
    if (x === undefined) out.push(`only in second: ${path} ${JSON.stringify(y)}`);
    else if (y === undefined) out.push(`only in first: ${path} ${JSON.stringify(x)}`);
    else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`differs: ${path} ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  }
  return out;
}

/** The host's own account databases: a stage run with --root must never touch them. */
const HOST_FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'];

/**
 * What lies beside `root` in its parent directory (the root itself left out), plus the host's
 * account databases: equal before and after a run when the run wrote nothing outside the root.
 */
export function outsideManifest(root: string): Tree {
  const name = `/${basename(root)}`;
  const tree = snapshotTree(dirname(root), undefined, (path) => path === name || path.startsWith(`${name}/`));
  for (const file of HOST_FILES) {
    try {
      tree[`host:${file}`] = { type: 'file', mode: '-', uid: 0, gid: 0, content: createHash('sha256').update(readFileSync(file)).digest('hex') };
    } catch {
      // Not on this host.
    }
  }
  return tree;
}
