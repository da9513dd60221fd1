// Users, groups and SSH keys: the shadow-utils command lines as upstream builds them, real
// useradd/groupadd --root runs on a template root, and password hashes that never reach the log.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { groupaddArgs, groupmodArgs, useraddArgs, usermodArgs } from '../../../src/stages/files/passwd.ts';
import { canRun, hasCommand, isRoot } from '../../helpers/env.ts';
import { testContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles } from './support/run.ts';

afterEach(removeRoots);

const HASH = '$6$rounds=5000$salt$VERYSECRETHASHVALUE';

describe('command lines', () => {
  test('useradd with every option, in upstream order', () => {
    const a = useraddArgs('/r', {
      name: 'u', homeDir: '/h', noCreateHome: true, noUserGroup: true, system: true, noLogInit: true,
      passwordHash: HASH, uid: 5, gecos: 'G', primaryGroup: 'p', groups: ['a', 'b'], shell: '/bin/sh',
    });
    expect(a.args).toEqual([
      '--root', '/r', '--home-dir', '/h', '--no-create-home', '--no-user-group', '--system', '--no-log-init',
      '--password', HASH, '--uid', '5', '--comment', 'G', '--gid', 'p', '--groups', 'a,b', '--shell', '/bin/sh', 'u',
    ]);
    expect(a.redact.map((i) => a.args[i])).toEqual([HASH]);
  });

  test('a new user without a hash, or with an empty one, is locked with *', () => {
    expect(useraddArgs('/r', { name: 'u' }).args).toEqual(['--root', '/r', '--create-home', '--password', '*', 'u']);
    expect(useraddArgs('/r', { name: 'u', passwordHash: '' }).args).toContain('*');
  });

  test('usermod moves the home and runs only when something changes', () => {
    expect(usermodArgs('/r', { name: 'u', homeDir: '/n', shell: '/bin/zsh' })?.args).toEqual([
      '--root', '/r', '--home', '/n', '--move-home', '--shell', '/bin/zsh', 'u',
    ]);
    expect(usermodArgs('/r', { name: 'u', sshAuthorizedKeys: ['k'] })).toBeNull();
  });

  test('groupadd passes --password only with a hash; groupmod only with changes', () => {
    expect(groupaddArgs('/r', { name: 'g', gid: 9, system: true }).args).toEqual(['--root', '/r', '--gid', '9', '--system', 'g']);
    expect(groupaddArgs('/r', { name: 'g', passwordHash: HASH }).redact).toHaveLength(1);
    expect(groupmodArgs('/r', { name: 'g' })).toBeNull();
    expect(groupmodArgs('/r', { name: 'g', gid: 10 })?.args).toEqual(['--root', '/r', '--gid', '10', 'g']);
  });
});

const realTools = canRun('root and shadow-utils for useradd --root', isRoot && hasCommand('useradd') && hasCommand('groupadd'));

describe.runIf(realTools)('real useradd/groupadd --root', () => {
  test('groups before users, keys with upstream modes and owners, hash never logged', async () => {
    const root = newRoot();
    const ctx = testContext(root);
    await runFiles(
      root,
      {
        passwd: {
          groups: [{ name: 'team', gid: 4242 }],
          users: [{ name: 'core', uid: 1100, groups: ['team'], passwordHash: HASH, sshAuthorizedKeys: ['ssh-ed25519 AAAA one', 'ssh-rsa BBBB two'] }],
        },
      },
      ctx,
    );
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).toMatch(/^team:x:4242:core$/m);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^core:x:1100:1100::\/home\/core:/m);
    expect(readFileSync(join(root, 'etc/shadow'), 'utf8')).toContain(`core:${HASH}:`);
    const keys = join(root, 'home/core/.ssh/authorized_keys.d/ignition');
    expect(readFileSync(keys, 'utf8')).toBe('ssh-ed25519 AAAA one\nssh-rsa BBBB two\n');
    const info = (p: string) => { const s = lstatSync(p); return [s.mode & 0o7777, s.uid, s.gid]; };
    expect(info(join(root, 'home/core/.ssh'))).toEqual([0o700, 1100, 1100]);
    expect(info(join(root, 'home/core/.ssh/authorized_keys.d'))).toEqual([0o700, 1100, 1100]);
    expect(info(keys)).toEqual([0o600, 1100, 1100]);
    expect(ctx.lines.join('\n')).not.toContain('VERYSECRETHASHVALUE');
    expect(ctx.lines.join('\n')).toContain('<redacted>');
  });

  test('existing users are modified, absent ones deleted with their home', async () => {
    const root = newRoot();
    await runFiles(root, { passwd: { users: [{ name: 'olduser', shouldExist: false }, { name: 'nobody', shell: '/bin/false' }], groups: [{ name: 'oldgroup', shouldExist: false }] } });
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    expect(passwd).not.toMatch(/^olduser:/m);
    expect(passwd).toMatch(/^nobody:.*:\/bin\/false$/m);
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).not.toMatch(/^oldgroup:/m);
    expect(() => lstatSync(join(root, 'home/olduser'))).toThrow();
  });

  test('authorized_keys instead of the fragment when the distro says so', async () => {
    const root = newRoot();
    await runFiles(root, { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['k1'] }] } }, testContext(root, { distro: { writeAuthorizedKeysFragment: false } }));
    expect(readFileSync(join(root, 'home/core/.ssh/authorized_keys'), 'utf8')).toBe('k1\n');
  });

  test('a primary group that does not exist fails in the plan step, blaming the user entry', async () => {
    const root = newRoot();
    await expect(runFiles(root, { passwd: { users: [{ name: 'bad', primaryGroup: 'no-such-group' }] } })).rejects.toMatchObject({
      code: 'USER_GROUP_MISSING',
      path: ['passwd', 'users', 0],
    });
  });

  test('a failing useradd is one error blaming the user entry', async () => {
    const root = newRoot();
    const ctx = testContext(root);
    ctx.tools.useradd = 'false';
    await expect(runFiles(root, { passwd: { users: [{ name: 'bad' }] } }, ctx)).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      path: ['passwd', 'users', 0],
    });
  });
});
