// Typed decoding of the YAML tree against the field tree, the way Go's yaml.v3 fills Butane's
// structs: scalars are typed by the field they land in, type errors are collected into one
// `yaml: unmarshal errors:` message, and keys the flavor does not know become warnings.

import { entry, type ConfigPath, type PathSegment, type Report } from '../src/report.ts';
import { fieldAvailable, type FieldType, type ObjectSpec } from './fields.ts';
import type { Flavor } from './variants.ts';
import type { YamlNode } from './yaml.ts';

export type SourceObject = { [key: string]: SourceValue };
export type SourceValue = string | number | boolean | SourceValue[] | SourceObject;

export interface DecodeResult {
  value: SourceObject;
  report: Report;
  /** yaml.v3-style type errors; non-empty means the document cannot be used. */
  typeErrors: string[];
}

const TRUE_WORDS = new Set(['true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['false', 'False', 'FALSE']);
const TRUE_11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE_11 = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's strconv.ParseInt(s, 0, 64) after yaml.v3 strips underscores. */
export function parseGoInt(text: string): number | undefined {
  const plain = text.replace(/_/g, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const digits = m[2] as string;
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
  else if (/^0[oO]/.test(digits)) value = parseInt(digits.slice(2), 8);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  return sign * value;
}

/** The tag yaml.v3 would resolve a scalar to, for error messages. */
function resolvedTag(node: YamlNode): string {
  if (node.kind === 'map') return '!!map';
  if (node.kind === 'seq') return '!!seq';
  if (node.kind === 'null') return '!!null';
  if (node.tag !== undefined) return node.tag;
  if (node.style !== 'plain') return '!!str';
  if (TRUE_WORDS.has(node.text) || FALSE_WORDS.has(node.text)) return '!!bool';
  if (parseGoInt(node.text) !== undefined) return '!!int';
  if (FLOAT.test(node.text.replace(/_/g, '')) || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(node.text)) return '!!float';
  return '!!str';
}

function goTypeName(type: FieldType, pkg: string): string {
  if (type === 'strings') return '[]string';
  if (typeof type === 'string') return type;
  const name = (spec: ObjectSpec): string => (pkg === 'v0_1' && spec.nameV0_1 !== undefined ? spec.nameV0_1 : spec.name);
  if ('list' in type) return `[]${pkg}.${name(type.list)}`;
  return type.stringMap === true ? 'map[string]string' : `${pkg}.${name(type)}`;
}

/** A path kept as links to its parent, so that only the paths a report needs are ever built. */
type Trail = { up: Trail; segment: PathSegment } | undefined;

function pathOf(trail: Trail): ConfigPath {
  const path: PathSegment[] = [];
  for (let at = trail; at !== undefined; at = at.up) path.push(at.segment);
  return path.reverse();
}

const fieldOrders = new WeakMap<ObjectSpec, Map<string, number>>();

/** Each field's position in its struct, computed once per object type. */
function fieldOrder(type: ObjectSpec): Map<string, number> {
  let order = fieldOrders.get(type);
  if (order === undefined) {
    order = new Map(Object.keys(type.fields).map((key, i) => [key, i]));
    fieldOrders.set(type, order);
  }
  return order;
}

export function decodeSource(root: YamlNode | undefined, spec: ObjectSpec, flavor: Flavor): DecodeResult {
  const report: Report = [];
  const typeErrors: string[] = [];
  const pkg = flavor.base === 8 ? 'v0_8_exp' : `v0_${flavor.base}`;

  const typeError = (node: YamlNode, type: FieldType): undefined => {
    const tag = resolvedTag(node);
    let shown = '';
    if (node.kind === 'scalar') shown = node.text.length > 10 ? ` \`${node.text.slice(0, 7)}...\`` : ` \`${node.text}\``;
    typeErrors.push(`line ${node.pos.line}: cannot unmarshal ${tag}${shown} into ${goTypeName(type, pkg)}`);
    return undefined;
  };

  const scalar = (node: YamlNode, type: 'string' | 'int' | 'bool'): SourceValue | undefined => {
    if (node.kind !== 'scalar') return typeError(node, type);
    if (type === 'string') return node.text;
    if (type === 'bool') {
      const plain = node.style === 'plain' && node.tag === undefined;
      if (plain && TRUE_WORDS.has(node.text)) return true;
      if (plain && FALSE_WORDS.has(node.text)) return false;
      if (resolvedTag(node) === '!!str' && TRUE_11.has(node.text)) return true;
      if (resolvedTag(node) === '!!str' && FALSE_11.has(node.text)) return false;
      return typeError(node, type);
    }
    const tag = resolvedTag(node);
    if (tag === '!!int') return parseGoInt(node.text);
    if (tag === '!!float' && FLOAT.test(node.text.replace(/_/g, ''))) {
      const f = Number(node.text.replace(/_/g, ''));
      if (Number.isFinite(f)) return Math.trunc(f);
    }
    return typeError(node, type);
  };

  // Type errors follow the document, as yaml.v3 decodes it. Upstream finds unknown keys
  // afterwards, walking the decoded structs in field order and reporting each mapping's unknown
  // keys before descending, so warnings go to per-field sinks that are joined in field order.
  const value = (node: YamlNode, type: FieldType, path: Trail, sink: Report): SourceValue | undefined => {
    if (node.kind === 'null') return undefined;
    if (typeof type === 'string' && type !== 'strings') return scalar(node, type);
    if (type === 'strings') {
      if (node.kind !== 'seq') return typeError(node, type);
      return node.items.map((item) => (item.kind === 'null' ? '' : (scalar(item, 'string') ?? '')));
    }
    if ('list' in type) {
      if (node.kind !== 'seq') return typeError(node, type);
      return node.items.map((item, i) => (item.kind === 'null' ? {} : (object(item, type.list, { up: path, segment: i }, sink) ?? {})));
    }
    return object(node, type, path, sink);
  };

  const object = (node: YamlNode, type: ObjectSpec, path: Trail, sink: Report): SourceObject | undefined => {
    if (node.kind !== 'map') return typeError(node, type);
    const out: SourceObject = {};
    const children: { order: number; found: Report }[] = [];
    const order = fieldOrder(type);
    for (const e of node.entries) {
      if (type.stringMap === true) {
        if (e.value.kind === 'null') continue;
        const text = scalar(e.value, 'string');
        if (text !== undefined) out[e.key] = text;
        continue;
      }
      const field = type.fields[e.key];
      if (field === undefined || !fieldAvailable(field, flavor)) {
        sink.push(entry('warning', 'UNUSED_KEY', pathOf({ up: path, segment: e.key }), e.key));
        continue;
      }
      const found: Report = [];
      const v = value(e.value, field.type, { up: path, segment: e.key }, found);
      if (v !== undefined) out[e.key] = v;
      if (found.length > 0) children.push({ order: order.get(e.key) as number, found });
    }
    children.sort((x, y) => x.order - y.order);
    for (const child of children) sink.push(...child.found);
    return out;
  };

  const decoded = root === undefined ? {} : (object(root, spec, undefined, report) ?? {});
  return { value: decoded, report, typeErrors };
}
