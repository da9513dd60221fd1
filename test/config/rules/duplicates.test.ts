// The duplicate check (ignition-spec.md §4.3): keys per list, the shared spaces, the exempt lists,
// and the walk order in which duplicates are reported after all other findings.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const rows: Row[] = [
  {
    name: 'a file colliding with a directory is the one reported',
    version: '3.3.0',
    config: { storage: { files: [{ path: '/a' }], directories: [{ path: '/a' }] } },
    expect: [['error', 'DUPLICATE', '$.storage.files.0']],
  },
  {
    name: 'links share the node space',
    version: '3.0.0',
    config: { storage: { links: [{ path: '/a', target: '/b' }], files: [{ path: '/a' }] } },
    expect: [['error', 'DUPLICATE', '$.storage.links.0']],
  },
  {
    name: 'kernel arguments share one space',
    version: '3.3.0',
    config: { kernelArguments: { shouldExist: ['a', 'b'], shouldNotExist: ['b', 'a', 'c', 'c'] } },
    expect: [
      ['error', 'DUPLICATE', '$.kernelArguments.shouldNotExist.0'],
      ['error', 'DUPLICATE', '$.kernelArguments.shouldNotExist.1'],
      ['error', 'DUPLICATE', '$.kernelArguments.shouldNotExist.3'],
    ],
  },
  {
    name: 'exempt lists: append, options, mountOptions',
    version: '3.3.0',
    config: {
      storage: {
        files: [{ path: '/f', append: [{ source: 'data:,a' }, { source: 'data:,a' }] }],
        filesystems: [{ device: '/dev/a', format: 'ext4', options: ['-x', '-x'], mountOptions: ['ro', 'ro'] }],
        luks: [{ name: 'l', device: '/dev/b', options: ['-y', '-y'] }],
        raid: [{ name: 'r', level: 'raid1', devices: ['/dev/c'], options: ['--z', '--z'] }],
      },
    },
    expect: [],
  },
  {
    name: 'walk order across sections',
    version: '3.3.0',
    config: {
      passwd: {
        users: [{ name: 'a', groups: ['x', 'x'], sshAuthorizedKeys: ['k', 'k'] }, { name: 'a' }],
        groups: [{ name: 'g' }, { name: 'g' }],
      },
      storage: {
        files: [{ path: '/a' }, { path: '/a' }],
        directories: [{ path: '/a' }, { path: '/b' }],
        links: [{ path: '/b', target: 'x' }, { path: '/c', target: 'x' }],
        disks: [{ device: '/dev/a' }, { device: '/dev/a', partitions: [{ number: 1 }, { number: 1 }] }],
        raid: [{ name: 'r', level: 'raid1', devices: ['/dev/a', '/dev/a'] }, { name: 'r', level: 'raid1', devices: ['/dev/b'] }],
        filesystems: [{ device: '/dev/x', format: 'ext4' }, { device: '/dev/x', format: 'ext4' }],
      },
      systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x.conf' }, { name: 'x.conf' }] }, { name: 'a.service' }] },
    },
    expect: [
      ['error', 'PARTITION_NUMBERS_COLLIDE', '$.storage.disks.1.partitions.1'],
      ['error', 'DUPLICATE', '$.passwd.groups.1'],
      ['error', 'DUPLICATE', '$.passwd.users.1'],
      ['error', 'DUPLICATE', '$.passwd.users.0.groups.1'],
      ['error', 'DUPLICATE', '$.passwd.users.0.sshAuthorizedKeys.1'],
      ['error', 'DUPLICATE', '$.storage.disks.1'],
      ['error', 'DUPLICATE', '$.storage.files.0'],
      ['error', 'DUPLICATE', '$.storage.files.1'],
      ['error', 'DUPLICATE', '$.storage.filesystems.1'],
      ['error', 'DUPLICATE', '$.storage.links.0'],
      ['error', 'DUPLICATE', '$.storage.raid.1'],
      ['error', 'DUPLICATE', '$.storage.disks.1.partitions.1'],
      ['error', 'DUPLICATE', '$.storage.raid.0.devices.1'],
      ['error', 'DUPLICATE', '$.systemd.units.1'],
      ['error', 'DUPLICATE', '$.systemd.units.0.dropins.1'],
    ],
  },
  {
    name: 'ignition section lists: merge, headers, noProxy, CAs',
    version: '3.1.0',
    config: {
      ignition: {
        config: {
          merge: [
            { source: 'http://a', httpHeaders: [{ name: 'h', value: '1' }, { name: 'h', value: '2' }] },
            { source: 'http://a' },
          ],
          replace: { source: 'http://r', httpHeaders: [{ name: 'x', value: '1' }, { name: 'x', value: '1' }] },
        },
        proxy: { httpProxy: 'http://p', noProxy: ['a', 'a'] },
        security: { tls: { certificateAuthorities: [{ source: 'http://c' }, { source: 'http://c' }] } },
      },
    },
    expect: [
      ['error', 'DUPLICATE', '$.ignition.config.merge.1'],
      ['error', 'DUPLICATE', '$.ignition.config.merge.0.httpHeaders.1'],
      ['error', 'DUPLICATE', '$.ignition.config.replace.httpHeaders.1'],
      ['error', 'DUPLICATE', '$.ignition.proxy.noProxy.1'],
      ['error', 'DUPLICATE', '$.ignition.security.tls.certificateAuthorities.1'],
    ],
  },
  {
    name: 'partitions keyed by label when unnumbered',
    version: '3.3.0',
    config: { storage: { disks: [{ device: '/dev/a', partitions: [{ label: 'x' }, { label: 'x' }, { number: 2, label: 'x' }] }] } },
    expect: [
      ['error', 'PARTITION_LABELS_COLLIDE', '$.storage.disks.0.partitions.1'],
      ['error', 'DUPLICATE', '$.storage.disks.0.partitions.1'],
    ],
  },
  {
    name: 'luks: names, open options, tang urls, in that order',
    version: '3.4.0',
    config: {
      storage: {
        luks: [
          {
            name: 'a',
            device: '/dev/a',
            openOptions: ['--x', '--x'],
            clevis: { tang: [{ url: 'http://t', thumbprint: 'x' }, { url: 'http://t', thumbprint: 'y' }] },
          },
          { name: 'a', device: '/dev/b' },
        ],
      },
    },
    expect: [
      ['error', 'DUPLICATE', '$.storage.luks.1'],
      ['error', 'DUPLICATE', '$.storage.luks.0.openOptions.1'],
      ['error', 'DUPLICATE', '$.storage.luks.0.clevis.tang.1'],
    ],
  },
  {
    name: 'unnamed users collide with each other',
    version: '3.3.0',
    config: { passwd: { users: [{ uid: 1 }, { uid: 2 }] } },
    expect: [['error', 'DUPLICATE', '$.passwd.users.1']],
  },
];

describe('duplicate rules', () => runTable(rows));
