// LUKS, clevis, Tang and CEX rules (ignition-spec.md §4.9), with the 3.2, 3.3-3.5 and 3.6+
// variants of the custom-pin rules.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const luks = (volume: Record<string, unknown>) => ({ storage: { luks: [{ name: 'root', device: '/dev/a', ...volume }] } });
const at = (field: string) => `$.storage.luks.0.${field}`;

const rows: Row[] = [
  { name: 'tpm2 volume', version: '3.2.0', config: luks({ clevis: { tpm2: true } }), expect: [] },
  { name: 'tang volume', version: '3.3.0', config: luks({ clevis: { tang: [{ url: 'https://t', thumbprint: 'abc' }], threshold: 1 } }), expect: [] },
  {
    name: 'own checks, then custom pin, tang, and the key file source',
    version: '3.2.0',
    config: luks({
      name: 'a/b',
      device: '',
      label: 'x'.repeat(48),
      clevis: { custom: { pin: '', config: 'x' }, tpm2: true, tang: [{ url: 'ftp://x' }] },
      keyFile: { source: 'bad' },
    }),
    expect: [
      ['error', 'LUKS_NAME_SLASH', at('name')],
      ['error', 'LUKS_LABEL_TOO_LONG', at('label')],
      ['error', 'DISK_DEVICE_REQUIRED', at('device')],
      ['error', 'CLEVIS_CUSTOM_EXCLUSIVE', at('clevis')],
      ['error', 'LUKS_KEYFILE_INVALID', at('keys')],
      ['error', 'CLEVIS_PIN_UNSUPPORTED', at('clevis.custom.pin')],
      ['error', 'URL_SCHEME_INVALID', at('clevis.tang.0.url')],
      ['error', 'TANG_THUMBPRINT_REQUIRED', at('clevis.tang.0.thumbprint')],
      ['error', 'URL_SCHEME_INVALID', at('keyFile.source')],
    ],
  },
  { name: 'label of 47', version: '3.3.0', config: luks({ label: 'x'.repeat(47) }), expect: [] },
  { name: 'device not absolute', version: '3.3.0', config: luks({ device: 'dev' }), expect: [['error', 'PATH_NOT_ABSOLUTE', at('device')]] },
  { name: 'name is not required', version: '3.3.0', config: { storage: { luks: [{ device: '/dev/a' }] } }, expect: [] },
  {
    name: 'in 3.2 an empty custom object still excludes tpm2',
    version: '3.2.0',
    config: luks({ clevis: { custom: { pin: '', config: '' }, tpm2: true } }),
    expect: [['error', 'CLEVIS_CUSTOM_EXCLUSIVE', at('clevis')]],
  },
  {
    name: 'in 3.3 an empty custom pin does not exclude tpm2',
    version: '3.3.0',
    config: luks({ clevis: { custom: { pin: '', config: '' }, tpm2: true } }),
    expect: [],
  },
  {
    name: 'custom used without pin or config (3.3+)',
    version: '3.3.0',
    config: luks({ clevis: { custom: { needsNetwork: true }, threshold: 2 } }),
    expect: [
      ['error', 'CLEVIS_PIN_REQUIRED', at('clevis.custom.pin')],
      ['error', 'CLEVIS_CONFIG_REQUIRED', at('clevis.custom.config')],
    ],
  },
  {
    name: 'custom with threshold, unknown pin, bad tang (3.3)',
    version: '3.3.0',
    config: luks({ clevis: { custom: { pin: 'foo', config: '{}' }, threshold: 2, tang: [{ url: 'http://[::1', thumbprint: '' }] } }),
    expect: [
      ['error', 'CLEVIS_CUSTOM_EXCLUSIVE', at('clevis')],
      ['error', 'CLEVIS_PIN_UNSUPPORTED', at('clevis.custom.pin')],
      ['error', 'URL_UNPARSEABLE', at('clevis.tang.0.url')],
      ['error', 'TANG_THUMBPRINT_REQUIRED', at('clevis.tang.0.thumbprint')],
    ],
  },
  { name: 'custom sss pin', version: '3.5.0', config: luks({ clevis: { custom: { pin: 'sss', config: '{}' } } }), expect: [] },
  { name: 'any custom pin from 3.6', version: '3.6.0', config: luks({ clevis: { custom: { pin: 'trustee', config: '{}' } } }), expect: [] },
  { name: 'any custom pin in 3.7', version: '3.7.0-experimental', config: luks({ clevis: { custom: { pin: 'pkcs11', config: '{}' } } }), expect: [] },
  {
    name: 'custom config still required in 3.6',
    version: '3.6.0',
    config: luks({ clevis: { custom: { pin: 'x' } } }),
    expect: [['error', 'CLEVIS_CONFIG_REQUIRED', at('clevis.custom.config')]],
  },
  {
    name: 'tang advertisement must be JSON (3.4+)',
    version: '3.4.0',
    config: luks({ clevis: { tang: [{ url: 'http://t', thumbprint: 'x', advertisement: '{"payload":' }] } }),
    expect: [['error', 'TANG_ADVERTISEMENT_INVALID', at('clevis.tang.0.advertisement')]],
  },
  {
    name: 'valid advertisement',
    version: '3.6.0',
    config: luks({ clevis: { tang: [{ url: 'http://t', thumbprint: 'x', advertisement: '{"payload":"x","signatures":[]}' }] } }),
    expect: [],
  },
  {
    name: 'tang url must be http(s)',
    version: '3.3.0',
    config: luks({ clevis: { tang: [{ url: '', thumbprint: 'x' }] } }),
    expect: [['error', 'URL_SCHEME_INVALID', at('clevis.tang.0.url')]],
  },
  {
    name: 'cex with clevis and a key file (3.5+)',
    version: '3.5.0',
    config: luks({ cex: { enabled: true }, clevis: { tpm2: true }, keyFile: { source: 'data:,key' } }),
    expect: [
      ['error', 'CEX_WITH_CLEVIS', at('cex')],
      ['error', 'CEX_WITH_KEYFILE', at('cex')],
    ],
  },
  { name: 'cex alone', version: '3.6.0', config: luks({ cex: { enabled: true } }), expect: [] },
  { name: 'disabled cex with clevis', version: '3.6.0', config: luks({ cex: { enabled: false }, clevis: { tpm2: true } }), expect: [] },
  { name: 'key file from https', version: '3.3.0', config: luks({ keyFile: { source: 'https://h/key', verification: { hash: `sha512-${'a'.repeat(128)}` } } }), expect: [] },
];

describe('luks rules', () => runTable(rows));
