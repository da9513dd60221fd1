// Groups and users, with the shadow tools run against the target root (`--root`). Password hashes
// travel only as redacted arguments, so they never reach a log line or an error message.

import { readFileSync } from 'node:fs';
import { resolveInRoot } from '../../system/path.ts';
import type { PasswdGroup, PasswdUser } from '../context.ts';
import { lstatOrNull } from './atomic-write.ts';
import type { FilesRun } from './files-run.ts';
import { stepError } from './files-run.ts';
import { findGroup, findUser } from '../../system/user-db.ts';
import { writeSshKeys } from './ssh-keys.ts';
import { firstTouch, missingDirs, recordCreated, saveForTool } from './undo.ts';

/** Everything shadow-utils may create or rewrite in the root, with its `-` backups and lock. */
const ACCOUNT_FILES = [
  ...['passwd', 'group', 'shadow', 'gshadow', 'subuid', 'subgid'].flatMap((name) => [`/etc/${name}`, `/etc/${name}-`]),
  '/etc/.pwd.lock',
  '/var/log/lastlog',
  '/var/log/faillog',
];

/** Runs whose account databases are saved already: every later tool call would find them recorded. */
const accountsSaved = new WeakSet<FilesRun>();

/** Copies of the account databases, taken once before the first shadow-utils call of a run. */
async function saveAccounts(r: FilesRun): Promise<void> {
  if (accountsSaved.has(r)) return;
  for (const path of ACCOUNT_FILES) saveForTool(r, await resolveInRoot(r.root, path), 'copy');
  accountsSaved.add(r);
}

/** A `KEY=value` or `KEY value` setting of a file in the root, or undefined. */
function setting(host: string, key: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(host, 'utf8');
  } catch {
    return undefined;
  }
  return new RegExp(`^\\s*${key}[\\s=]+(\\S+)`, 'm').exec(text)?.[1];
}

export interface AccountSettings {
  /** Where useradd puts homes (`HOME` of /etc/default/useradd). */
  homeBase: string;
  /** The mail spool directory (`MAIL_DIR` of /etc/login.defs). */
  mailDir: string;
}

/** Read once per run: the stage writes neither file before the last shadow tool has run. */
const settingsOfRun = new WeakMap<FilesRun, AccountSettings>();

export async function accountSettings(r: FilesRun): Promise<AccountSettings> {
  let settings = settingsOfRun.get(r);
  if (settings === undefined) {
    settings = {
      homeBase: setting(await resolveInRoot(r.root, '/etc/default/useradd'), 'HOME') ?? '/home',
      mailDir: setting(await resolveInRoot(r.root, '/etc/login.defs'), 'MAIL_DIR') ?? '/var/mail',
    };
    settingsOfRun.set(r, settings);
  }
  return settings;
}

/** The home and mail spool useradd will make for a new user: noted as created (with missing parents). */
async function recordNewUserNodes(r: FilesRun, user: PasswdUser): Promise<void> {
  const { homeBase: base, mailDir: mail } = await accountSettings(r);
  const paths = [`${mail}/${user.name}`];
  if (user.noCreateHome !== true) paths.push(user.homeDir != null && user.homeDir !== '' ? user.homeDir : `${base}/${user.name}`);
  for (const path of paths) {
    for (const dir of missingDirs(r.root, await resolveInRoot(r.root, path))) recordCreated(r, dir);
  }
}

/** userdel --remove empties the home and spool: moved aside first, they come back on rollback. */
async function saveDeletedUserNodes(r: FilesRun, name: string): Promise<void> {
  const found = await findUser(r.root, name);
  const { mailDir: mail } = await accountSettings(r);
  for (const path of [found?.home ?? '', `${mail}/${name}`]) {
    if (path === '' || path === '/') continue;
    const host = await resolveInRoot(r.root, path);
    if (firstTouch(r, host) !== undefined && lstatOrNull(host) !== null) saveForTool(r, host, 'clone');
  }
}

/** usermod --move-home renames the home: the old one is cloned, the new path noted as created. */
async function saveMovedHome(r: FilesRun, user: PasswdUser): Promise<void> {
  if (user.homeDir == null || user.homeDir === '') return;
  const found = await findUser(r.root, user.name);
  const host = await resolveInRoot(r.root, user.homeDir);
  // A home that stays where it is is not moved: nothing to clone (it may hold many files).
  if (found !== undefined && found.home !== '' && found.home !== '/') {
    const current = await resolveInRoot(r.root, found.home);
    if (current === host) return;
    saveForTool(r, current, 'clone');
  }
  if (lstatOrNull(host) === null) recordCreated(r, host);
}

interface Argv {
  args: string[];
  redact: number[];
}

function argv(root: string): Argv {
  return { args: ['--root', root], redact: [] };
}

function push(a: Argv, ...words: string[]): void {
  a.args.push(...words);
}

function pushSecret(a: Argv, flag: string, secret: string): void {
  a.args.push(flag);
  a.redact.push(a.args.length);
  a.args.push(secret);
}

/** An empty hash locks the account, as upstream does. */
function hashOrLocked(hash: string | null | undefined): string {
  return hash === undefined || hash === null || hash === '' ? '*' : hash;
}

export function groupaddArgs(root: string, group: PasswdGroup): Argv {
  const a = argv(root);
  if (group.gid != null) push(a, '--gid', String(group.gid));
  if (group.passwordHash != null) pushSecret(a, '--password', hashOrLocked(group.passwordHash));
  if (group.system === true) push(a, '--system');
  push(a, group.name);
  return a;
}

