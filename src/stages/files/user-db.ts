// Reads the target root's /etc/passwd and /etc/group: owner names in the config, home directories
// for SSH keys and "does this user exist" are all answered from the root, never from the host.

import { readFile } from 'node:fs/promises';
import { resolveInRoot } from '../../system/path.ts';
import { errnoCode } from './atomic-write.ts';

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

async function readLines(path: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
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
