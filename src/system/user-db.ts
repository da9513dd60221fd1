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

/** Entries made from cached rows, kept as long as the rows are: a config names owners per file. */
const passwdCache = new WeakMap<string[][], readonly PasswdEntry[]>();
const groupCache = new WeakMap<string[][], readonly GroupEntry[]>();

async function passwdEntries(root: string): Promise<readonly PasswdEntry[]> {
  const rows = readLines(await resolveInRoot(root, '/etc/passwd', { followLast: true }));
  let entries = passwdCache.get(rows);
  if (entries === undefined) {
    entries = rows.filter((f) => f.length >= 7).map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' }));
    passwdCache.set(rows, entries);
  }
  return entries;
}

async function groupEntries(root: string): Promise<readonly GroupEntry[]> {
  const rows = readLines(await resolveInRoot(root, '/etc/group', { followLast: true }));
  let entries = groupCache.get(rows);
  if (entries === undefined) {
    entries = rows.filter((f) => f.length >= 3).map((f) => ({ name: f[0] ?? '', gid: Number(f[2]) }));
    groupCache.set(rows, entries);
  }
  return entries;
}

// Callers get copies: the cached entries stay as the file says.
export async function readPasswd(root: string): Promise<PasswdEntry[]> {
  return (await passwdEntries(root)).map((entry) => ({ ...entry }));
}

export async function readGroups(root: string): Promise<GroupEntry[]> {
  return (await groupEntries(root)).map((entry) => ({ ...entry }));
}

export async function findUser(root: string, name: string): Promise<PasswdEntry | undefined> {
  const found = (await passwdEntries(root)).find((entry) => entry.name === name);
  return found === undefined ? undefined : { ...found };
}

export async function findGroup(root: string, name: string): Promise<GroupEntry | undefined> {
  const found = (await groupEntries(root)).find((entry) => entry.name === name);
  return found === undefined ? undefined : { ...found };
}
