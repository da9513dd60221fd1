// The entry point as a whole: report order across sections, and that arbitrary (even ill-typed)
// input never throws and never produces an internal error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSemantics } from '../../../src/config/rules/index.ts';
import { SPEC_VERSIONS } from '../../../src/config/versions.ts';
import { runTable, type Row } from './table.ts';

const rows: Row[] = [
  {
    name: 'systemd conflicts, ignition, storage, systemd, then duplicates',
    version: '3.3.0',
    config: {
      ignition: { config: { merge: [{ source: '' }] } },
      storage: { files: [{ path: '/etc/systemd/system/a.service' }, { path: '/etc/systemd/system/a.service' }] },
      systemd: { units: [{ name: 'a.service', contents: '[Unit]\n' }, { name: 'bad' }] },
    },
    expect: [
      ['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.files.0.path'],
      ['error', 'PATH_CONFLICTS_SYSTEMD', '$.storage.files.1.path'],
      ['error', 'SOURCE_REQUIRED', '$.ignition.config.merge.0'],
      ['error', 'UNIT_EXTENSION_INVALID', '$.systemd.units.1.name'],
      ['error', 'DUPLICATE', '$.storage.files.1'],
    ],
  },
  {
    name: 'storage lists in field order: directories, disks, files, filesystems, links, luks, raid',
    version: '3.6.0',
    config: {
      storage: {
        raid: [{ level: 'raid1', devices: [] }],
        luks: [{ device: 'x' }],
        links: [{ path: 'l', target: '/t' }],
        filesystems: [{ device: 'f' }],
        files: [{ path: 'f' }],
        disks: [{ device: 'd' }],
        directories: [{ path: 'd' }],
      },
    },
    expect: [
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.directories.0.path'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.disks.0.device'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.files.0.path'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.filesystems.0.device'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.links.0.path'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.luks.0.device'],
      ['error', 'RAID_DEVICES_REQUIRED', '$.storage.raid.0.devices'],
    ],
  },
];

describe('validateSemantics', () => {
  runTable(rows);

  it('never throws and never reports an internal error, whatever the shape', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(
        'storage', 'files', 'links', 'directories', 'disks', 'partitions', 'filesystems', 'luks', 'raid', 'systemd', 'units',
        'dropins', 'path', 'target', 'hard', 'mode', 'contents', 'source', 'user', 'group', 'id', 'name', 'clevis', 'custom',
        'tang', 'url', 'device', 'format', 'label', 'number', 'startMiB', 'sizeMiB', 'ignition', 'config', 'merge', 'proxy',
        'httpHeaders', 'verification', 'hash', 'enabled', 'passwd', 'users', 'kernelArguments', 'shouldExist', 'devices', 'level',
      ), tie('node'), { maxKeys: 5 })),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('ignition', 'storage', 'systemd', 'passwd', 'kernelArguments'), tree.node), fc.constantFrom(...SPEC_VERSIONS), (config, version) => {
        const report = validateSemantics(config, version);
        expect(report.filter((e) => e.code === 'INTERNAL')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
