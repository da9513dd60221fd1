// Typed decoding of the YAML tree against the field tree, the way Go's yaml.v3 fills Butane's
// structs: scalars are typed by the field they land in, type errors are collected into one
// `yaml: unmarshal errors:` message, and keys the flavor does not know become warnings.

import { entry, type ConfigPath, type PathSegment, type Report } from '../src/report.ts';
import { fieldAvailable, type FieldType, type ObjectSpec } from './fields.ts';
import type { Flavor } from './variants.ts';
import type { YamlNode } from './yaml-node.ts';
import { nodeTag, ResolveFailure, resolveScalar, type Resolved } from './yaml-resolve.ts';

export type SourceObject = { [key: string]: SourceValue };
export type SourceValue = string | number | boolean | SourceValue[] | SourceObject;

export interface DecodeResult {
  value: SourceObject;
  report: Report;
  /** yaml.v3-style type errors; non-empty means the document cannot be used. */
  typeErrors: string[];
  /** Where yaml.v3 gave up decoding altogether (its failf), the message; no other result counts. */
  fatal?: string;
}

const TRUE_11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE_11 = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const INT64_MAX = 2n ** 63n - 1n;

export { parseGoInt } from './yaml-resolve.ts';

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

/**
 * yaml.v3's check before it decodes a mapping: each key that repeats an earlier one, as its
 * `mapping key "k" already defined` lines (every later repeat against every earlier one).
 */
export function duplicateKeys(node: Extract<YamlNode, { kind: 'map' }>): string[] {
  const { entries } = node;
  // Nearly every mapping has distinct keys: one pass over a set says so without the pairwise walk.
  if (new Set(entries.map((e) => e.key)).size === entries.length) return [];
  const found: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const first = entries[i]!;
    for (let j = i + 1; j < entries.length; j++) {
      const later = entries[j]!;
      if (later.key === first.key) found.push(`line ${later.keyPos.line}: mapping key ${JSON.stringify(later.key)} already defined at line ${first.keyPos.line}`);
    }
  }
  return found;
}

