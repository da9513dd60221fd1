// The transpiler's YAML reading against Go's yaml.v3 itself (Debian's golang-gopkg-yaml.v3-dev is
// v3.0.1, the version Butane v0.29.0 links): goyaml-oracle/main.go decodes each document into a
// slice of Butane's structs, and parseYaml + decodeSource must give the same values, or the same
// error message, for every input below. Inputs are grouped by the rule they pin down.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeSource } from '../../transpiler/decode.ts';
import { ROOT } from '../../transpiler/fields.ts';
import { findFlavor, type Flavor } from '../../transpiler/variants.ts';
import { parseYaml } from '../../transpiler/yaml.ts';
import { canRun } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';

const GO = '/usr/lib/go-1.19/bin/go';
const GOPATH = '/usr/share/gocode';
const ORACLE_SOURCE = resolve(import.meta.dirname, 'goyaml-oracle/main.go');
const haveGo = canRun(
  'Go 1.19 and yaml.v3 (Debian golang-1.19-go, golang-gopkg-yaml.v3-dev) as the YAML oracle',
  existsSync(GO) && existsSync(join(GOPATH, 'src/gopkg.in/yaml.v3')),
);

const H = 'variant: fcos\nversion: 1.6.0\n';
const file = (line: string) => `${H}storage:\n  files:\n    - path: /a\n      ${line}\n`;
const path = (value: string) => `${H}storage:\n  files:\n    - path: ${value}\n`;

