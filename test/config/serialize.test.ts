// Go-compatible JSON output: upstream's Butane outputs re-serialize byte for byte, plus escaping,
// omission and key-order rules, and the kind table used to find an object's key order.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { goJsonString, keyOrder, kindAt, serializeConfig, serializeJson } from '../../src/config/serialize.ts';
import { canRun } from '../helpers/env.ts';
import { newestConfig } from './config-arbitrary.ts';

const corpus = new URL('../../../shared/conformance/butane-docs/cases', import.meta.url).pathname;
const haveCorpus = canRun('the Butane conformance corpus in ../shared', existsSync(corpus));
const cases = haveCorpus
  ? readdirSync(corpus)
      .filter((name) => existsSync(join(corpus, name, 'expected.json')))
      .sort()
  : [];

describe.skipIf(!haveCorpus)('upstream Butane outputs', () => {
  it('has the JSON outputs of the corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('%s re-serializes byte for byte', (name) => {
    const text = readFileSync(join(corpus, name, 'expected.json'), 'utf8');
    expect(`${serializeConfig(JSON.parse(text) as object, { pretty: true })}\n`).toBe(text);
  });

  it.each(cases)('%s compact output is the same data without whitespace', (name) => {
    const text = readFileSync(join(corpus, name, 'expected.json'), 'utf8');
    const compact = serializeConfig(JSON.parse(text) as object, { pretty: false });
    expect(compact).not.toMatch(/\n/);
    expect(JSON.parse(compact)).toEqual(JSON.parse(text));
  });
});

describe('goJsonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['a<b>c&d', '"a\\u003cb\\u003ec\\u0026d"'],
    ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
    ['q"b\\s/', '"q\\"b\\\\s/"'],
    ['\n\r\t', '"\\n\\r\\t"'],
    ['\b\f', '"\\b\\f"'],
    ['\u0000\u0001\u001f\u007f', '"\\u0000\\u0001\\u001f\u007f"'],
    ['h\u00e9llo \u4e16\u754c \ud83d\ude00', '"h\u00e9llo \u4e16\u754c \ud83d\ude00"'],
    ['lone \ud800 x \udc00', '"lone \ufffd x \ufffd"'],
  ])('escapes %j like Go', (input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  it('round-trips any well-formed string through JSON.parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (value) => {
        expect(JSON.parse(goJsonString(value))).toBe(value);
      }),
    );
  });
});

