// The files stage's plan step: a dry run, before the first write, of every check the config and the
// current root already decide. It walks the steps in the stage's own order over a simulated tree
// (the root as it is, plus the nodes earlier entries would make or remove) and simulated account
// databases, and fails on the first entry the run itself would fail on, with that entry's JSON path.
//
// It rejects only what surely fails: where the outcome depends on something only the run reveals
// (a path through a link this config makes, a gid groupadd picks), the entry is let through and a
// late failure is rolled back instead. Checks mirror the stage's steps (nodes.ts, units.ts,
// crypttab.ts) and shadow-utils' refusals, so the same configs fail as upstream, just earlier.

import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { ProvisionError, entry, type ConfigPath } from '../../report.ts';
import { messageFor, type ErrorCode, type MessageArgs } from '../../messages.ts';
import { PRESET_FILE, RESULT_FILE, SYSTEMD_UNIT_DIR } from '../../system/distro.ts';
import { childPath, isCleanAbsolute, resolveInRoot } from '../../system/path.ts';
import type { Config, Node, PasswdGroup, PasswdUser, StageContext } from '../context.ts';
import { errnoCode, lstatOrNull, resolveNode } from './atomic-write.ts';
import { CRYPTTAB, keyFilePath, LUKS_KEY_DIR, planLuks, usesClevis, type CrypttabLuks } from './crypttab.ts';
import { cleanTarget, planNodes } from './nodes.ts';
import { selinuxType } from './relabel.ts';
import { readGroups, readPasswd } from '../../system/user-db.ts';

type Kind = 'file' | 'dir' | 'link' | 'other';
interface SimNode {
  kind: Kind;
  /** Target of a symlink; ino of a real node, for hard-link comparisons. */
  target?: string;
  ino?: number;
}

function fail<C extends ErrorCode>(code: C, path: ConfigPath | undefined, ...args: MessageArgs<C>): never {
  throw entry('error', code, path, ...args);
}

function realNode(host: string): SimNode | null {
  let st: ReturnType<typeof lstatOrNull>;
  try {
    st = lstatOrNull(host);
  } catch (error) {
    // A parent that is a file: nothing is there, and makeParents reports the parent.
    if (errnoCode(error) === 'ENOTDIR') return null;
    throw error;
  }
  if (st === null) return null;
  if (st.isFile()) return { kind: 'file', ino: st.ino };
  if (st.isDirectory()) return { kind: 'dir' };
  if (st.isSymbolicLink()) return { kind: 'link', target: readlinkSync(host) };
  return { kind: 'other' };
}

/** The root as the run would leave it so far: real nodes, overlaid by what earlier entries make. */
class SimTree {
  /** Host path -> the node the run makes there, or null where it removes one. */
  private readonly overlay = new Map<string, SimNode | null>();

  /** The root's own nodes, looked up once: the plan writes nothing, and siblings share parents. */
  private readonly real = new Map<string, SimNode | null>();

  /** Host paths of parent directories, resolved once for all the entries below them. */
  readonly parents = new Map<string, string>();

  /**
   * Directories whose whole chain up to the root makeParents has found to be directories. Siblings
   * share parents, so the next entry below one skips the walk. Only setting such a directory again
   * (or one above it, which is in the set too), even to a new directory that hides what was below
   * it, can make that untrue: set() then clears it.
   */
  private readonly checkedDirs = new Set<string>();

  /** Links the run makes so far: with none, no path goes through one (the usual config). */
  private newLinks = 0;

  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  at(host: string): SimNode | null {
    const own = this.overlay.get(host);
    if (own !== undefined) return own;
    // Below anything the run removed or made, only what the run itself puts there exists.
    for (let d = dirname(host); d.length >= this.root.length && d !== dirname(d); d = dirname(d)) {
      if (this.overlay.has(d)) return null;
      if (d === this.root) break;
    }
    let node = this.real.get(host);
    if (node === undefined) this.real.set(host, (node = realNode(host)));
    return node;
  }

  set(host: string, node: SimNode | null): void {
    if (this.checkedDirs.has(host)) this.checkedDirs.clear();
    if (this.overlay.get(host)?.kind === 'link') this.newLinks--;
    if (node?.kind === 'link') this.newLinks++;
    this.overlay.set(host, node);
  }

  /** True when the run's own link lies on the way to `host`: where it resolves is not known yet. */
  throughNewLink(host: string): boolean {
    if (this.newLinks === 0) return false;
    for (let d = dirname(host); d.length > this.root.length; d = dirname(d)) {
      if (this.overlay.get(d)?.kind === 'link') return true;
    }
    return false;
  }

