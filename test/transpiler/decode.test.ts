// Typed decoding as yaml.v3 does it into Butane's structs: Go integer syntax, YAML 1.1 booleans,
// collected type errors and unused keys that depend on the variant and version.
import { describe, expect, test } from 'vitest';
import { decodeSource, parseGoInt } from '../../transpiler/decode.ts';
import { ROOT } from '../../transpiler/fields.ts';
import { findFlavor, type Flavor } from '../../transpiler/variants.ts';
import { parseYaml } from '../../transpiler/yaml.ts';

const flavor = (variant: string, version: string): Flavor => findFlavor(variant, version) as Flavor;

function decode(body: string, f = flavor('fcos', '1.6.0')) {
  const parsed = parseYaml(`variant: ${f.variant}\nversion: ${f.version}\n${body}`);
  if (!parsed.ok) throw new Error(parsed.message);
  return decodeSource(parsed.root, ROOT, f);
}

describe('parseGoInt', () => {
  test.each([
    ['420', 420],
    ['0644', 420],
    ['0o644', 420],
    ['0x1a4', 420],
    ['0b110100100', 420],
    ['+0644', 420],
    ['0_644', 420],
    ['-12', -12],
    ['0', 0],
  ])('%s is %d', (text, value) => {
    expect(parseGoInt(text)).toBe(value);
  });

  test.each(['089', '1e3', 'abc', '0x', ''])('%s is not an integer', (text) => {
    expect(parseGoInt(text)).toBeUndefined();
  });
});

describe('decodeSource', () => {
  test('modes, floats and YAML 1.1 booleans are typed by their field', () => {
    const r = decode('storage:\n  files:\n    - path: /a\n      mode: 1e3\n      overwrite: yes\n    - path: 0644\n      overwrite: "off"\n');
    expect(r.typeErrors).toEqual([]);
    expect(r.value.storage).toEqual({ files: [{ path: '/a', mode: 1000, overwrite: true }, { path: '0644', overwrite: false }] });
  });

  test('type errors are collected in yaml.v3 wording, long values shortened', () => {
    const r = decode("storage:\n  files:\n    - path: /a\n      mode: '0644'\n      overwrite: truthfulness\n");
    expect(r.typeErrors).toEqual(['line 6: cannot unmarshal !!str `0644` into int', 'line 7: cannot unmarshal !!str `truthfu...` into bool']);
  });

  test('fields of newer versions are unused keys in older ones', () => {
    const old = decode('storage:\n  luks:\n    - name: a\n', flavor('fcos', '1.1.0'));
    expect(old.report.map((e) => [e.code, e.path])).toEqual([['UNUSED_KEY', ['storage', 'luks']]]);
    expect(decode('storage:\n  luks:\n    - name: a\n', flavor('fcos', '1.2.0')).report).toEqual([]);
  });

  test('variant sections exist only where upstream has them', () => {
    const body = 'boot_device:\n  layout: x86_64\ngrub:\n  users: []\n';
    expect(decode(body, flavor('fcos', '1.5.0')).report).toEqual([]);
    expect(decode(body, flavor('flatcar', '1.1.0')).report.map((e) => e.path)).toEqual([['boot_device'], ['grub']]);
    expect(decode(body, flavor('fcos', '1.3.0')).report.map((e) => e.path)).toEqual([['grub']]);
  });

  test('null list items are dropped as yaml.v3 drops them; an empty string stays', () => {
    const r = decode('passwd:\n  users:\n    -\n    - ~\n    - name: a\n      groups: [~, wheel, "", null]\n      ssh_authorized_keys:\n        -\n        - !!null ""\n        - k\n');
    expect(r.value.passwd).toEqual({ users: [{ name: 'a', groups: ['wheel', ''], ssh_authorized_keys: ['k'] }] });
  });

  test('later items take the dropped ones\' indexes in report paths', () => {
    const r = decode('storage:\n  files:\n    -\n    - path: /a\n      bogus: 1\n');
    expect(r.report.map((e) => e.path)).toEqual([['storage', 'files', 0, 'bogus']]);
  });
});

