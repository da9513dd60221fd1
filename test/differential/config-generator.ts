// Deterministic generator of the differential corpus: every fragment for every spec column, raw
// text cases (syntax, types, versions, encodings) and seeded random combinations and mutations.
// Each case carries two texts that differ only in the version string (see upstreamVersion).

import { COLUMNS, FRAGMENTS, type Column, type Json, type JsonObject, type SpecInfo } from './config-fragments.ts';
import { seededRandom, type Random } from './seeded-random.ts';

export interface ConfigCase {
  id: string;
  column: Column;
  /** The document Kindling validates. */
  ours: Buffer;
  /** The same document for Ignition 2.14, whose version string may be longer. */
  upstream: Buffer;
  /**
   * Where the version string ends in the upstream text (1-based line, byte column) and how many
   * bytes longer upstream's version string is: positions after it on that line shift back by it.
   */
  versionShift?: { line: number; col: number; bytes: number };
}

const TOKEN = '@@VERSION@@';

/** Ignition 2.14 only knows the 3.4.0 spec under its experimental name. */
export function upstreamVersion(column: Column): string {
  return column === '3.4.0' ? '3.4.0-experimental' : column;
}

function specInfo(column: Column): SpecInfo {
  return { column, minor: Number(column.split('.')[1]) };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key, lists concatenate, anything else: the later value wins. */
export function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (isObject(prev) && isObject(value)) out[key] = deepMerge(prev, value);
    else if (Array.isArray(prev) && Array.isArray(value)) out[key] = [...prev, ...value];
    else out[key] = value;
  }
  return out;
}

type Layout = 'compact' | 'indent2' | 'tabs' | 'crlf';

function render(doc: JsonObject, layout: Layout): string {
  const withVersion = deepMerge({ ignition: { version: TOKEN } }, doc);
  switch (layout) {
    case 'compact':
      return JSON.stringify(withVersion);
    case 'indent2':
      return `${JSON.stringify(withVersion, null, 2)}\n`;
    case 'tabs':
      return JSON.stringify(withVersion, null, '\t');
    case 'crlf':
      return `${JSON.stringify(withVersion, null, 1).replaceAll('\n', '\r\n')}\r\n`;
  }
}

/** Builds a case from a template in which TOKEN stands for the version string. */
function fromTemplate(id: string, column: Column, template: string | Buffer): ConfigCase {
  const bytes = typeof template === 'string' ? Buffer.from(template) : template;
  const upstreamV = upstreamVersion(column);
  const at = bytes.indexOf(TOKEN);
  const make = (version: string): Buffer => {
    if (at < 0) return bytes;
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(version), bytes.subarray(at + TOKEN.length)]);
  };
  const result: ConfigCase = { id, column, ours: make(column), upstream: make(upstreamV) };
  if (at >= 0 && upstreamV.length !== column.length) {
    const before = bytes.subarray(0, at);
    const line = before.toString('latin1').split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    result.versionShift = { line, col: at - lineStart + upstreamV.length + 1, bytes: upstreamV.length - column.length };
  }
  return result;
}

