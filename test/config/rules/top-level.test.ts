// Config-level rules (ignition-spec.md §4.1): nodes that collide with systemd unit and drop-in
// paths, reported before anything else, files then directories then links.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const units = {
  units: [
    { name: 'a.service', contents: '[Unit]\n', dropins: [{ name: 'x.conf', contents: '[Unit]\n' }, { name: 'empty.conf', contents: '' }] },
    { name: 'b.service', enabled: true },
  ],
};

const rows: Row[] = [
  {
    name: 'file at a unit path',
    version: '3.0.0',
    config: { storage: { files: [{ path: '/etc/systemd/system/a.service' }] }, systemd: units },
    expect: [['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.files.0.path']],
  },
  {
    name: 'conflicts come files, directories, links, before other checks',
    version: '3.3.0',
    config: {
      storage: {
        links: [{ path: '/etc/systemd/system/a.service.d/x.conf', target: '/x' }],
        directories: [{ path: '/etc/systemd/system/a.service' }],
        files: [{ path: 'rel' }, { path: '/etc/systemd/system/a.service' }],
      },
      systemd: units,
    },
    expect: [
      ['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.files.1.path'],
      ['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.directories.0.path'],
      ['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.links.0.path'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.files.0.path'],
      ['error', 'DUPLICATE', '$.storage.files.1'],
    ],
  },
  {
    name: 'units and drop-ins without contents do not claim their path',
    version: '3.6.0',
    config: {
      storage: { files: [{ path: '/etc/systemd/system/b.service' }, { path: '/etc/systemd/system/a.service.d/empty.conf' }] },
      systemd: units,
    },
    expect: [],
  },
  { name: 'an empty config', version: '3.6.0', config: {}, expect: [] },
  { name: 'a minimal 3.0 config', version: '3.0.0', config: {}, expect: [] },
];

describe('top-level rules', () => runTable(rows));