describe('serializeConfig', () => {
  it('orders keys by struct order, not by insertion', () => {
    const config = {
      systemd: { units: [{ name: 'a.service', enabled: true, contents: 'x' }] },
      storage: {
        files: [{ mode: 420, contents: { source: 'data:,x', compression: '' }, path: '/f', user: { name: 'core' } }],
        links: [{ target: '/t', path: '/l', hard: false }],
      },
      ignition: { version: '3.7.0-experimental', timeouts: { httpTotal: 5 } },
    };
    expect(serializeConfig(config, { pretty: false })).toBe(
      '{"ignition":{"timeouts":{"httpTotal":5},"version":"3.7.0-experimental"},' +
        '"storage":{"files":[{"path":"/f","user":{"name":"core"},"contents":{"compression":"","source":"data:,x"},"mode":420}],' +
        '"links":[{"path":"/l","hard":false,"target":"/t"}]},' +
        '"systemd":{"units":[{"contents":"x","enabled":true,"name":"a.service"}]}}',
    );
  });

  it('omits unset values, empty lists and empty objects but keeps set zero values', () => {
    const config = {
      ignition: { version: '3.4.0', config: { merge: [] }, security: { tls: {} } },
      passwd: { users: [{ name: 'core', groups: [], gecos: null, uid: 0, system: false }] },
      storage: {
        files: [
          { path: '/f', overwrite: false, mode: 0, user: {}, group: { id: undefined }, contents: { compression: '' } },
        ],
        disks: [
          {
            device: '/dev/vda',
            partitions: [
              { number: 0, label: 'root' },
              { number: 2, sizeMiB: 0 },
            ],
          },
        ],
        luks: [{ name: 'l', clevis: { tang: [{ url: '', thumbprint: 't' }], custom: {} } }],
      },
      kernelArguments: { shouldExist: [], shouldNotExist: [] },
      systemd: {},
    };
    expect(serializeConfig(config, { pretty: false })).toBe(
      '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core","system":false,"uid":0}]},' +
        '"storage":{"disks":[{"device":"/dev/vda","partitions":[{"label":"root"},{"number":2,"sizeMiB":0}]}],' +
        '"files":[{"overwrite":false,"path":"/f","contents":{"compression":""},"mode":0}],' +
        '"luks":[{"clevis":{"tang":[{"thumbprint":"t"}]},"name":"l"}]}}',
    );
  });

  it('writes always-present fields even when the config lacks them', () => {
    const config = {
      storage: { files: [{ mode: 420 }], filesystems: [{ format: 'ext4' }] },
      systemd: { units: [{ enabled: true, dropins: [{ contents: '' }] }] },
    };
    expect(serializeConfig(config, { pretty: false })).toBe(
      '{"ignition":{"version":""},"storage":{"files":[{"path":"","mode":420}],"filesystems":[{"device":"","format":"ext4"}]},' +
        '"systemd":{"units":[{"dropins":[{"contents":"","name":""}],"enabled":true,"name":""}]}}',
    );
  });

  it('applies the older shapes of 3.0-3.2 (plain link target, raid level, CA source)', () => {
    const config = (version: string) => ({
      ignition: { version, security: { tls: { certificateAuthorities: [{ verification: { hash: 'sha512-x' } }] } } },
      storage: { links: [{ path: '/l' }], raid: [{ name: 'md', devices: ['/dev/a'] }] },
    });
    expect(serializeConfig(config('3.0.0'), { pretty: false })).toBe(
      '{"ignition":{"security":{"tls":{"certificateAuthorities":[{"source":"","verification":{"hash":"sha512-x"}}]}},"version":"3.0.0"},' +
        '"storage":{"links":[{"path":"/l","target":""}],"raid":[{"devices":["/dev/a"],"level":"","name":"md"}]}}',
    );
    expect(serializeConfig(config('3.2.0'), { pretty: false })).toContain('"certificateAuthorities":[{"verification"');
    expect(serializeConfig(config('3.2.0'), { pretty: false })).toContain('"target":""');
    expect(serializeConfig(config('3.3.0'), { pretty: false })).toContain('"links":[{"path":"/l"}]');
    expect(serializeConfig(config('3.3.0'), { pretty: false })).toContain(
      '"raid":[{"devices":["/dev/a"],"name":"md"}]',
    );
  });

  it("writes empty nested objects in Ignition's cache style", () => {
    const config = {
      ignition: { version: '3.7.0-experimental', config: { merge: [{ source: 'data:,x' }] } },
      storage: {
        files: [{ path: '/a', contents: { source: 'https://h/x?a=<b>&c' }, mode: 493 }],
        links: [{ path: '/l', target: '/u' }],
      },
    };
    expect(serializeConfig(config, { pretty: false, style: 'ignition' })).toBe(
      '{"ignition":{"config":{"merge":[{"source":"data:,x","verification":{}}],"replace":{"verification":{}}},"proxy":{},' +
        '"security":{"tls":{}},"timeouts":{},"version":"3.7.0-experimental"},"kernelArguments":{},"passwd":{},' +
        '"storage":{"files":[{"group":{},"path":"/a","user":{},"contents":{"source":"https://h/x?a=\\u003cb\\u003e\\u0026c","verification":{}},"mode":493}],' +
        '"links":[{"group":{},"path":"/l","user":{},"target":"/u"}]},"systemd":{}}',
    );
    expect(serializeConfig(config, { pretty: false, style: 'butane' })).toBe(
      serializeConfig(config, { pretty: false }),
    );
  });

  it('drops keys the spec does not have, like Go decoding into structs', () => {
    const config = {
      ignition: { version: '3.6.0', bogus: 1 },
      storage: { files: [{ path: '/f', mdoe: 420 }] },
      extra: true,
    };
    expect(serializeConfig(config, { pretty: false })).toBe(
      '{"ignition":{"version":"3.6.0"},"storage":{"files":[{"path":"/f"}]}}',
    );
  });

  it('indents with two spaces and ": " when pretty', () => {
    expect(
      serializeConfig({ ignition: { version: '3.6.0' }, kernelArguments: { shouldExist: ['a<b'] } }, { pretty: true }),
    ).toBe(
      '{\n  "ignition": {\n    "version": "3.6.0"\n  },\n  "kernelArguments": {\n    "shouldExist": [\n      "a\\u003cb"\n    ]\n  }\n}',
    );
  });

  it('is stable: serialize(parse(serialize(x))) == serialize(x), pretty and compact', () => {
    fc.assert(
      fc.property(newestConfig, fc.boolean(), (config, pretty) => {
        const once = serializeConfig(config, { pretty });
        expect(serializeConfig(JSON.parse(once) as object, { pretty })).toBe(once);
        expect(serializeConfig(JSON.parse(once) as object, { pretty: !pretty })).toBe(
          serializeConfig(config, { pretty: !pretty }),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('serializeJson', () => {
  it('keeps insertion order and empty containers with Go escaping', () => {
    expect(serializeJson({ b: [], a: {}, c: '<' }, { pretty: false })).toBe('{"b":[],"a":{},"c":"\\u003c"}');
    expect(serializeJson({ b: [1], a: {} }, { pretty: true })).toBe('{\n  "b": [\n    1\n  ],\n  "a": {}\n}');
  });
});

describe('kindAt and keyOrder', () => {
  it.each([
    [[], 'Config'],
    [['ignition'], 'Ignition'],
    [['ignition', 'config', 'merge', 0], 'Resource'],
    [['ignition', 'security', 'tls', 'certificateAuthorities', 2], 'CaReference'],
    [['storage', 'files', 0, 'contents'], 'Resource'],
    [['storage', 'files', 1, 'append', 0, 'httpHeaders', 0], 'HTTPHeader'],
    [['storage', 'luks', 0, 'clevis', 'tang', 0], 'Tang'],
    [['storage', 'disks', 0, 'partitions', 3], 'Partition'],
    [['systemd', 'units', 0, 'dropins', 0], 'Dropin'],
  ] as const)('%j is a %s', (path, kind) => {
    expect(kindAt(path)).toBe(kind);
  });

  it.each([
    [['storage', 'files']],
    [['storage', 'files', 0, 'path']],
    [['storage', 'files', 'x']],
    [['nope']],
  ] as const)('%j names no object', (path) => {
    expect(kindAt(path)).toBeUndefined();
  });

  it('gives the struct order of an object kind', () => {
    expect(keyOrder('File')).toEqual(['group', 'overwrite', 'path', 'user', 'append', 'contents', 'mode']);
    expect(keyOrder('Ignition')).toEqual(['config', 'proxy', 'security', 'timeouts', 'version']);
    expect(keyOrder('Unknown')).toEqual([]);
  });
});
