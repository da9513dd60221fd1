// Configs (spec 3.0-3.3) that Kindling's files stage and Ignition 2.14 both run against copies of
// the template root; each names what it exercises. `fails` marks configs both must reject.
import { gzipSync } from 'node:zlib';

export interface DiffCase {
  name: string;
  config: Record<string, unknown>;
  fails?: boolean;
  /** Paths where Ignition 2.14 differs from current upstream, which Kindling follows (docs/compatibility.md). */
  upstreamDiffers?: string[];
}

const text = (s: string): string => `data:,${encodeURIComponent(s)}`;
const b64 = (s: string): string => `data:;base64,${Buffer.from(s).toString('base64')}`;
const gz = (s: string): string => `data:;base64,${gzipSync(Buffer.from(s)).toString('base64')}`;

const v = (version: string, body: Record<string, unknown>): Record<string, unknown> => ({ ignition: { version }, ...body });
const files = (...f: unknown[]): Record<string, unknown> => ({ storage: { files: f } });
const units = (...u: unknown[]): Record<string, unknown> => ({ systemd: { units: u } });
const users = (...u: unknown[]): Record<string, unknown> => ({ passwd: { users: u } });

const unit = '[Unit]\nDescription=test\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

export const CASES: DiffCase[] = [
  { name: 'plain file', config: v('3.0.0', files({ path: '/etc/hello.txt', contents: { source: text('hello\n') } })) },
  { name: 'file mode 0600', config: v('3.3.0', files({ path: '/etc/secret', mode: 384, contents: { source: text('s') } })) },
  { name: 'file mode 0755 deep path', config: v('3.1.0', files({ path: '/opt/a/b/c/run.sh', mode: 493, contents: { source: text('#!/bin/sh\n') } })) },
  { name: 'empty file without contents', config: v('3.2.0', files({ path: '/var/lib/empty' })) },
  { name: 'empty source string', config: v('3.3.0', files({ path: '/etc/empty2', contents: { source: '' } })) },
  { name: 'append to new file', config: v('3.0.0', files({ path: '/etc/app.conf', append: [{ source: text('a=1\n') }, { source: text('b=2\n') }] })) },
  { name: 'contents then appends', config: v('3.3.0', files({ path: '/etc/both', contents: { source: text('head\n') }, append: [{ source: text('tail\n') }] })) },
  { name: 'append to existing file keeps it', config: v('3.1.0', files({ path: '/etc/motd', append: [{ source: text('more\n') }] })) },
  { name: 'overwrite existing file', config: v('3.0.0', files({ path: '/etc/hostname', overwrite: true, contents: { source: text('node1\n') } })) },
  { name: 'existing file without overwrite fails', fails: true, config: v('3.3.0', files({ path: '/etc/hostname', contents: { source: text('x') } })) },
  { name: 'existing file: only mode', config: v('3.2.0', files({ path: '/etc/motd', mode: 384 })) },
  { name: 'owners by id', config: v('3.3.0', files({ path: '/srv/owned', user: { id: 1234 }, group: { id: 5678 }, contents: { source: text('o') } })) },
  { name: 'owners by name', config: v('3.3.0', files({ path: '/srv/named', user: { name: 'daemon' }, group: { name: 'wheel' } })) },
  { name: 'unknown user fails', fails: true, config: v('3.3.0', files({ path: '/srv/x', user: { name: 'nosuchuser' } })) },
  { name: 'unknown group fails', fails: true, config: v('3.0.0', files({ path: '/srv/y', group: { name: 'nosuchgroup' } })) },
  { name: 'base64 contents', config: v('3.1.0', files({ path: '/etc/b64', contents: { source: b64('binary\u0000data\n') } })) },
  { name: 'gzip contents', config: v('3.3.0', files({ path: '/etc/gz', contents: { compression: 'gzip', source: gz('compressed text\n'.repeat(50)) } })) },
  { name: 'file through relative symlink in root', config: v('3.3.0', files({ path: '/lib/modules-load.d/x.conf', contents: { source: text('loop\n') } })) },
  { name: 'directory', config: v('3.0.0', { storage: { directories: [{ path: '/srv/data' }] } }) },
  { name: 'nested directory mode 0700', config: v('3.3.0', { storage: { directories: [{ path: '/srv/a/b/c', mode: 448 }] } }) },
  { name: 'existing directory mode', config: v('3.2.0', { storage: { directories: [{ path: '/var/lib', mode: 488 }] } }) },
  { name: 'existing directory no mode', config: v('3.2.0', { storage: { directories: [{ path: '/root' }] } }) },
  { name: 'directory owner by name', config: v('3.1.0', { storage: { directories: [{ path: '/srv/d', user: { name: 'bin' }, group: { name: 'adm' }, mode: 1528 }] } }) },
  { name: 'directory over file fails', fails: true, config: v('3.3.0', { storage: { directories: [{ path: '/etc/motd' }] } }) },
  { name: 'directory overwrite replaces file', config: v('3.3.0', { storage: { directories: [{ path: '/etc/motd', overwrite: true }] } }) },
  { name: 'symlink absolute', config: v('3.0.0', { storage: { links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }] } }) },
  { name: 'symlink relative deep', config: v('3.3.0', { storage: { links: [{ path: '/usr/bin/vi', target: '../../bin/vim' }] } }) },
  { name: 'symlink identical existing', config: v('3.3.0', { storage: { links: [{ path: '/etc/systemd/system/multi-user.target.wants/preexisting.service', target: '/etc/systemd/system/preexisting.service' }] } }) },
  { name: 'symlink different existing fails', fails: true, config: v('3.3.0', { storage: { links: [{ path: '/etc/systemd/system/masked.service', target: '/etc/other' }] } }) },
  { name: 'symlink overwrite file', config: v('3.3.0', { storage: { links: [{ path: '/etc/hostname', target: '/run/hostname', overwrite: true }] } }) },
  { name: 'symlink with owner', config: v('3.2.0', { storage: { links: [{ path: '/srv/l', target: 'x', user: { id: 7 }, group: { name: 'adm' } }] } }) },
  { name: 'hard link to new file', config: v('3.3.0', { storage: { files: [{ path: '/srv/deep/dir/orig', contents: { source: text('hard') } }], links: [{ path: '/srv/h', target: '/srv/deep/dir/orig', hard: true }] } }) },
  { name: 'hard link to template file', config: v('3.0.0', { storage: { links: [{ path: '/etc/motd2', target: '/etc/motd', hard: true }] } }) },
  { name: 'files dirs links mixed depths', config: v('3.3.0', { storage: { files: [{ path: '/m/a/b/f', mode: 416 }, { path: '/m/g', contents: { source: text('g') } }], directories: [{ path: '/m/a', mode: 457 }], links: [{ path: '/m/a/l', target: 'b/f' }] } }) },
  { name: 'unit contents', config: v('3.0.0', units({ name: 'hello.service', contents: unit })) },
  { name: 'unit enabled', config: v('3.3.0', units({ name: 'hello.service', contents: unit, enabled: true })) },
  { name: 'disable enabled template unit', config: v('3.3.0', units({ name: 'preexisting.service', enabled: false })) },
  { name: 'disable unknown unit writes nothing', upstreamDiffers: ['/etc/systemd/system-preset'], config: v('3.2.0', units({ name: 'ghost.service', enabled: false })) },
  { name: 'mask unit', config: v('3.1.0', units({ name: 'mask-me.service', mask: true })) },
  { name: 'mask over unit file', config: v('3.3.0', units({ name: 'preexisting.service', mask: true })) },
  { name: 'unmask masked unit', config: v('3.3.0', units({ name: 'masked.service', mask: false })) },
  { name: 'drop-ins', config: v('3.0.0', units({ name: 'sshd.service', dropins: [{ name: '10-a.conf', contents: '[Service]\nEnvironment=A=1\n' }, { name: '20-b.conf', contents: '' }] })) },
  { name: 'several enabled units', config: v('3.3.0', units({ name: 'zz.service', contents: unit, enabled: true }, { name: 'aa.service', contents: unit, enabled: true }, { name: 'mm.timer', contents: '[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n', enabled: true })) },
  { name: 'user simple', config: v('3.0.0', users({ name: 'core' })) },
  { name: 'user full', config: v('3.3.0', users({ name: 'ops', uid: 2001, gecos: 'Ops Person', shell: '/bin/bash', homeDir: '/var/home/ops', groups: ['wheel', 'adm'] })) },
  { name: 'user no home', config: v('3.1.0', users({ name: 'svc', noCreateHome: true, system: true })) },
  { name: 'user no user group', config: v('3.3.0', users({ name: 'pg', noUserGroup: true, primaryGroup: 'users', noLogInit: true })) },
  { name: 'user password hash', config: v('3.3.0', users({ name: 'pw', passwordHash: '$6$saltsalt$G0ZrGlmC6fRdmWPGXSx5hS8xMIjz4GPqEv0v3ap4JFvN3zJMhCvBkl.gTiK4MiqC5YO3o0p9kCEQ7/.Uj3hDv/' })) },
  { name: 'user ssh keys', config: v('3.3.0', users({ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza key1', 'ssh-rsa AAAAB3Nza key2'] })) },
  { name: 'keys for a user without a home fail', fails: true, config: v('3.3.0', users({ name: 'nh', noCreateHome: true, homeDir: '/srv/nohome/x', sshAuthorizedKeys: ['k'] })) },
  { name: 'existing user gets keys', config: v('3.2.0', users({ name: 'olduser', sshAuthorizedKeys: ['ssh-ed25519 AAAA old'] })) },
  { name: 'modify existing user', config: v('3.3.0', users({ name: 'olduser', shell: '/bin/bash', gecos: 'Renamed' })) },
  { name: 'delete user', config: v('3.2.0', users({ name: 'olduser', shouldExist: false })) },
  { name: 'group with gid', config: v('3.0.0', { passwd: { groups: [{ name: 'devs', gid: 3000 }] } }) },
  { name: 'system group', config: v('3.3.0', { passwd: { groups: [{ name: 'sysg', system: true }] } }) },
  { name: 'user in new group', config: v('3.3.0', { passwd: { groups: [{ name: 'team', gid: 4000 }], users: [{ name: 'dev', groups: ['team'], primaryGroup: 'team' }] } }) },
  { name: 'delete group', config: v('3.2.0', { passwd: { groups: [{ name: 'oldgroup', shouldExist: false }] } }) },
  { name: 'file owned by created user', config: v('3.3.0', { passwd: { users: [{ name: 'core' }] }, storage: { files: [{ path: '/home/core/.config/app.conf', user: { name: 'core' }, group: { name: 'core' }, contents: { source: text('x') } }] } }) },
  { name: 'file through absolute symlink in root', config: v('3.3.0', files({ path: '/usr/local/etc/via-abs.conf', contents: { source: text('abs\n') } })) },
  { name: 'overwrite file over directory', config: v('3.3.0', files({ path: '/srv/existing', overwrite: true, contents: { source: text('was a dir\n') } })) },
  { name: 'overwrite with appends', config: v('3.3.0', files({ path: '/etc/motd', overwrite: true, contents: { source: text('new\n') }, append: [{ source: text('+1\n') }] })) },
  { name: 'file mode 0', config: v('3.3.0', files({ path: '/srv/zero', mode: 0, contents: { source: text('z') } })) },
  { name: 'existing directory owner only', config: v('3.3.0', { storage: { directories: [{ path: '/srv/existing', user: { id: 42 } }] } }) },
  { name: 'symlink to directory', config: v('3.3.0', { storage: { links: [{ path: '/data', target: '/srv/existing' }] } }) },
  { name: 'hard link overwrite', config: v('3.3.0', { storage: { links: [{ path: '/etc/hostname', target: '/etc/motd', hard: true, overwrite: true }] } }) },
  { name: 'same depth: directory and file in it', config: v('3.3.0', { storage: { files: [{ path: '/t/f', contents: { source: text('f') } }], directories: [{ path: '/t', mode: 448 }] } }) },
  { name: 'user custom home with keys', config: v('3.3.0', users({ name: 'alt', homeDir: '/srv/alt-home', sshAuthorizedKeys: ['ssh-ed25519 AAAA alt'] })) },
  { name: 'drop-in for existing unit and unit enabled', config: v('3.1.0', units({ name: 'preexisting.service', enabled: true, dropins: [{ name: 'override.conf', contents: '[Service]\nNice=5\n' }] })) },
  { name: 'dropin with null contents is skipped', config: v('3.3.0', units({ name: 'x.service', dropins: [{ name: 'a.conf' }] })) },
  { name: 'unit with empty contents is not written', config: v('3.3.0', units({ name: 'y.service', contents: '' })) },
  {
    name: 'everything together',
    config: v('3.3.0', {
      passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA all'] }], groups: [{ name: 'extra' }] },
      storage: {
        files: [{ path: '/etc/sysctl.d/10-x.conf', mode: 420, contents: { source: text('vm.x=1\n') } }],
        directories: [{ path: '/var/srv', mode: 488 }],
        links: [{ path: '/etc/x-link', target: '/etc/sysctl.d/10-x.conf' }],
      },
      systemd: { units: [{ name: 'all.service', contents: unit, enabled: true, dropins: [{ name: 'o.conf', contents: '[Unit]\n' }] }, { name: 'other.service', mask: true }] },
    }),
  },
  {
    // Nodes the shadow tools cannot touch are written while they run (tool-free-nodes.ts): the tree
    // must still be the one of upstream's sequential order, for the nodes that wait as well.
    name: 'nodes beside the shadow tools',
    config: v('3.3.0', {
      passwd: { groups: [{ name: 'team', gid: 4200 }], users: [{ name: 'core', groups: ['team'] }, { name: 'svc', homeDir: '/srv/svc/home' }] },
      storage: {
        files: [
          { path: '/var/lib/app/state', mode: 384, contents: { source: text('s') } },
          { path: '/opt/by-id', user: { id: 4321 }, group: { id: 4322 }, contents: { source: text('id') } },
          { path: '/srv/svc/data', contents: { source: text('d') } },
          { path: '/home/core/notes', contents: { source: text('n') } },
          { path: '/var/lib/app/by-name', user: { name: 'core' }, group: { name: 'team' }, contents: { source: text('x') } },
          { path: '/srv/tree/inner', contents: { source: text('i') } },
        ],
        directories: [{ path: '/srv/tree', mode: 448, user: { name: 'core' } }, { path: '/srv/plain-dir', mode: 488 }],
        links: [{ path: '/srv/to-etc', target: '/etc' }, { path: '/srv/hard', target: '/var/lib/app/state', hard: true }],
      },
    }),
  },
  // Rejected by Kindling's plan step before the first write; upstream fails on them part-way.
  { name: 'plan: file over a directory fails', fails: true, config: v('3.3.0', files({ path: '/etc/ok', contents: { source: text('ok') } }, { path: '/srv/existing', contents: { source: text('x') } })) },
  { name: 'plan: file over a symlink fails', fails: true, config: v('3.3.0', files({ path: '/etc/systemd/system/masked.service', contents: { source: text('x') } })) },
  { name: 'plan: parent that is a file fails', fails: true, config: v('3.3.0', files({ path: '/etc/ok', contents: { source: text('ok') } }, { path: '/etc/hostname/x', contents: { source: text('x') } })) },
  { name: 'plan: parent made a file by an earlier entry fails', fails: true, config: v('3.3.0', files({ path: '/opt/a', contents: { source: text('a') } }, { path: '/opt/a/b', contents: { source: text('b') } })) },
  { name: 'plan: hard link to nothing fails', fails: true, config: v('3.3.0', { storage: { links: [{ path: '/srv/h', target: '/nope', hard: true }] } }) },
  { name: 'plan: UID in use fails', fails: true, config: v('3.3.0', users({ name: 'newbie', uid: 1500 })) },
  { name: 'plan: GID in use fails', fails: true, config: v('3.3.0', { passwd: { groups: [{ name: 'newgroup', gid: 1600 }] } }) },
  { name: "plan: a taken user-group name fails", fails: true, config: v('3.3.0', users({ name: 'oldgroup' })) },
  { name: 'plan: supplementary group nobody has fails', fails: true, config: v('3.3.0', users({ name: 'newbie', groups: ['wheel', 'ghosts'] })) },
  {
    name: 'plan: drop-in below a file the config makes fails',
    fails: true,
    config: v('3.3.0', { ...files({ path: '/etc/systemd/system/app.service.d', contents: { source: text('x') } }), ...units({ name: 'app.service', dropins: [{ name: '10-x.conf', contents: '[Service]\n' }] }) }),
  },
];