/** null when there is nothing to change. */
export function groupmodArgs(root: string, group: PasswdGroup): Argv | null {
  const a = argv(root);
  if (group.gid != null) push(a, '--gid', String(group.gid));
  if (group.passwordHash != null) pushSecret(a, '--password', hashOrLocked(group.passwordHash));
  if (a.args.length === 2) return null;
  push(a, group.name);
  return a;
}

export function useraddArgs(root: string, user: PasswdUser): Argv {
  const a = argv(root);
  if (user.homeDir != null && user.homeDir !== '') push(a, '--home-dir', user.homeDir);
  push(a, user.noCreateHome === true ? '--no-create-home' : '--create-home');
  if (user.noUserGroup === true) push(a, '--no-user-group');
  if (user.system === true) push(a, '--system');
  if (user.noLogInit === true) push(a, '--no-log-init');
  pushSecret(a, '--password', hashOrLocked(user.passwordHash));
  if (user.uid != null) push(a, '--uid', String(user.uid));
  if (user.gecos != null && user.gecos !== '') push(a, '--comment', user.gecos);
  if (user.primaryGroup != null && user.primaryGroup !== '') push(a, '--gid', user.primaryGroup);
  if (user.groups != null && user.groups.length > 0) push(a, '--groups', user.groups.join(','));
  if (user.shell != null && user.shell !== '') push(a, '--shell', user.shell);
  push(a, user.name);
  return a;
}

/** null when there is nothing to change. */
export function usermodArgs(root: string, user: PasswdUser): Argv | null {
  const a = argv(root);
  if (user.homeDir != null && user.homeDir !== '') push(a, '--home', user.homeDir, '--move-home');
  if (user.passwordHash != null) pushSecret(a, '--password', hashOrLocked(user.passwordHash));
  if (user.uid != null) push(a, '--uid', String(user.uid));
  if (user.gecos != null && user.gecos !== '') push(a, '--comment', user.gecos);
  if (user.primaryGroup != null && user.primaryGroup !== '') push(a, '--gid', user.primaryGroup);
  if (user.groups != null && user.groups.length > 0) push(a, '--groups', user.groups.join(','));
  if (user.shell != null && user.shell !== '') push(a, '--shell', user.shell);
  if (a.args.length === 2) return null;
  push(a, user.name);
  return a;
}

async function run(r: FilesRun, tool: string, a: Argv): Promise<void> {
  await saveAccounts(r);
  await r.ctx.exec(tool, a.args, { redact: a.redact });
}

export async function ensureGroups(r: FilesRun, groups: readonly PasswdGroup[]): Promise<void> {
  const { ctx, journal } = r;
  for (const [i, group] of groups.entries()) {
    const key = `group:${group.name}`;
    if (journal.isDone(key)) continue;
    const path = ['passwd', 'groups', i];
    const present = (await findGroup(r.root, group.name)) !== undefined;
    try {
      if (group.shouldExist === false) {
        if (present) await ctx.log.op('deleting group', group.name, () => run(r, ctx.tools.groupdel, { args: ['--root', r.root, group.name], redact: [] }));
      } else if (!present) {
        await ctx.log.op('creating group', group.name, () => run(r, ctx.tools.groupadd, groupaddArgs(r.root, group)));
      } else {
        const mod = groupmodArgs(r.root, group);
        if (mod !== null) await ctx.log.op('modifying group', group.name, () => run(r, ctx.tools.groupmod, mod));
      }
    } catch (error) {
      throw stepError(`failed to create group "${group.name}"`, path, error);
    }
    await journal.add({ kind: 'done', key });
  }
}

export async function ensureUsers(r: FilesRun, users: readonly PasswdUser[]): Promise<void> {
  const { ctx, journal } = r;
  for (const [i, user] of users.entries()) {
    const key = `user:${user.name}`;
    const path = ['passwd', 'users', i];
    if (!journal.isDone(key)) {
      const present = (await findUser(r.root, user.name)) !== undefined;
      try {
        if (user.shouldExist === false) {
          if (present) {
            await saveDeletedUserNodes(r, user.name);
            await ctx.log.op('deleting user', user.name, () =>
              run(r, ctx.tools.userdel, { args: ['--root', r.root, '--remove', user.name], redact: [] }),
            );
          }
        } else if (!present) {
          await recordNewUserNodes(r, user);
          await ctx.log.op('creating user', user.name, () => run(r, ctx.tools.useradd, useraddArgs(r.root, user)));
        } else {
          const mod = usermodArgs(r.root, user);
          if (mod !== null) await saveMovedHome(r, user);
          if (mod !== null) await ctx.log.op('modifying user', user.name, () => run(r, ctx.tools.usermod, mod));
        }
        // Upstream sets the hash once more in a step of its own; it shows only in the *- backups.
        if (user.shouldExist !== false && user.passwordHash != null) {
          const set = argv(r.root);
          pushSecret(set, '--password', hashOrLocked(user.passwordHash));
          push(set, user.name);
          await ctx.log.op('setting password of user', user.name, () => run(r, ctx.tools.usermod, set));
        }
      } catch (error) {
        throw stepError(`failed to create user "${user.name}"`, path, error);
      }
      await journal.add({ kind: 'done', key });
    }
    if (user.shouldExist === false) continue;
    const keys = user.sshAuthorizedKeys ?? [];
    if (keys.length === 0) continue;
    try {
      await ctx.log.op('adding ssh keys to user', user.name, () => writeSshKeys(r, user.name, keys));
    } catch (error) {
      throw stepError(`failed to add keys to user "${user.name}"`, path, error);
    }
  }
}
