// The whole pipeline on text: which entries, in which order, at which line and column. Rows come
// from Debian's ignition-validate 2.14 runs (with today's upstream wording, ignition-spec.md §14).
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { readSpecVersion, SPEC_VERSIONS } from '../../src/config/versions.ts';
import { formatIgnitionLine } from '../../src/report.ts';

const lines = (text: string): string[] => parseConfig(text).report.map(formatIgnitionLine);

describe('parseConfig report lines', () => {
  test.each([
    {
      name: 'valid file',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt","mode":420,"contents":{"source":"data:,hello%0A"}}]}}',
      out: [],
    },
    { name: 'minimal 3.0', text: '{"ignition":{"version":"3.0.0"}}', out: [] },
    {
      name: 'syntax error',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt",]}}',
      out: ["error at line 1 col 79: invalid character ']' looking for beginning of object key string"],
    },
    {
      name: 'string for int',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt","mode":"0644"}]}}',
      out: ['error at line 1 col 91: json: cannot unmarshal string into Go struct field File.storage.files.mode of type int'],
    },
    {
      name: 'fraction for int',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt","mode":420.5}]}}',
      out: ['error at line 1 col 90: json: cannot unmarshal number 420.5 into Go struct field File.storage.files.mode of type int'],
    },
    {
      name: 'exponent for int keeps its spelling',
      text: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"a","uid":1e3}]}}',
      out: ['error at line 1 col 73: json: cannot unmarshal number 1e3 into Go struct field PasswdUser.passwd.users.uid of type int'],
    },
    {
      name: 'int64 overflow',
      text: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"a","uid":99999999999999999999}]}}',
      out: ['error at line 1 col 90: json: cannot unmarshal number 99999999999999999999 into Go struct field PasswdUser.passwd.users.uid of type int'],
    },
    {
      name: 'object for list',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":{"path":"/etc/hello.txt"}}}',
      out: ['error at line 1 col 53: json: cannot unmarshal object into Go struct field Storage.storage.files of type []types.File'],
    },
    {
      name: 'string for section',
      text: '{"ignition":{"version":"3.3.0"},"storage":"x"}',
      out: ['error at line 1 col 46: json: cannot unmarshal string into Go struct field Config.storage of type types.Storage'],
    },
    {
      name: 'number in string list',
      text: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"a","groups":[1]}]}}',
      out: ['error at line 1 col 75: json: cannot unmarshal number into Go struct field PasswdUser.passwd.users.groups of type types.Group'],
    },
    {
      name: 'array for section',
      text: '{"ignition":{"version":"3.3.0"},"passwd":[]}',
      out: ['error at line 1 col 43: json: cannot unmarshal array into Go struct field Config.passwd of type types.Passwd'],
    },
    { name: 'root array', text: '[]', out: ['error at line 1 col 2: json: cannot unmarshal array into Go value of type util.versionStub'] },
    {
      name: 'numeric version',
      text: '{"ignition":{"version":3}}',
      out: ['error at line 1 col 25: json: cannot unmarshal number into Go struct field .Ignition.Version of type string'],
    },
    {
      name: 'string ignition section',
      text: '{"ignition":"x"}',
      out: ['error at line 1 col 16: json: cannot unmarshal string into Go struct field versionStub.Ignition of type struct { Version string }'],
    },
    { name: 'null uid is unset', text: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"a","uid":null}]}}', out: [] },
    {
      name: 'relative path',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/hello.txt","mode":420,"contents":{"source":"data:,hello%0A"}}]}}',
      out: ['error at $.storage.files.0.path, line 1 col 61: path not absolute'],
    },
    {
      name: 'unknown key',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"filez":[]}}',
      out: ['warning at $.storage.filez, line 1 col 44: unused key filez'],
    },
    {
      name: 'mis-cased keys are applied and warned about',
      text: '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"NAME":"a","Uid":5}]}}',
      out: ['warning at $.passwd.users.0.NAME, line 1 col 53: unused key NAME', 'warning at $.passwd.users.0.Uid, line 1 col 64: unused key Uid'],
    },
    {
      name: 'duplicate path with multibyte characters counts bytes',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/é/a"},{"path":"/é/a"}]}}',
      out: ['error at $.storage.files.1, line 1 col 71: duplicate entry defined'],
    },
    {
      name: 'multi-line document',
      text: '\n{\n  "ignition": {"version": "3.3.0"},\n  "storage": {"files": [{"path": "rel", "mode": 99999}]},\n  "foo": 1\n}',
      out: [
        'error at $.storage.files.0.path, line 4 col 34: path not absolute',
        'error at $.storage.files.0.mode, line 4 col 49: illegal file mode',
        'warning at $.storage.files.0.mode, line 4 col 49: setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0',
        'warning at $.foo, line 5 col 3: unused key foo',
      ],
    },
    {
      name: 'walk order: storage-level checks first',
      text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel1"},{"path":"rel2","mode":99999}],"links":[{"path":"/l"}]}}',
      out: [
        'error at $.storage.links.0.target, line 1 col 109: link target is required',
        'error at $.storage.files.0.path, line 1 col 61: path not absolute',
        'error at $.storage.files.1.path, line 1 col 77: path not absolute',
        'error at $.storage.files.1.mode, line 1 col 91: illegal file mode',
        'warning at $.storage.files.1.mode, line 1 col 91: setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0',
      ],
    },
  ])('$name', ({ text, out }) => {
    expect(lines(text)).toEqual(out);
  });
});

