// Reads the target root's /etc/passwd and /etc/group: owner names in the config, home directories
// for SSH keys and "does this user exist" are all answered from the root, never from the host.
// Shared by the files stage and `kindling metadata --ssh-keys`, so it sits below both.

import { readFileSync, statSync } from 'node:fs';
import { resolveInRoot } from './path.ts';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** Parsed files by path, reused while size, mtime and inode say the file is unchanged. */
const cache = new Map<string, { key: string; rows: string[][] }>();

function readLines(path: string): string[][] {
  let key: string;
  try {
    const st = statSync(path);
    key = `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const hit = cache.get(path);
  if (hit !== undefined && hit.key === key) return hit.rows;
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
  cache.set(path, { key, rows });
  return rows;
}

export async function readPasswd(root: string): Promise<PasswdEntry[]> {
  const rows = await readLines(await resolveInRoot(root, '/etc/passwd', { followLast: true }));
  return rows
    .filter((f) => f.length >= 7)
    .map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' }));
}

export async function readGroups(root: string): Promise<GroupEntry[]> {
  const rows = await readLines(await resolveInRoot(root, '/etc/group', { followLast: true }));
  return rows.filter((f) => f.length >= 3).map((f) => ({ name: f[0] ?? '', gid: Number(f[2]) }));
}

export async function findUser(root: string, name: string): Promise<PasswdEntry | undefined> {
  return (await readPasswd(root)).find((entry) => entry.name === name);
}

export async function findGroup(root: string, name: string): Promise<GroupEntry | undefined> {
  return (await readGroups(root)).find((entry) => entry.name === name);
}
