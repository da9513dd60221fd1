// RAID rules (ignition-spec.md §4.8): level messages before and after 3.3, spares, devices.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const raid = (array: Record<string, unknown>) => ({ storage: { raid: [array] } });

const rows: Row[] = [
  { name: 'raid1 array', version: '3.3.0', config: raid({ name: 'md0', level: 'raid1', devices: ['/dev/a', '/dev/b'], spares: 1 }), expect: [] },
  { name: 'numeric level', version: '3.0.0', config: raid({ name: 'md0', level: '10', devices: ['/dev/a'] }), expect: [] },
  { name: 'level missing (3.3+)', version: '3.3.0', config: raid({ name: 'md0', devices: ['/dev/a'] }), expect: [['error', 'RAID_LEVEL_REQUIRED', '$.storage.raid.0.level']] },
  { name: 'level missing (3.2)', version: '3.2.0', config: raid({ name: 'md0', devices: ['/dev/a'] }), expect: [['error', 'RAID_LEVEL_UNKNOWN', '$.storage.raid.0.level']] },
  {
    name: 'empty level and no devices (3.0)',
    version: '3.0.0',
    config: raid({ name: 'md0', level: '', devices: [] }),
    expect: [
      ['error', 'RAID_LEVEL_UNKNOWN', '$.storage.raid.0.level'],
      ['error', 'RAID_DEVICES_REQUIRED', '$.storage.raid.0.devices'],
    ],
  },
  { name: 'unknown level', version: '3.6.0', config: raid({ name: 'md0', level: 'raid7', devices: ['/dev/a'] }), expect: [['error', 'RAID_LEVEL_UNKNOWN', '$.storage.raid.0.level']] },
  { name: 'spares on stripe', version: '3.3.0', config: raid({ name: 'md0', level: 'stripe', devices: ['/dev/a'], spares: 1 }), expect: [['error', 'RAID_SPARES_UNSUPPORTED', '$.storage.raid.0.level']] },
  { name: 'zero spares on linear', version: '3.3.0', config: raid({ name: 'md0', level: 'linear', devices: ['/dev/a'], spares: 0 }), expect: [] },
  { name: 'name is not required', version: '3.3.0', config: raid({ level: 'raid1', devices: ['/dev/a'] }), expect: [] },
  {
    name: 'member devices are paths',
    version: '3.3.0',
    config: raid({ name: 'md', devices: ['dev/a', '/dev/a/'] }),
    expect: [
      ['error', 'RAID_LEVEL_REQUIRED', '$.storage.raid.0.level'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.raid.0.devices.0'],
      ['error', 'PATH_NOT_SIMPLIFIED', '$.storage.raid.0.devices.1'],
    ],
  },
];

describe('raid rules', () => runTable(rows));