const RULES: Record<string, string[]> = {
  'booleans: true/false words, YAML 1.1 words only into bool fields, explicit tags': [
    ...['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'True', 'TRUE', 'false', '"yes"', "'off'", '1', '0', 'truthy'].map((v) => file(`overwrite: ${v}`)),
    ...['!!bool yes', '!!str true', '!!bool "true"', '!custom on', '!!int 1'].map((v) => file(`overwrite: ${v}`)),
  ],
  'integers: Go syntax after underscores go, octal old and new, floats truncated, overflow': [
    ...['0644', '0o644', '0x1A4', '0b101', '-0b101', '-0o17', '1_000', '420.0', '4.2e2', '+420', '-0', '08', '09', '1e3', '.5', '-.5e1'].map((v) => file(`mode: ${v}`)),
    ...['0x_1A', '.inf', '-.inf', '.nan', '99999999999999999999', '18446744073709551615', '9223372036854775807', '1:20', '_1', '1__0', '0_', '0x', '0o'].map((v) => file(`mode: ${v}`)),
    ...['"420"', '!!int "420"', '!!float 420', '!!int abc', '!!str 0644', '2001-01-01', '2001-12-14t21:59:43.10-05:00', '2001-02-30', '~', 'null'].map((v) => file(`mode: ${v}`)),
  ],
  'strings: text as written whatever it resolves to; !!binary decoded; failing tags': [
    ...['yes', '0644', '1.0', '~', '2001-01-01', '.inf', '1e3', '0x10', 'true', 'null', '!custom x', '!<tag:yaml.org,2002:str> x', '&a x', '{}', '[]', '!!str'].map(path),
    ...['!!binary aGVsbG8=', '!!binary ""', '!!binary "a"', '!!null x', '!!null ""', '!!int abc', '!!timestamp 2001-01-01', '!!bool maybe'].map(path),
    ...['"a\\x41"', '"\\u00e9"', "'it''s'", '"\\N"', '"\\_"', '"\\L"', '"\\P"', '"\\t tab"', 'café', '"\\x00"'].map(path),
  ],
  'sequences: null items dropped, "" kept, in block and flow style': [
    `${H}passwd:\n  users:\n    - name: a\n      ssh_authorized_keys:\n        -\n        - ~\n        - ""\n        - k\n`,
    `${H}passwd:\n  users:\n    - name: a\n      ssh_authorized_keys: [~, "", k, null, !!null ""]\n`,
    `${H}passwd:\n  users:\n    -\n    - ~\n    - name: b\n`,
    `${H}storage:\n  files:\n    - path: /a\n    -\n    - path: /b\n`,
  ],
  'merge keys: applied after the mapping, earlier sources first, only plain or !!merge': [
    `${H}passwd:\n  users:\n    - &u {name: a, uid: 5}\n    - <<: *u\n      name: b\n`,
    `${H}passwd:\n  users:\n    - &u {name: a, uid: 5}\n    - &v {name: c, uid: 7, ssh_authorized_keys: [x]}\n    - <<: [*u, *v]\n`,
    `${H}passwd:\n  users:\n    - <<: {name: a, uid: 5}\n      uid: 6\n`,
    `${H}passwd:\n  users:\n    - <<: {name: a, uid: 5}\n      uid: ~\n`,
    `${H}passwd:\n  users:\n    - "<<": {name: a}\n      name: b\n`,
    `${H}passwd:\n  users:\n    - !!merge <<: {name: a}\n`,
    `${H}passwd:\n  users:\n    - <<: {name: a}\n      <<: {uid: 3}\n`,
    `${H}passwd:\n  users:\n    - <<: x\n`,
    `${H}passwd:\n  users:\n    - <<: [x]\n`,
    `${H}passwd:\n  users:\n    - <<: {<<: {name: deep}, uid: 1}\n`,
  ],
  'duplicate keys: only in decoded mappings, every repeat against every earlier key': [
    `${H}passwd:\n  users:\n    - name: a\n      name: b\n`,
    `${H}storage:\n  files:\n    - path: /a\n      mode: 0644\n      mode: 0600\n      mode: 1\n`,
    `${H}version: 1.5.0\n`,
    `${H}storage: {}\nstorage: {}\n`,
    `${H}extra:\n  a: 1\n  a: 2\n`,
    `${H}storage:\n  files:\n    - path: /a\n      user: {id: 1, id: 2}\n      mode: x\n`,
  ],
  'anchors and aliases': [
    `${H}storage:\n  files:\n    - path: &p /a\n    - path: *p\n`,
    `${H}storage:\n  files:\n    - path: &a /a\n      contents: {inline: *a}\n`,
    `${H}storage:\n  files:\n    - path: *undefined\n`,
    `${H}passwd: &p\n  users:\n    - name: a\nstorage:\n  files:\n    - path: /x\n`,
  ],
  'documents: the first one only, directives, markers, BOM, trailing text after the root': [
    `${H}---\nvariant: flatcar\n`,
    `---\n${H}`,
    `--- # c\n${H}...\n`,
    `${H}...\n---\nfoo: [\n`,
    `${H}---\n`,
    `\ufeff${H}`,
    `%YAML 1.1\n---\n${H}`,
    `%TAG !e! tag:example.com,2000:\n---\n${H}`,
    '~\n',
    `  variant: fcos\nversion: 1.6.0\n`,
    `${H}storage:\n  files: []\n`,
  ],
  'flow collections, block scalars, comments, tabs, CRLF': [
    `${H}storage:\n  files:\n  - {path: /a, mode: 420}\n  - {path: /b,mode: 1}\n`,
    `${H}storage:\n  files:\n  - {path: /a, mode: 420, }\n`,
    `${H}storage:\n  files:\n  - ? path\n    : /a\n`,
    `${H}1: x\ntrue: y\n~: z\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: |+\n        x\n\n  - path: /b\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: |2\n          x\n         y\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: >-\n        a\n        b\n\n        c\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: "multi\n        line"\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: plain\n        continued\n`,
    `${H}storage:\n  files:\n  - path: /a # comment\n    contents: {inline: "x"}  # c\n`,
    `${H}storage:\n  files:\n  - path:\t/a\n`,
    `${H}storage:\n  files:\n  - path: /a\t\n`,
    `${H}storage:\n  files:\n  - path: /a\r\n    mode: 1\r\n`,
  ],
  'syntax errors: libyaml wording for indentation mistakes, tabs, unclosed quotes and flow collections': [
    `${H}storage:\n  files:\n   - path: /a\n  - path: /b\n`,
    `${H}storage:\n  files:\n  - path: /a\n   mode: 1\n`,
    `${H}passwd:\n  users:\n  - name: a\n   uid: 1\n`,
    `${H}storage:\n  files:\n  - path: /a\n    contents:\n      inline: |\n        x\n    - path: /b\n`,
    `${H}storage:\n  files:\n    - path: /a\n      contents:\n        inline:\n          [x]\n          y=z\n`,
    'a:\n  b: 1\n c: 2\n',
    'a:\n  - b: 1\n    c: 2\n   d: 3\n',
    'a:\n  b: 1\n    c: 2\n',
    'a: b: c\n',
    `${H}storage:\n  files: [\n`,
    'a: [\n',
    'a: 1\nb: "unterminated\n',
    "a: 1\nb: 'x\n\n",
    'a:\n  b: 1\nc\n',
    'a:\n  - b\n  c\n',
    'a:\n\tb: 1\n',
    '\ta: 1\n',
    `${H}storage:\n  files:\n  - path: /a\n\tmode: 1\n`,
    `${H}\tstorage: {}\n`,
  ],
};

const flavor = findFlavor('fcos', '1.6.0') as Flavor;
/** The keys the oracle's structs have; the rest of a decoded config is not compared. */
const ORACLE_KEYS = new Set(['variant', 'version', 'passwd', 'users', 'name', 'ssh_authorized_keys', 'groups', 'uid', 'shell', 'storage', 'files', 'path', 'mode', 'overwrite', 'user', 'id', 'contents', 'inline', 'source']);

/** Drops what Go's omitempty drops (empty strings, objects and lists) and keys outside the oracle's structs. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!ORACLE_KEYS.has(key)) continue;
    const kept = comparable(item);
    const empty = kept === '' || (Array.isArray(kept) && kept.length === 0) || (typeof kept === 'object' && kept !== null && Object.keys(kept).length === 0);
    if (!empty) out[key] = kept;
  }
  return out;
}

function ours(text: string): { value?: unknown; error?: string } {
  const parsed = parseYaml(text);
  if (!parsed.ok) return { error: parsed.message };
  const decoded = decodeSource(parsed.root, ROOT, flavor);
  if (decoded.fatal !== undefined) return { error: decoded.fatal };
  if (decoded.typeErrors.length > 0) return { error: `yaml: unmarshal errors:\n  ${decoded.typeErrors.join('\n  ')}` };
  return { value: comparable(decoded.value) };
}

describe.runIf(haveGo)("YAML read as Go's yaml.v3 reads it", () => {
  const inputs = Object.values(RULES).flat();
  let answers: { value?: unknown; error?: string }[] = [];
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kindling-goyaml-oracle-'));
    const oracle = join(dir, 'goyaml-oracle');
    const env = { GOCACHE: join(dir, 'cache'), GOPATH, GO111MODULE: 'off', GOFLAGS: '-mod=mod' };
    const built = await run(GO, ['build', '-o', oracle, ORACLE_SOURCE], { env, timeoutMs: 120_000 });
    if (built.exitCode !== 0) throw new Error(`building the yaml.v3 oracle failed:\n${built.stderr}`);
    const result = await run(oracle, [], { input: JSON.stringify(inputs), timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`goyaml-oracle failed:\n${result.stderr}`);
    answers = (JSON.parse(result.stdout) as { value?: unknown; error?: string }[]).map((a) => (a.error === undefined ? { value: comparable(a.value) } : { error: a.error }));
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  let offset = 0;
  for (const [rule, texts] of Object.entries(RULES)) {
    const first = offset;
    offset += texts.length;
    test(rule, () => {
      const expected = texts.map((text, i) => ({ text, ...answers[first + i] }));
      expect(texts.map((text) => ({ text, ...ours(text) }))).toEqual(expected);
    });
  }
});