describe('parse failures', () => {
  test.each([
    { name: 'empty', text: '', message: 'not a config (empty)' },
    { name: 'future version', text: '{"ignition":{"version":"3.9.0"}}', message: 'unsupported config version' },
    { name: 'spec 2', text: '{"ignition":{"version":"2.2.0"}}', message: 'unsupported config version' },
    { name: 'dropped experimental', text: '{"ignition":{"version":"3.6.0-experimental"}}', message: 'unsupported config version' },
    { name: 'not semver', text: '{"ignition":{"version":"three"}}', message: "invalid config version (couldn't parse)" },
    { name: 'no version', text: '{"ignition":{}}', message: "invalid config version (couldn't parse)" },
    { name: 'null root', text: 'null', message: "invalid config version (couldn't parse)" },
  ])('$name', ({ text, message }) => {
    const result = parseConfig(text);
    expect(result.failure?.message).toBe(message);
    expect(result.config).toBeUndefined();
  });

  test('a valid config comes back translated to the newest spec', () => {
    const result = parseConfig('{"ignition":{"version":"3.0.0"},"storage":{"files":[{"path":"/a","mode":420}]}}');
    expect(result.version).toBe('3.0.0');
    expect(result.config?.ignition?.version).toBe('3.7.0-experimental');
    expect(result.config?.storage?.files?.[0]?.mode).toBe(420);
  });
});

describe('readSpecVersion', () => {
  test('every supported version, spelled canonically, reads as itself', () => {
    for (const version of SPEC_VERSIONS) expect(readSpecVersion(version)).toBe(version);
  });

  test.each([
    { value: '03.4.00', out: '3.4.0' },
    { value: '3.7.0-experimental', out: '3.7.0-experimental' },
    { value: '3.4.0+build', out: 'unsupported' },
    { value: '3.6.0-experimental', out: 'unsupported' },
    { value: '2.2.0', out: 'unsupported' },
    { value: '3.4', out: 'unparseable' },
    { value: ' 3.4.0', out: 'unparseable' },
    { value: '3.4.0 ', out: 'unparseable' },
    { value: '99999999999999999999.0.0', out: 'unparseable' },
  ])('$value reads as $out, as go-semver spells and compares it', ({ value, out }) => {
    expect(readSpecVersion(value)).toBe(out);
  });
});

describe('parseConfig without translation', () => {
  test.each([
    '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt","mode":420,"contents":{"source":"data:,hello%0A"}}]}}',
    '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"a","uid":1e3}]}}',
    '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc//x"}]},"unknown":1}',
    '{"ignition":{"version":"9.9.9"}}',
  ])('gives the same findings and version as the full pipeline, and no config: %s', (text) => {
    const full = parseConfig(text);
    const checked = parseConfig(text, { translate: false });
    expect(checked.config).toBeUndefined();
    expect(checked.version).toBe(full.version);
    expect(checked.report.map(formatIgnitionLine)).toEqual(full.report.map(formatIgnitionLine));
    expect(checked.failure?.message).toBe(full.failure?.message);
  });

  test('the full pipeline still gives the config translated to the newest version', () => {
    expect(parseConfig('{"ignition":{"version":"3.3.0"}}').config?.ignition?.version).toBe('3.7.0-experimental');
  });
});