/** Documents written as text because they are not (all) valid JSON or need exact bytes. */
function textCases(): { name: string; text: string | Buffer }[] {
  const v = TOKEN;
  const head = `{"ignition":{"version":"${v}"}`;
  return [
    // JSON syntax
    { name: 'syntax-key-expected', text: `${head},"storage":{"files":[{"path":"/etc/hello.txt",]}}` },
    { name: 'syntax-truncated', text: `${head},"storage":{"files":[{"path":"/a"` },
    { name: 'syntax-truncated-in-string', text: `${head},"storage":{"files":[{"path":"/a` },
    { name: 'syntax-trailing-comma', text: `${head},}` },
    { name: 'syntax-trailing-comma-list', text: `${head},"storage":{"files":[{"path":"/a"},]}}` },
    { name: 'syntax-single-quotes', text: `${head},'storage':{}}` },
    { name: 'syntax-bad-literal', text: `${head},"storage":{"files":[{"path":"/a","overwrite":tru}]}}` },
    { name: 'syntax-missing-colon', text: `${head},"storage" {}}` },
    { name: 'syntax-missing-comma', text: `${head} "storage":{}}` },
    { name: 'syntax-tab-in-string', text: `${head},"storage":{"files":[{"path":"/a\t"}]}}` },
    { name: 'syntax-newline-in-string', text: `${head},"storage":{"files":[{"path":"/a\nb"}]}}` },
    { name: 'syntax-bad-escape', text: `${head},"storage":{"files":[{"path":"/a\\x"}]}}` },
    { name: 'syntax-bad-unicode-escape', text: `${head},"storage":{"files":[{"path":"/a\\u12G4"}]}}` },
    { name: 'syntax-leading-zero', text: `${head},"storage":{"files":[{"path":"/a","mode":0644}]}}` },
    { name: 'syntax-plus-number', text: `${head},"storage":{"files":[{"path":"/a","mode":+1}]}}` },
    { name: 'syntax-dot-number', text: `${head},"storage":{"files":[{"path":"/a","mode":.5}]}}` },
    { name: 'syntax-bare-exponent', text: `${head},"storage":{"files":[{"path":"/a","mode":1e}]}}` },
    { name: 'syntax-nan', text: `${head},"storage":{"files":[{"path":"/a","mode":NaN}]}}` },
    { name: 'syntax-comment', text: `// config\n${head}}` },
    { name: 'syntax-garbage-after', text: `${head}} x` },
    { name: 'syntax-second-object', text: `${head}} {}` },
    { name: 'syntax-close-bracket-after', text: `${head}}]` },
    { name: 'syntax-bom', text: `\ufeff${head}}` },
    { name: 'syntax-unclosed-list-pretty', text: `{\n  "ignition": {\n    "version": "${v}"\n  },\n  "storage": {\n    "files": [\n      {\n        "path": "/a"\n      }\n    \n  }\n}\n` },
    { name: 'syntax-late-line', text: `{\n  "ignition": {"version": "${v}"},\n  "systemd": {\n    "units": [\n      {"name": "a.service"},\n      {"name": "b.service", "enabled": yes}\n    ]\n  }\n}\n` },
    { name: 'syntax-crlf-late-line', text: `{\r\n"ignition": {"version": "${v}"},\r\n"passwd": {\r\n"users": [{"name": "core",, "uid": 1}]\r\n}\r\n}\r\n` },
    { name: 'syntax-unicode-before-error', text: `${head},"storage":{"files":[{"path":"/ü/日本"},{"path":"/é" "x"}]}}` },
    { name: 'top-array', text: '[]' },
    { name: 'top-string', text: '"3.0.0"' },
    { name: 'top-number', text: '42' },
    { name: 'top-null', text: 'null' },
    { name: 'top-true', text: 'true' },
    { name: 'empty-object', text: '{}' },
    { name: 'empty-file', text: '' },
    { name: 'whitespace-only', text: '  \n\t\n' },
    { name: 'newline-only', text: '\n' },
    // JSON types
    { name: 'type-mode-string', text: `${head},"storage":{"files":[{"path":"/etc/hello.txt","mode":"0644"}]}}` },
    { name: 'type-path-number', text: `${head},"storage":{"files":[{"path":5}]}}` },
    { name: 'type-files-object', text: `${head},"storage":{"files":{"path":"/a"}}}` },
    { name: 'type-storage-list', text: `${head},"storage":[]}` },
    { name: 'type-ignition-string', text: '{"ignition":"3.0.0"}' },
    { name: 'type-ignition-list', text: '{"ignition":[]}' },
    { name: 'type-version-number', text: '{"ignition":{"version":3}}' },
    { name: 'type-version-null', text: '{"ignition":{"version":null}}' },
    { name: 'type-ignition-null', text: '{"ignition":null}' },
    { name: 'type-unit-name-bool', text: `${head},"systemd":{"units":[{"name":true}]}}` },
    { name: 'type-overwrite-string', text: `${head},"storage":{"files":[{"path":"/a","overwrite":"true"}]}}` },
    { name: 'type-size-float', text: `${head},"storage":{"disks":[{"device":"/dev/a","partitions":[{"number":1,"sizeMiB":1.5}]}]}}` },
    { name: 'type-uid-string', text: `${head},"passwd":{"users":[{"name":"a","uid":"1000"}]}}` },
    { name: 'type-groups-string', text: `${head},"passwd":{"users":[{"name":"a","groups":"wheel"}]}}` },
    { name: 'type-mode-overflow', text: `${head},"storage":{"files":[{"path":"/a","mode":99999999999999999999}]}}` },
    { name: 'type-mode-exponent', text: `${head},"storage":{"files":[{"path":"/a","mode":1e3}]}}` },
    { name: 'type-mode-negative-zero', text: `${head},"storage":{"files":[{"path":"/a","mode":-0}]}}` },
    { name: 'type-user-id-string', text: `${head},"storage":{"directories":[{"path":"/a","user":{"id":"0"}}]}}` },
    { name: 'type-contents-string', text: `${head},"storage":{"files":[{"path":"/a","contents":"data:,x"}]}}` },
    { name: 'type-source-number', text: `${head},"storage":{"files":[{"path":"/a","contents":{"source":1}}]}}` },
    { name: 'type-merge-object', text: `${head.slice(0, -1)},"config":{"merge":{"source":"http://a"}}}}` },
    { name: 'type-timeouts-string', text: `${head.slice(0, -1)},"timeouts":{"httpTotal":"10"}}}` },
    { name: 'type-two-errors', text: `${head},"storage":{"files":[{"path":1,"mode":"x"}]}}` },
    { name: 'type-error-pretty', text: `{\n  "ignition": {\n    "version": "${v}"\n  },\n  "storage": {\n    "disks": [\n      {\n        "device": "/dev/vda",\n        "wipeTable": "yes"\n      }\n    ]\n  }\n}\n` },
    { name: 'type-error-miscased-only', text: `${head},"storage":{"filesystems":[{"device":"/dev/sda","format":"ext4","Path":{}}]}}` },
    { name: 'type-error-miscased-key', text: `${head},"storage":{"directories":[{"path":"/opt/dir","mode":493,"Path":1.5}]}}` },
    { name: 'syntax-eof-after-value', text: `{"ignition":{"version":"${v}"},"storage":{"files":[{"path":"/a","mode":"x"}]}}`.slice(0, -3) },
    { name: 'type-error-after-version', text: `{"ignition":{"version":"${v}","timeouts":{"httpTotal":true}}}` },
    { name: 'type-error-and-rule', text: `${head},"storage":{"files":[{"path":"rel"}],"links":[{"path":"/l","hard":1}]}}` },
    { name: 'type-unknown-key-any-type', text: `${head},"storage":{"whatever":"x","files":[{"path":"/a","bogus":{"x":[1,"y",null]}}]}}` },
    { name: 'miscased-ignition-keys', text: `{"Ignition":{"Version":"${v}"},"storage":{"files":[{"path":"rel"}]}}` },
    { name: 'miscased-parent-with-unknown-child', text: `${head},"storage":{"files":[{"path":"/a","Contents":{"source":"data:,x","bogus":1}}]}}` },
    { name: 'miscased-version-last-wins', text: `{"ignition":{"version":"${v}","Version":"3.9.0"}}` },
    { name: 'escaped-version-key', text: `{"ignition":{"vers\\u0069on":"${v}"},"storage":{"files":[{"path":"rel"}]}}` },
    { name: 'type-mode-float-integral', text: `${head},"storage":{"files":[{"path":"/a","mode":420.0}]}}` },
    { name: 'type-mode-upper-exponent', text: `${head},"storage":{"files":[{"path":"/a","mode":4E2}]}}` },
    { name: 'negative-sizes', text: `${head},"storage":{"disks":[{"device":"/dev/a","partitions":[{"number":1,"startMiB":-5,"sizeMiB":-1},{"number":2,"startMiB":1,"sizeMiB":10}]}]}}` },
    { name: 'huge-timeouts', text: `${head.slice(0, -1)},"timeouts":{"httpTotal":9223372036854775807,"httpResponseHeaders":-9223372036854775808}}}` },
    { name: 'int-overflow-by-one', text: `${head.slice(0, -1)},"timeouts":{"httpTotal":9223372036854775808}}}` },
    // Duplicate JSON keys: the last one wins without a message.
    { name: 'dupkey-last-wins-valid', text: `${head},"storage":{"files":[{"path":"rel","path":"/abs"}]}}` },
    { name: 'dupkey-last-wins-invalid', text: `${head},"storage":{"files":[{"path":"/abs","path":"rel"}]}}` },
    { name: 'dupkey-nested-object-twice', text: `${head},"storage":{"files":[{"path":"/a","contents":{"source":"data:,x"},"contents":{"verification":{"hash":"sha256-${'0'.repeat(64)}"}}}]}}` },
    { name: 'dupkey-list-elements-merge', text: `${head},"storage":{"files":[{"path":"/a","mode":99999}],"files":[{"path":"/b"}]}}` },
    { name: 'dupkey-storage-twice', text: `${head},"storage":{"files":[{"path":"rel"}]},"storage":{"directories":[{"path":"/d"}]}}` },
    // Encodings
    { name: 'unicode-escapes', text: `${head},"storage":{"files":[{"path":"/\\u00e9\\ud83d\\ude00","mode":"x"}]}}` },
    { name: 'unicode-raw-positions', text: `${head},"storage":{"files":[{"path":"/é/ü"},{"path":"ü"}],"links":[{"path":"/日本語","target":"/ß"}]},"zß":1}` },
    { name: 'unicode-type-error-column', text: `${head},"storage":{"files":[{"path":"/é/ü","mode":"x"}]}}` },
    { name: 'invalid-utf8-in-string', text: Buffer.concat([Buffer.from(`${head},"storage":{"files":[{"path":"/a`), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}}')]) },
    { name: 'escaped-slash-path', text: `${head},"storage":{"files":[{"path":"\\/etc\\/x"}]}}` },
    { name: 'escaped-key', text: `${head},"storage":{"fil\\u0065s":[{"path":"rel"}]}}` },
    { name: 'escaped-unknown-key', text: `${head},"st\\u00f6rage":{}}` },
    { name: 'pretty-rules-late-lines', text: `{\n    "ignition": {\n        "version": "${v}"\n    },\n    "systemd": {\n        "units": [\n            {\n                "name": "a.service",\n                "contents": "[Unit\\n"\n            },\n            {\n                "name": "bad"\n            }\n        ]\n    },\n    "storage": {\n        "files": [\n            {\n                "path": "relative",\n                "unknown": 1\n            }\n        ]\n    }\n}\n` },
    { name: 'version-last', text: `{"storage":{"files":[{"path":"rel"}]},"ignition":{"version":"${v}"}}` },
    { name: 'deep-nesting-unknown', text: `${head},"x":${'['.repeat(200)}${']'.repeat(200)}}` },
  ];
}

/** Version strings every validator must reject (the accepted ones differ between 2.14 and today). */
const BAD_VERSIONS: readonly (string | null)[] = [
  '3.9.0', '2.2.0', 'three', '', null, '3.0', '3.0.0-experimental', '3.7.0', '1.0.0', 'v3.0.0', ' 3.0.0', '3.3.0+build', '3.2.0-experimental', '03.0.0',
];

function versionCases(): ConfigCase[] {
  return BAD_VERSIONS.map((version, i) => {
    const ignition = version === null ? {} : { version };
    const text = JSON.stringify({ ignition, storage: { files: [{ path: 'rel' }] } });
    return fromTemplate(`version/${i}-${JSON.stringify(version)}`, COLUMNS[i % COLUMNS.length] as Column, text);
  });
}

/** Paths to every object in a value, for mutations. */
function objectPaths(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (isObject(value)) {
    out.push(path);
    for (const [k, v] of Object.entries(value)) objectPaths(v, [...path, k], out);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => objectPaths(v, [...path, i], out));
  }
  return out;
}