  /** mkdirParents: every missing directory is made; one that is something else fails. */
  makeParents(host: string, at: ConfigPath | undefined, path: string): void {
    const parent = dirname(host);
    if (this.checkedDirs.has(parent)) return;
    const chain: string[] = [];
    for (let d = parent; d.length > this.root.length; d = dirname(d)) chain.push(d);
    for (const dir of chain.reverse()) {
      const node = this.at(dir);
      if (node === null) this.set(dir, { kind: 'dir' });
      else if (node.kind !== 'dir') fail('PARENT_NOT_DIRECTORY', at, path, dir.slice(this.root.length));
    }
    for (const dir of chain) this.checkedDirs.add(dir);
  }
}

interface Accounts {
  users: Map<string, { uid: number; gid: number; home: string }>;
  /** gid NaN: made by groupadd without --gid, so not known before the run. */
  groups: Map<string, number>;
}

function hasGroup(accounts: Accounts, name: string): boolean | undefined {
  if (accounts.groups.has(name)) return true;
  if (!/^\d+$/.test(name)) return false;
  const gid = Number(name);
  const gids = [...accounts.groups.values()];
  if (gids.includes(gid)) return true;
  // A numeric gid might be one groupadd picks during the run.
  return gids.some(Number.isNaN) ? undefined : false;
}

function userGroupsEnabled(root: string): boolean {
  try {
    return /^\s*USERGROUPS_ENAB\s+yes\b/m.test(readFileSync(join(root, 'etc/login.defs'), 'utf8'));
  } catch {
    return false;
  }
}

function checkGroupRefs(accounts: Accounts, user: PasswdUser, at: ConfigPath): void {
  const wanted = [...(user.primaryGroup != null && user.primaryGroup !== '' ? [user.primaryGroup] : []), ...(user.groups ?? [])];
  for (const group of wanted) if (hasGroup(accounts, group) === false) fail('USER_GROUP_MISSING', at, user.name, group);
}

function uidTaken(accounts: Accounts, uid: number | null | undefined, name: string): boolean {
  return uid != null && [...accounts.users].some(([other, u]) => other !== name && u.uid === uid);
}

/** Groups, then users, in the stage's order, with the refusals of groupdel, userdel, useradd, usermod. */
async function planAccounts(root: string, config: Config): Promise<Accounts> {
  const accounts: Accounts = {
    users: new Map((await readPasswd(root)).map((u) => [u.name, { uid: u.uid, gid: u.gid, home: u.home }])),
    groups: new Map((await readGroups(root)).map((g) => [g.name, g.gid])),
  };
  for (const [i, group] of (config.passwd?.groups ?? []).entries()) planGroup(accounts, group, ['passwd', 'groups', i]);
  const userGroups = userGroupsEnabled(root);
  for (const [i, user] of (config.passwd?.users ?? []).entries()) await planUser(root, accounts, user, ['passwd', 'users', i], userGroups);
  return accounts;
}

function planGroup(accounts: Accounts, group: PasswdGroup, at: ConfigPath): void {
  const gid = accounts.groups.get(group.name);
  if (group.shouldExist === false) {
    if (gid === undefined) return;
    const owner = [...accounts.users].find(([, u]) => u.gid === gid);
    if (owner !== undefined) fail('GROUP_IS_PRIMARY', at, group.name, owner[0]);
    accounts.groups.delete(group.name);
    return;
  }
  const taken = group.gid != null && [...accounts.groups].some(([other, g]) => other !== group.name && g === group.gid);
  if (taken) fail('GID_IN_USE', at, group.name, group.gid as number);
  accounts.groups.set(group.name, group.gid ?? gid ?? Number.NaN);
}

