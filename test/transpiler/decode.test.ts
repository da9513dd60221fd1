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

  test('null list items decode to zero values', () => {
    expect(decode('passwd:\n  users:\n    -\n    - name: a\n      groups: [~, wheel]\n').value.passwd).toEqual({ users: [{}, { name: 'a', groups: ['', 'wheel'] }] });
  });
});