export function decodeSource(root: YamlNode | undefined, spec: ObjectSpec, flavor: Flavor): DecodeResult {
  const report: Report = [];
  const typeErrors: string[] = [];
  const pkg = flavor.base === 8 ? 'v0_8_exp' : `v0_${flavor.base}`;

  const typeError = (node: YamlNode, type: FieldType): undefined => {
    let shown = '';
    if (node.kind === 'scalar') shown = node.text.length > 10 ? ` \`${node.text.slice(0, 7)}...\`` : ` \`${node.text}\``;
    typeErrors.push(`line ${node.pos.line}: cannot unmarshal ${nodeTag(node)}${shown} into ${goTypeName(type, pkg)}`);
    return undefined;
  };

  /** A scalar that yaml.v3 resolves to null leaves its field unset and is dropped from lists. */
  const isNull = (node: YamlNode): boolean => node.kind === 'null' || (node.kind === 'scalar' && node.tag !== undefined && resolveScalar(node).tag === '!!null');

  /** yaml.v3's decoder.scalar for Go string, int and bool fields. */
  const scalar = (node: YamlNode, type: 'string' | 'int' | 'bool'): SourceValue | undefined => {
    if (node.kind !== 'scalar') return typeError(node, type);
    // Untagged text goes into a string field as written, whatever it resolves to.
    if (type === 'string' && node.tag === undefined) return node.text;
    const resolved: Resolved = resolveScalar(node);
    if (type === 'string') return resolved.tag === '!!binary' ? (resolved as { value: string }).value : node.text;
    if (type === 'bool') {
      if (resolved.tag === '!!bool') return (resolved as { value: boolean }).value;
      const text = 'value' in resolved && typeof resolved.value === 'string' ? resolved.value : undefined;
      if (text !== undefined && resolved.tag !== '!!timestamp' && TRUE_11.has(text)) return true;
      if (text !== undefined && resolved.tag !== '!!timestamp' && FALSE_11.has(text)) return false;
      return typeError(node, type);
    }
    if (resolved.tag === '!!int' && typeof (resolved as { value: unknown }).value === 'bigint') {
      const int = (resolved as { value: bigint }).value;
      if (int <= INT64_MAX) return Number(int);
    }
    if (resolved.tag === '!!float' && typeof (resolved as { value: unknown }).value === 'number') {
      const f = (resolved as { value: number }).value;
      // Go converts with int64(f): truncation, and -Inf becomes the smallest int64 on amd64.
      if (f === Number.NEGATIVE_INFINITY) return -(2 ** 63);
      if (f < 2 ** 63) return Math.trunc(f);
    }
    return typeError(node, type);
  };

  // Type errors follow the document, as yaml.v3 decodes it. Upstream finds unknown keys
  // afterwards, walking the decoded structs in field order and reporting each mapping's unknown
  // keys before descending, so warnings go to per-field sinks that are joined in field order.
  const value = (node: YamlNode, type: FieldType, path: Trail, sink: Report): SourceValue | undefined => {
    if (isNull(node)) return undefined;
    if (typeof type === 'string' && type !== 'strings') return scalar(node, type);
    // yaml.v3 drops a null sequence item (`-` alone, `~`) when the element type is not a pointer,
    // which no Butane list has; later items move up, so their paths use the shorter list's indexes.
    if (type === 'strings') {
      if (node.kind !== 'seq') return typeError(node, type);
      return node.items.filter((item) => !isNull(item)).map((item) => scalar(item, 'string') ?? '');
    }
    if ('list' in type) {
      if (node.kind !== 'seq') return typeError(node, type);
      return node.items.filter((item) => !isNull(item)).map((item, i) => object(item, type.list, { up: path, segment: i }, sink) ?? {});
    }
    return object(node, type, path, sink);
  };

  const object = (node: YamlNode, type: ObjectSpec, path: Trail, sink: Report): SourceObject | undefined => {
    if (node.kind !== 'map') return typeError(node, type);
    const duplicates = duplicateKeys(node);
    if (duplicates.length > 0) {
      // yaml.v3 then skips the whole mapping.
      typeErrors.push(...duplicates);
      return undefined;
    }
    const out: SourceObject = {};
    const children: { order: number; found: Report }[] = [];
    const order = fieldOrder(type);
    let merge: YamlNode | undefined;
    for (const e of node.entries) {
      // yaml.v3 applies the last `<<` of a mapping after its own keys; upstream still warns about
      // the key, which its unused-key check sees like any other unknown key.
      if (e.merge === true) {
        merge = e.value;
        if (type.stringMap !== true) sink.push(entry('warning', 'UNUSED_KEY', pathOf({ up: path, segment: e.key }), e.key));
        continue;
      }
      if (type.stringMap === true) {
        if (isNull(e.value)) continue;
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
    if (merge !== undefined) mergeInto(out, new Set(node.entries.map((e) => e.key)), merge, type, path);
    return out;
  };

  /**
   * The merged mappings fill the keys not set yet, earlier ones first. Upstream's unused-key check
   * does not look inside them (they are not under this key in its tree), so their warnings are dropped.
   */
  const mergeInto = (out: SourceObject, taken: Set<string>, merge: YamlNode, type: ObjectSpec, path: Trail): void => {
    const sources = merge.kind === 'seq' ? merge.items : [merge];
    if (sources.some((source) => source.kind !== 'map')) throw new ResolveFailure('map merge requires map or sequence of maps as the value');
    for (const source of sources) {
      if (source.kind !== 'map') continue;
      const fresh = source.entries.filter((e) => e.merge === true || !taken.has(e.key));
      const filled = object({ ...source, entries: fresh }, type, path, []);
      for (const e of fresh) taken.add(e.key);
      for (const [key, v] of Object.entries(filled ?? {})) if (!(key in out)) out[key] = v;
    }
  };

  try {
    const decoded = root === undefined ? {} : (object(root, spec, undefined, report) ?? {});
    return { value: decoded, report, typeErrors };
  } catch (error) {
    if (!(error instanceof ResolveFailure)) throw error;
    return { value: {}, report: [], typeErrors: [], fatal: `yaml: ${error.message}` };
  }
}
