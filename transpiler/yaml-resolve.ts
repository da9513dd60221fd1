// How Go's yaml.v3 (v3.0.1, the version Butane v0.29.0 links) types a scalar: its resolve()
// with the first-character hint table, YAML 1.1 octals next to 0o, underscores stripped from
// numbers, timestamps, explicit tags and !!binary. The decoder then fits the result into the
// field's Go type. `yaml` would read the same text as YAML 1.2 core or 1.1 and disagree on
// 0755, 08, 1_000, 2001-01-01, .5 and tagged scalars, so nothing here uses it.

import type { YamlNode } from './yaml-node.ts';

export type Resolved =
  | { tag: '!!null' }
  | { tag: '!!bool'; value: boolean }
  /** Integers beyond int64 but within uint64 keep `unsigned`: they do not fit Go's int. */
  | { tag: '!!int'; value: bigint }
  | { tag: '!!float'; value: number }
  /** !!str, !!timestamp, !!binary (decoded) and tags yaml.v3 does not resolve. */
  | { tag: string; value: string };

/** What yaml.v3's failf raised: decoding stops with this message (after `yaml: `). */
export class ResolveFailure extends Error {}

const MAP = new Map<string, Resolved>();
for (const w of ['true', 'True', 'TRUE']) MAP.set(w, { tag: '!!bool', value: true });
for (const w of ['false', 'False', 'FALSE']) MAP.set(w, { tag: '!!bool', value: false });
for (const w of ['', '~', 'null', 'Null', 'NULL']) MAP.set(w, { tag: '!!null' });
for (const w of ['.nan', '.NaN', '.NAN']) MAP.set(w, { tag: '!!float', value: Number.NaN });
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) MAP.set(w, { tag: '!!float', value: Number.POSITIVE_INFINITY });
for (const w of ['-.inf', '-.Inf', '-.INF']) MAP.set(w, { tag: '!!float', value: Number.NEGATIVE_INFINITY });
MAP.set('<<', { tag: '!!merge', value: '<<' });

const RESOLVABLE = new Set(['', '!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The resolver's hint from a scalar's first byte: D(igit), S(ign), M(ap word), '.', or none. */
function hint(text: string): string | undefined {
  if (text === '') return 'N';
  const c = text[0] as string;
  if (c >= '0' && c <= '9') return 'D';
  if (c === '+' || c === '-') return 'S';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return undefined;
}

/** Go's strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal), as a bigint. */
function goParseInt(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (m === null) return undefined;
  const digits = m[2] as string;
  let magnitude: bigint;
  if (/^0[xXbBoO]/.test(digits)) magnitude = BigInt(`0${digits[1]?.toLowerCase()}${digits.slice(2)}`);
  else if (digits.length > 1 && digits.startsWith('0')) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  return m[1] === '-' ? -magnitude : magnitude;
}

/** Go's strconv.ParseInt(s, 0, 64) after yaml.v3 strips underscores; undefined when it fails. */
export function parseGoInt(text: string): number | undefined {
  const value = goParseInt(text.replace(/_/g, ''));
  return value === undefined || value < INT64_MIN || value > INT64_MAX ? undefined : Number(value);
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** yaml.v3's parseTimestamp: Go layouts 2006-1-2, with T/t or space and 15:4:5(.fraction), zone Z or ±hh:mm. */
export function isTimestamp(text: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})|( )(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?)?$/.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  const time = m[4] !== undefined ? [m[5], m[6], m[7]] : m[10] !== undefined ? [m[11], m[12], m[13]] : undefined;
  if (time === undefined) return true;
  const [h, min, s] = time.map(Number) as [number, number, number];
  return h < 24 && min < 60 && s < 60;
}

function resolvePlain(tag: string, text: string): Resolved {
  const h = hint(text);
  if (h === undefined || tag === '!!str' || tag === '!!binary') return { tag: '!!str', value: text };
  const known = MAP.get(text);
  if (known !== undefined) return known;
  if (h === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { tag: '!!float', value: Number(text) };
  } else if (h === 'D' || h === 'S') {
    if ((tag === '' || tag === '!!timestamp') && isTimestamp(text)) return { tag: '!!timestamp', value: text };
    const plain = text.replace(/_/g, '');
    const int = goParseInt(plain);
    if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) return { tag: '!!int', value: int };
    if (YAML_FLOAT.test(plain)) {
      const f = Number(plain);
      // strconv.ParseFloat fails on overflow; the text is then a string.
      if (Number.isFinite(f)) return { tag: '!!float', value: f };
    }
  }
  return { tag: '!!str', value: text };
}

/** yaml.v3's resolve(tag, text), explicit tags checked the way its deferred check does. */
export function resolve(tag: string, text: string): Resolved {
  if (!RESOLVABLE.has(tag)) return { tag, value: text };
  const out = resolvePlain(tag, text);
  if (tag === '' || tag === out.tag || tag === '!!str') return out;
  if (tag === '!!float' && out.tag === '!!int') return { tag: '!!float', value: Number((out as { value: bigint }).value) };
  throw new ResolveFailure(`cannot decode ${out.tag} \`${text}\` as a ${tag}`);
}

/** Go's base64.StdEncoding.DecodeString, which skips CR and LF and wants padding. */
function decodeBase64(text: string): string {
  const clean = text.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new ResolveFailure('!!binary value contains invalid base64 data');
  return Buffer.from(clean, 'base64').toString('utf8');
}

/**
 * A scalar node's value as yaml.v3's decoder sees it: quoted and block scalars (and !!str) are
 * strings without resolution; !!binary is decoded. Throws ResolveFailure where yaml.v3 fails.
 */
export function resolveScalar(node: Extract<YamlNode, { kind: 'scalar' }>): Resolved {
  const tag = node.tag ?? '';
  if (tag === '!!str' || ((tag === '' || tag === '!') && node.style !== 'plain')) return { tag: '!!str', value: node.text };
  const out = resolve(tag === '!' ? '' : tag, node.text);
  return out.tag === '!!binary' ? { tag: '!!binary', value: decodeBase64(node.text) } : out;
}

/** The tag yaml.v3 gives a node at parse time, which its type errors name. */
export function nodeTag(node: YamlNode): string {
  if (node.kind === 'map') return '!!map';
  if (node.kind === 'seq') return '!!seq';
  if (node.kind === 'null') return '!!null';
  if (node.tag !== undefined && node.tag !== '!') return node.tag;
  if (node.style !== 'plain') return '!!str';
  try {
    return resolve('', node.text).tag;
  } catch {
    return '!!str';
  }
}