function getAt(root: Json, path: (string | number)[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[seg];
  }
  return cur;
}

const WEIRD_STRINGS = ['', 'rel/path', '/a//b', 'http://[::1', 'ftp://x', 'data:,%zz', '/ü/ß', 'a:b', 'x'.repeat(60), '/etc/../x', 's3://b/k?versionId=', 'sha512-00', 'gzip', '[Unit', 'foo.bar'];
const WEIRD_VALUES: readonly Json[] = [null, true, 0, -1, 4096, 1.5, 'str', [], {}, ['x']];
// No mis-cased field names here: those have their own fragments and text cases.
const UNKNOWN_KEYS = ['bogus', 'ünknown', 'x-y', 'sizeMb', 'contents2', 'PATHS'];

/** One random change to a copy of the document: delete, retype, rewrite a string, or add a key. */
function mutate(doc: JsonObject, rnd: Random): JsonObject {
  const copy = structuredClone(doc) as JsonObject;
  // The root and the ignition object stay as they are, so that the version survives.
  const objects = objectPaths(copy).filter((p) => p.length > 0 && !(p.length === 1 && p[0] === 'ignition'));
  if (objects.length === 0) return copy;
  const target = getAt(copy, rnd.pick(objects)) as JsonObject;
  const keys = Object.keys(target);
  const kind = rnd.int(4);
  if (kind === 3 || keys.length === 0) {
    const key = rnd.pick(UNKNOWN_KEYS);
    // A key that differs from a present one only in case is its own text case (type-error-miscased-key).
    const clash = Object.keys(target).some((k) => k !== key && k.toLowerCase() === key.toLowerCase());
    target[clash ? 'bogus' : key] = rnd.pick(WEIRD_VALUES);
    return copy;
  }
  const key = rnd.pick(keys);
  if (kind === 0) delete target[key];
  else if (kind === 1) target[key] = rnd.pick(WEIRD_VALUES);
  else if (typeof target[key] === 'string') target[key] = rnd.pick(WEIRD_STRINGS);
  else target[key] = rnd.pick(WEIRD_VALUES);
  return copy;
}