async function planUser(root: string, accounts: Accounts, user: PasswdUser, at: ConfigPath, userGroups: boolean): Promise<void> {
  const present = accounts.users.get(user.name);
  if (user.shouldExist === false) {
    if (present === undefined) return;
    if (present.home !== '') {
      // userdel --remove stats the home (following links) and keeps, with exit 12, one it does not own.
      const st = statSync(await resolveInRoot(root, present.home, { followLast: true }), { throwIfNoEntry: false });
      if (st !== undefined && st.uid !== present.uid) fail('HOME_NOT_OWNED', at, user.name, present.home);
    }
    accounts.users.delete(user.name);
    return;
  }
  if (uidTaken(accounts, user.uid, user.name)) fail('UID_IN_USE', at, user.name, user.uid as number);
  checkGroupRefs(accounts, user, at);
  if (present !== undefined) {
    accounts.users.set(user.name, { ...present, uid: user.uid ?? present.uid });
    return;
  }
  const ownGroup = user.noUserGroup !== true && (user.primaryGroup == null || user.primaryGroup === '');
  if (ownGroup && userGroups && accounts.groups.has(user.name)) fail('USER_GROUP_EXISTS', at, user.name);
  if (ownGroup) accounts.groups.set(user.name, Number.NaN);
  accounts.users.set(user.name, { uid: user.uid ?? Number.NaN, gid: Number.NaN, home: '' });
}

/** resolveNode, with a parent that is a file reported as the run's mkdirParents would. */
async function resolveIn(tree: SimTree, path: string, at: ConfigPath): Promise<string> {
  try {
    if (!isCleanAbsolute(path)) return await resolveNode(tree.root, path);
    // Entries share a few parents: each is resolved (following its links) once.
    const dir = posix.dirname(path);
    let parent = tree.parents.get(dir);
    if (parent === undefined) tree.parents.set(dir, (parent = await resolveNode(tree.root, dir, { followLast: true })));
    return childPath(parent, posix.basename(path));
  } catch (error) {
    if (errnoCode(error) !== 'ENOTDIR') throw error;
    let parent = '';
    for (const part of path.split('/').filter((c) => c !== '')) {
      parent += `/${part}`;
      const node = tree.at(join(tree.root, parent));
      if (node !== null && node.kind !== 'dir') break;
    }
    return fail('PARENT_NOT_DIRECTORY', at, path, parent);
  }
}

/** resolveOwner's lookups, against the accounts as the passwd steps leave them. */
function checkOwner(accounts: Accounts, node: Node, at: ConfigPath): void {
  if (node.user?.id == null && node.user?.name != null && node.user.name !== '' && !accounts.users.has(node.user.name)) {
    fail('NO_SUCH_USER', at, node.user.name);
  }
  if (node.group?.id == null && node.group?.name != null && node.group.name !== '' && hasGroup(accounts, node.group.name) === false) {
    fail('NO_SUCH_GROUP', at, node.group.name);
  }
}

async function planStorageNodes(tree: SimTree, accounts: Accounts, config: Config): Promise<void> {
  const plan = planNodes(config.storage);
  const hosts: string[] = [];
  const seen = new Map<string, string>();
  for (const p of plan) {
    const host = await resolveIn(tree, p.entry.path, p.at);
    const other = seen.get(host);
    if (other !== undefined) fail('RESOLVED_CONFLICT', p.at, p.entry.path, host, other);
    seen.set(host, p.entry.path);
    hosts.push(host);
  }
  for (const [i, p] of plan.entries()) {
    const host = hosts[i] as string;
    if (tree.throughNewLink(host)) {
      // Resolved at run time through a link made by this config: only the owner is known now.
      if (!(p.kind === 'link' && p.entry.hard === true)) checkOwner(accounts, p.entry, p.at);
      continue;
    }
    let existing = tree.at(host);
    if (p.kind === 'file') {
      checkOwner(accounts, p.entry, p.at);
      if (p.entry.overwrite === true && existing !== null) existing = null;
      if (existing !== null) {
        if (existing.kind !== 'file') fail('NON_REGULAR_FILE_EXISTS', p.at, host);
        if (p.entry.contents?.source != null) fail('FILE_EXISTS', p.at, host);
        continue;
      }
      tree.makeParents(host, p.at, p.entry.path);
      tree.set(host, { kind: 'file' });
    } else if (p.kind === 'directory') {
      checkOwner(accounts, p.entry, p.at);
      if (p.entry.overwrite === true && existing !== null) existing = null;
      if (existing === null) {
        tree.makeParents(host, p.at, p.entry.path);
        tree.set(host, { kind: 'dir' });
      } else if (existing.kind !== 'dir') {
        fail('NON_DIRECTORY_EXISTS', p.at, host);
      }
    } else {
      const target = p.entry.target ?? '';
      const hard = p.entry.hard === true;
      const targetHost = hard ? await resolveNode(tree.root, target) : '';
      const targetNode = hard ? tree.at(targetHost) : null;
      if (existing !== null) {
        const same = hard
          ? existing.ino !== undefined && existing.ino === targetNode?.ino
          : existing.kind === 'link' && cleanTarget(existing.target ?? '') === cleanTarget(target);
        if (p.entry.overwrite === true) existing = null;
        else if (!same) fail('LINK_EXISTS', p.at, host);
      }
      if (existing === null) {
        tree.makeParents(host, p.at, p.entry.path);
        if (hard && targetNode === null) fail('HARD_LINK_TARGET_MISSING', p.at, p.entry.path, target);
        if (hard && targetNode?.kind === 'dir') fail('HARD_LINK_TARGET_DIRECTORY', p.at, p.entry.path, target);
        tree.set(host, hard ? { kind: targetNode?.kind ?? 'file', ino: targetNode?.ino } : { kind: 'link', target });
      }
      if (!hard) checkOwner(accounts, p.entry, p.at);
    }
  }
}