describe('merge keys as yaml.v3 applies them', () => {
  test('a `<<` fills the keys the mapping does not set, and is reported as an unused key', () => {
    const r = decode('passwd:\n  users:\n    - &u {name: a, uid: 5, shell: /bin/sh}\n    - <<: *u\n      name: b\n      uid: ~\n');
    expect(r.value.passwd).toEqual({ users: [{ name: 'a', uid: 5, shell: '/bin/sh' }, { name: 'b', shell: '/bin/sh' }] });
    expect(r.report.map((e) => [e.path, e.message])).toEqual([[['passwd', 'users', 1, '<<'], 'unused key <<']]);
  });

  test('in a list of merged maps the earlier one wins; unknown keys inside them are not reported', () => {
    const r = decode('passwd:\n  users:\n    - <<: [{name: a, bogus: 1}, {name: b, uid: 7}]\n');
    expect(r.value.passwd).toEqual({ users: [{ name: 'a', uid: 7 }] });
    expect(r.report.map((e) => e.message)).toEqual(['unused key <<']);
  });

  test('a quoted "<<" is an ordinary unknown key', () => {
    const r = decode('passwd:\n  users:\n    - "<<": {name: a}\n      name: b\n');
    expect(r.value.passwd).toEqual({ users: [{ name: 'b' }] });
    expect(r.report.map((e) => e.message)).toEqual(['unused key <<']);
  });

  test.each(['x', '[x]', '~'])('merging %s stops decoding with yaml.v3\'s message', (value) => {
    expect(decode(`passwd:\n  users:\n    - <<: ${value}\n`).fatal).toBe('yaml: map merge requires map or sequence of maps as the value');
  });

  test('two `<<` keys in one mapping are duplicate keys', () => {
    expect(decode('passwd:\n  users:\n    - <<: {name: a}\n      <<: {uid: 3}\n').typeErrors).toEqual(['line 6: mapping key "<<" already defined at line 5']);
  });
});

describe('duplicate keys as yaml.v3 finds them', () => {
  test('in a decoded mapping they are type errors, every repeat against every earlier key', () => {
    const r = decode('storage:\n  files:\n    - path: /a\n      path: /b\n      path: /c\n');
    expect(r.typeErrors).toEqual([
      'line 6: mapping key "path" already defined at line 5',
      'line 7: mapping key "path" already defined at line 5',
      'line 7: mapping key "path" already defined at line 6',
    ]);
  });

  test('under an unknown key nothing is decoded, so nothing is checked', () => {
    const r = decode('extra:\n  a: 1\n  a: 2\n');
    expect(r.typeErrors).toEqual([]);
    expect(r.report.map((e) => e.message)).toEqual(['unused key extra']);
  });
});

describe('scalars as yaml.v3 resolves them into Go fields', () => {
  const file = (line: string) => decode(`storage:\n  files:\n    - path: /a\n      ${line}\n`);
  test.each([
    ['mode: 0755', 493],
    ['mode: 0o755', 493],
    ['mode: 0x1ed', 493],
    ['mode: 0b111101101', 493],
    ['mode: 4_9_3', 493],
    ['mode: 493.9', 493],
    ['mode: 4.93e2', 493],
    ['mode: 08', 8],
    ['mode: !!int "0755"', 493],
    ['mode: !!float 493', 493],
    ['mode: -.inf', -(2 ** 63)],
  ])('%s is %d', (line, mode) => {
    const r = file(line);
    expect(r.typeErrors).toEqual([]);
    expect(r.fatal).toBeUndefined();
    expect((r.value.storage as { files: { mode: number }[] }).files[0]?.mode).toBe(mode);
  });

  test.each([
    ['mode: _1', '!!str `_1`'],
    ['mode: 1:20', '!!str `1:20`'],
    ['mode: .nan', '!!float `.nan`'],
    ['mode: 99999999999999999999', '!!float `9999999...`'],
    ['mode: 18446744073709551615', '!!int `1844674...`'],
    ['mode: 2001-01-01', '!!timestamp `2001-01-01`'],
    ['mode: "0755"', '!!str `0755`'],
    ['mode: !!str 0755', '!!str `0755`'],
    ['mode: !custom 1', '!custom `1`'],
  ])('%s is a type error naming %s', (line, shown) => {
    expect(file(line).typeErrors).toEqual([`line 6: cannot unmarshal ${shown} into int`]);
  });

  test.each([
    ['overwrite: yes', true],
    ['overwrite: "off"', false],
    ['overwrite: True', true],
    ['overwrite: !!bool "false"', false],
    ['overwrite: !custom on', true],
  ])('%s is %s', (line, value) => {
    expect((file(line).value.storage as { files: { overwrite: boolean }[] }).files[0]?.overwrite).toBe(value);
  });

  test.each([
    ['path: 2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['path: 0x10', '0x10'],
    ['path: .inf', '.inf'],
    ['path: !!binary aGVsbG8=', 'hello'],
    ['path: !custom x', 'x'],
  ])('a string field takes %s as written (or decoded)', (line, text) => {
    const r = decode(`storage:\n  files:\n    - ${line}\n`);
    expect((r.value.storage as { files: { path: string }[] }).files[0]?.path).toBe(text);
  });

  test.each([
    ['overwrite: !!bool yes', 'yaml: cannot decode !!str `yes` as a !!bool'],
    ['mode: !!int abc', 'yaml: cannot decode !!str `abc` as a !!int'],
    ['user: {name: !!null x}', 'yaml: cannot decode !!str `x` as a !!null'],
    ['contents: {source: !!binary "a"}', 'yaml: !!binary value contains invalid base64 data'],
  ])('%s stops decoding: %s', (line, message) => {
    expect(file(line).fatal).toBe(message);
  });
});