/**
 * The whole corpus, identical for the same seed. `combinations` random documents are added per
 * spec column on top of the systematic ones.
 */
export function generateCases(seed: number, combinations = 24): ConfigCase[] {
  const rnd = seededRandom(seed);
  const cases: ConfigCase[] = [];
  const layouts: Layout[] = ['compact', 'indent2', 'tabs', 'crlf'];
  for (const column of COLUMNS) {
    const spec = specInfo(column);
    const applicable = FRAGMENTS.map((f) => ({ name: f.name, doc: f.build(spec) })).filter(
      (f): f is { name: string; doc: JsonObject } => f.doc !== undefined,
    );
    for (const { name, doc } of applicable) {
      const layout: Layout = rnd.chance(0.75) ? 'compact' : rnd.pick(layouts);
      cases.push(fromTemplate(`${column}/${name}/${layout}`, column, render(doc, layout)));
    }
    for (let i = 0; i < combinations; i++) {
      const count = 2 + rnd.int(3);
      const picked = Array.from({ length: count }, () => rnd.pick(applicable));
      let doc = picked.reduce<JsonObject>((acc, f) => deepMerge(acc, f.doc), {});
      const mutations = rnd.int(3);
      for (let m = 0; m < mutations; m++) doc = mutate(doc, rnd);
      const layout = rnd.pick(layouts);
      const label = `${picked.map((f) => f.name).join('+')}~m${mutations}`;
      cases.push(fromTemplate(`${column}/combo${i}/${label}/${layout}`, column, render(doc, layout)));
    }
    const everything = applicable.find((f) => f.name === 'valid-everything');
    for (let i = 0; everything && i < 8; i++) {
      const doc = mutate(mutate(everything.doc, rnd), rnd);
      cases.push(fromTemplate(`${column}/mutated-everything${i}`, column, render(doc, rnd.pick(layouts))));
    }
  }
  textCases().forEach(({ name, text }, i) => {
    const column = COLUMNS[i % COLUMNS.length] as Column;
    cases.push(fromTemplate(`${column}/text/${name}`, column, text));
  });
  cases.push(...versionCases());
  return cases;
}