/** Unit files, drop-ins and masks replace whatever node is there; only their parents can conflict. */
async function planUnits(tree: SimTree, config: Config): Promise<void> {
  const units = config.systemd?.units ?? [];
  const place = async (path: string, at: ConfigPath, node: SimNode): Promise<void> => {
    const host = await resolveIn(tree, path, at);
    if (tree.throughNewLink(host)) return;
    tree.makeParents(host, at, path);
    tree.set(host, node);
  };
  for (const [i, unit] of units.entries()) {
    const at: ConfigPath = ['systemd', 'units', i];
    for (const dropin of unit.dropins ?? []) {
      if (dropin.contents != null) await place(join(SYSTEMD_UNIT_DIR, `${unit.name}.d`, dropin.name), at, { kind: 'file' });
    }
    if (unit.contents != null && unit.contents !== '') await place(join(SYSTEMD_UNIT_DIR, unit.name), at, { kind: 'file' });
    if (unit.mask === true) await place(join(SYSTEMD_UNIT_DIR, unit.name), at, { kind: 'link', target: '/dev/null' });
  }
  if (units.some((u) => u.enabled != null)) await place(PRESET_FILE, ['systemd', 'units'], { kind: 'file' });
}

/** crypttab.ts's refusals: missing disks-stage records, a key file or crypttab over the wrong node. */
async function planCrypttab(tree: SimTree, config: Config, ctx: StageContext): Promise<void> {
  const volumes = (config.storage?.luks ?? []) as unknown as CrypttabLuks[];
  if (volumes.length === 0) return;
  const planned = planLuks(volumes, ctx.previous?.luks ?? []);
  const withKeys = planned.filter((p) => !usesClevis(p.luks));
  if (withKeys.length > 0) {
    const dir = tree.at(await resolveInRoot(tree.root, LUKS_KEY_DIR));
    if (dir !== null && dir.kind !== 'dir') fail('NON_DIRECTORY_EXISTS', ['storage', 'luks'], await resolveInRoot(tree.root, LUKS_KEY_DIR));
    for (const p of withKeys) {
      const host = await resolveInRoot(tree.root, keyFilePath(p.luks.name));
      const node = tree.at(host);
      if (node !== null) fail(node.kind === 'file' ? 'FILE_EXISTS' : 'NON_REGULAR_FILE_EXISTS', p.at, host);
    }
  }
  const crypttab = await resolveInRoot(tree.root, CRYPTTAB);
  const node = tree.at(crypttab);
  if (node !== null && node.kind !== 'file') fail('NON_REGULAR_FILE_EXISTS', ['storage', 'luks'], crypttab);
}

/**
 * Fails, having written nothing, when the run would fail on something the config and the root
 * already decide. Run only before a fresh run: a resumed run's root holds its own earlier work.
 */
export async function planFilesStage(root: string, config: Config, ctx: StageContext): Promise<void> {
  const tree = new SimTree(root);
  const accounts = await planAccounts(root, config);
  await planStorageNodes(tree, accounts, config);
  await planUnits(tree, config);
  try {
    await planCrypttab(tree, config, ctx);
  } catch (error) {
    if (ProvisionError.is(error) && error.path === undefined) error.path = ['storage', 'luks'];
    throw error;
  }
  // The result file is always written, so a relabelling distro always relabels: the policy must be named.
  if (ctx.distro.selinuxRelabel) await selinuxType(root);
  const result = await resolveInRoot(root, RESULT_FILE);
  if (tree.at(result)?.kind === 'dir') {
    throw new ProvisionError({ code: 'RESULT_FILE_IS_DIRECTORY', message: messageFor('RESULT_FILE_IS_DIRECTORY', RESULT_FILE) });
  }
}
