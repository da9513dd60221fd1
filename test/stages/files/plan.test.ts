// The plan step: every failure the config and the root already decide is reported with the entry's
// JSON path before anything is written (the root's manifest and everything beside it unchanged, no
// journal), and the configs upstream accepts still run.
import { chownSync, existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Config } from '../../../src/stages/context.ts';
import { canRun, hasCommand, isRoot } from '../../helpers/env.ts';
import { failure } from '../../helpers/failure.ts';
import { diffTrees, outsideManifest, snapshotTree } from '../../helpers/manifest.ts';
import { newRoot, removeRoots, runFiles, text } from './support/run.ts';

afterEach(removeRoots);

type Body = Omit<Config, 'ignition'>;
const shadow = canRun('root and shadow-utils for useradd --root', isRoot && hasCommand('useradd'));

interface Rejected {
  name: string;
  body: Body;
  code: string;
  path: (string | number)[];
  /** Needs real ownership in the template (root only). */
  root?: boolean;
}

const file = (path: string, extra: object = {}) => ({ path, contents: { source: text('x\n') }, ...extra });

const REJECTED: Rejected[] = [
  { name: 'owner name nobody has or creates', body: { storage: { files: [file('/etc/a', { user: { name: 'ghost' } })] } }, code: 'NO_SUCH_USER', path: ['storage', 'files', 0] },
  { name: 'group name nobody has or creates', body: { storage: { directories: [{ path: '/srv/d', group: { name: 'ghosts' } }] } }, code: 'NO_SUCH_GROUP', path: ['storage', 'directories', 0] },
  {
    name: 'owner the same config deletes',
    body: { passwd: { users: [{ name: 'olduser', shouldExist: false }] }, storage: { files: [file('/etc/a', { user: { name: 'olduser' } })] } },
    code: 'NO_SUCH_USER',
    path: ['storage', 'files', 0],
    root: true,
  },
  { name: 'contents over an existing file, overwrite false', body: { storage: { files: [file('/etc/hostname')] } }, code: 'FILE_EXISTS', path: ['storage', 'files', 0] },
  { name: 'file over a directory', body: { storage: { files: [file('/srv/existing')] } }, code: 'NON_REGULAR_FILE_EXISTS', path: ['storage', 'files', 0] },
  { name: 'file over a symlink', body: { storage: { files: [file('/etc/systemd/system/masked.service')] } }, code: 'NON_REGULAR_FILE_EXISTS', path: ['storage', 'files', 0] },
  { name: 'directory over a file', body: { storage: { directories: [{ path: '/etc/hostname' }] } }, code: 'NON_DIRECTORY_EXISTS', path: ['storage', 'directories', 0] },
  { name: 'link over a different node', body: { storage: { links: [{ path: '/etc/motd', target: '/x' }] } }, code: 'LINK_EXISTS', path: ['storage', 'links', 0] },
  { name: 'parent that is a file', body: { storage: { files: [file('/etc/hostname/x')] } }, code: 'PARENT_NOT_DIRECTORY', path: ['storage', 'files', 0] },
  {
    name: 'parent that is a file an earlier entry makes',
    body: { storage: { files: [file('/opt/a'), file('/opt/a/b')] } },
    code: 'PARENT_NOT_DIRECTORY',
    path: ['storage', 'files', 1],
  },
  { name: 'hard link to nothing', body: { storage: { links: [{ path: '/srv/h', target: '/nope', hard: true }] } }, code: 'HARD_LINK_TARGET_MISSING', path: ['storage', 'links', 0] },
  { name: 'hard link to a directory', body: { storage: { links: [{ path: '/srv/h', target: '/srv/existing', hard: true }] } }, code: 'HARD_LINK_TARGET_DIRECTORY', path: ['storage', 'links', 0] },
  {
    name: 'user deleted together with its primary group (groups go first: groupdel refuses)',
    body: { passwd: { groups: [{ name: 'olduser', shouldExist: false }], users: [{ name: 'olduser', shouldExist: false }] } },
    code: 'GROUP_IS_PRIMARY',
    path: ['passwd', 'groups', 0],
  },
  { name: 'new user with a UID in use', body: { passwd: { users: [{ name: 'newbie', uid: 1500 }] } }, code: 'UID_IN_USE', path: ['passwd', 'users', 0] },
  { name: 'new group with a GID in use', body: { passwd: { groups: [{ name: 'newgroup', gid: 1600 }] } }, code: 'GID_IN_USE', path: ['passwd', 'groups', 0] },
  { name: 'supplementary group nobody has', body: { passwd: { users: [{ name: 'newbie', groups: ['wheel', 'ghosts'] }] } }, code: 'USER_GROUP_MISSING', path: ['passwd', 'users', 0] },
  { name: "new user whose user group's name is taken", body: { passwd: { users: [{ name: 'oldgroup' }] } }, code: 'USER_GROUP_EXISTS', path: ['passwd', 'users', 0] },
  {
    name: 'drop-in whose directory is a file the config makes',
    body: {
      storage: { files: [file('/etc/systemd/system/app.service.d')] },
      systemd: { units: [{ name: 'app.service', dropins: [{ name: '10-x.conf', contents: '[Service]\n' }] }] },
    },
    code: 'PARENT_NOT_DIRECTORY',
    path: ['systemd', 'units', 0],
  },
  {
    name: 'valid users and files first, a conflict last',
    body: { passwd: { users: [{ name: 'core' }] }, storage: { files: [file('/etc/ok'), file('/etc/hostname')] } },
    code: 'FILE_EXISTS',
    path: ['storage', 'files', 1],
  },
];

