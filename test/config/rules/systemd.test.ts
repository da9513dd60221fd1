// systemd unit and drop-in rules (ignition-spec.md §4.10): name suffixes, unit syntax errors with
// go-systemd's wording, and the install-section warnings for units and template instances.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const unit = (u: Record<string, unknown>) => ({ systemd: { units: [u] } });

const rows: Row[] = [
  { name: 'enabled service with install section', version: '3.3.0', config: unit({ name: 'a.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' }), expect: [] },
  { name: 'every unit suffix', version: '3.0.0', config: { systemd: { units: ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'snapshot', 'slice', 'scope'].map((s) => ({ name: `u.${s}` })) } }, expect: [] },
  { name: 'name without suffix', version: '3.3.0', config: unit({ name: 'foo' }), expect: [['error', 'UNIT_EXTENSION_INVALID', '$.systemd.units.0.name']] },
  { name: 'unknown suffix', version: '3.6.0', config: unit({ name: 'foo.conf' }), expect: [['error', 'UNIT_EXTENSION_INVALID', '$.systemd.units.0.name']] },
  { name: 'mask only', version: '3.6.0', config: unit({ name: 'foo.service', mask: true }), expect: [] },
  {
    name: 'unterminated section header, unit then drop-in (contents before name)',
    version: '3.3.0',
    config: unit({ name: 'foo', contents: '[Service\nA=b', dropins: [{ name: 'x', contents: '[X' }, { name: 'y.conf', contents: '[A]\nB=c' }] }),
    expect: [
      ['error', 'UNIT_EXTENSION_INVALID', '$.systemd.units.0.name'],
      ['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents', 'invalid unit content: unable to find end of section'],
      ['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.dropins.0.contents', 'invalid unit content: unable to find end of section'],
      ['error', 'DROPIN_EXTENSION_INVALID', '$.systemd.units.0.dropins.0.name'],
    ],
  },
  {
    name: 'garbage after a section header',
    version: '3.3.0',
    config: unit({ name: 'a.service', contents: '[Unit] x\nA=b' }),
    expect: [['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents', 'invalid unit content: found garbage after section name : "x"']],
  },
  {
    name: 'option name cut by a newline',
    version: '3.3.0',
    config: unit({ name: 'a.service', contents: '[Unit]\nFoo\nA=b' }),
    expect: [['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents', 'invalid unit content: unexpected newline encountered while parsing option name']],
  },
  {
    name: 'option name cut by the end',
    version: '3.3.0',
    config: unit({ name: 'a.service', contents: '[Unit]\nFoo' }),
    expect: [['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents', 'invalid unit content: EOF']],
  },
  {
    name: 'line longer than 2048 bytes',
    version: '3.3.0',
    config: unit({ name: 'a.service', contents: `[Unit]\nA=${'x'.repeat(3000)}` }),
    expect: [['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents', 'invalid unit content: line too long (max 2048 bytes)']],
  },
  {
    name: 'enabled without install section warns',
    version: '3.3.0',
    config: unit({ name: 'a.service', enabled: true, contents: '[Unit]\nA=b' }),
    expect: [['warning', 'UNIT_NO_INSTALL', '$.systemd.units.0.contents', 'unit "a.service" is enabled, but has no install section so enable does nothing']],
  },
  {
    name: 'an empty [Install] section has no options, so it still warns',
    version: '3.6.0',
    config: unit({ name: 'a.service', enabled: true, contents: '[Unit]\nA=b\n[Install]\n' }),
    expect: [['warning', 'UNIT_NO_INSTALL', '$.systemd.units.0.contents']],
  },
  { name: 'enabled without contents', version: '3.3.0', config: unit({ name: 'a.service', enabled: true }), expect: [] },
  { name: 'disabled without install section', version: '3.3.0', config: unit({ name: 'a.service', enabled: false, contents: '[Unit]\nA=b' }), expect: [] },
  { name: 'text before the first section is ignored', version: '3.3.0', config: unit({ name: 'a.service', enabled: true, contents: 'junk\n[Install]\nWantedBy=x' }), expect: [] },
  {
    name: 'enabled instance of a template without install section',
    version: '3.4.0',
    config: { systemd: { units: [{ name: 't@.service', contents: '[Unit]\nA=b' }, { name: 't@i.service', enabled: true }] } },
    expect: [['warning', 'TEMPLATE_NO_INSTALL', '$.systemd.units.1.contents', 'template unit "t@.service" for "t@i.service" doesn\'t have Install section']],
  },
  {
    name: 'template with install section',
    version: '3.4.0',
    config: { systemd: { units: [{ name: 't@.service', contents: '[Install]\nWantedBy=x' }, { name: 't@i.service', enabled: true }] } },
    expect: [],
  },
  {
    name: 'template checks come before the units',
    version: '3.3.0',
    config: { systemd: { units: [{ name: 'bad' }, { name: 't@i.service', enabled: true }, { name: 't@.service', contents: '[Unit]\nA=b' }] } },
    expect: [
      ['warning', 'TEMPLATE_NO_INSTALL', '$.systemd.units.1.contents'],
      ['error', 'UNIT_EXTENSION_INVALID', '$.systemd.units.0.name'],
    ],
  },
  {
    name: 'an unparseable template is only reported once',
    version: '3.3.0',
    config: { systemd: { units: [{ name: 't@.service', contents: '[Unit' }, { name: 't@i.service', enabled: true }] } },
    expect: [['error', 'UNIT_CONTENT_INVALID', '$.systemd.units.0.contents']],
  },
];

describe('systemd rules', () => runTable(rows));