describe('plan step: rejected before the first write', () => {
  test.each(REJECTED)('$name', async ({ body, code, path, root: needsRoot }) => {
    if (needsRoot === true && !isRoot) return;
    const root = newRoot();
    const before = snapshotTree(root);
    const outside = outsideManifest(root);
    const error = await failure(() => runFiles(root, body));
    expect(error).toMatchObject({ code, path });
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
  });

  test('a home the user does not own: userdel --remove would fail', async () => {
    if (!isRoot) return;
    const root = newRoot();
    chownSync(join(root, 'home/olduser'), 0, 0);
    const before = snapshotTree(root);
    const error = await failure(() => runFiles(root, { passwd: { users: [{ name: 'olduser', shouldExist: false }] } }));
    expect(error).toMatchObject({ code: 'HOME_NOT_OWNED', path: ['passwd', 'users', 0] });
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
  });
});

describe('plan step: what upstream accepts still runs', () => {
  test('overwrite replaces a directory, a file and a link; append to a file; an identical link stays', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: {
        files: [file('/srv/existing', { overwrite: true }), file('/etc/hostname', { overwrite: true }), { path: '/etc/motd', append: [{ source: text('more\n') }] }],
        links: [
          { path: '/etc/systemd/system/masked.service', target: '/x', overwrite: true },
          { path: '/lib', target: 'usr/lib' },
        ],
      },
    });
    expect(lstatSync(join(root, 'srv/existing')).isFile()).toBe(true);
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('welcome\nmore\n');
    expect(readlinkSync(join(root, 'etc/systemd/system/masked.service'))).toBe('/x');
  });

  test('a path through a link the config makes, and a hard link to a file the config makes', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: {
        files: [file('/opt/target')],
        links: [{ path: '/data', target: '/srv/existing' }, { path: '/opt/hard', target: '/opt/target', hard: true }],
        directories: [{ path: '/data/sub' }],
      },
    });
    expect(lstatSync(join(root, 'srv/existing/sub')).isDirectory()).toBe(true);
    expect(lstatSync(join(root, 'opt/hard')).ino).toBe(lstatSync(join(root, 'opt/target')).ino);
  });

  test('units, drop-ins and masks replace whatever node is at their path', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: { directories: [{ path: '/etc/systemd/system/a.service' }] },
      systemd: { units: [{ name: 'a.service', contents: '[Service]\n' }, { name: 'preexisting.service', mask: true }] },
    });
    expect(lstatSync(join(root, 'etc/systemd/system/a.service')).isFile()).toBe(true);
    expect(readlinkSync(join(root, 'etc/systemd/system/preexisting.service'))).toBe('/dev/null');
  });

  test.runIf(shadow)('owners the config creates: a new user, its user group and a new group', async () => {
    const root = newRoot();
    await runFiles(root, {
      passwd: { groups: [{ name: 'team' }], users: [{ name: 'core', groups: ['team'] }] },
      storage: { files: [file('/etc/a', { user: { name: 'core' }, group: { name: 'core' } }), file('/etc/b', { group: { name: 'team' } })] },
    });
    expect(existsSync(join(root, 'etc/a'))).toBe(true);
    expect(existsSync(join(root, 'etc/.kindling-files-journal'))).toBe(false);
  });
});
