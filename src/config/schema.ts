// Decoding a parsed JSON value into one spec version's shape, driven by that version's JSON Schema
// and following Go's encoding/json as Ignition uses it: keys match case-insensitively (mis-cased
// ones still warn as unused), JSON null means "not set", unknown keys are dropped with a warning,
// and a type mismatch is reported in Go's words. A hand-written walk rather than a generic schema
// validator, because Go's rules (document order, key folding, null handling, integer spelling) are
// not JSON Schema's, and because compiling a validator at every boot would cost more than the
// whole check.

import { schemas } from '../../schemas/ignition/index.ts';
import { entry, formatPath, type ConfigPath, type Report } from '../report.ts';
import type { SpecVersion } from './versions.ts';

interface SchemaNode {
  $ref?: string;
  title?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
  'x-go-type'?: string;
}

export interface TypeMismatch {
  /** Where the offending value is, with keys as written in the document. */
  path: ConfigPath;
  /** Go's message, e.g. `json: cannot unmarshal string into Go struct field File.storage.files.mode of type int`. */
  message: string;
  /** Go reports containers at their opening bracket and literals just past their end. */
  container: boolean;
}

export interface DecodeResult {
  /** The value with keys matched to the schema, nulls on plain fields and unknown keys removed. */
  value: Record<string, unknown>;
  /** Unused-key (and tree-mismatch) warnings, in upstream's walk order. */
  unused: Report;
  /** All type mismatches; the caller reports the one that comes first in the text. */
  mismatches: TypeMismatch[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typesOf = (node: SchemaNode): string[] => (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]);

/** Field names of each object schema, lower-cased, for Go's case-insensitive key matching. */
const foldedNames = new WeakMap<Record<string, SchemaNode>, Map<string, string>>();

function fieldFor(props: Record<string, SchemaNode>, key: string): string | undefined {
  let folded = foldedNames.get(props);
  if (folded === undefined) {
    folded = new Map(Object.keys(props).map((name) => [name.toLowerCase(), name]));
    foldedNames.set(props, folded);
  }
  return folded.get(key.toLowerCase());
}

/**
 * Decodes `input` (the parsed root object) against the schema of `version`. Never throws.
 * `literalAt` gives the source spelling of a number, which decides whether Go accepts it as int.
 */
export function decodeConfig(
  input: Record<string, unknown>,
  version: SpecVersion,
  literalAt?: (path: ConfigPath) => string | undefined,
): DecodeResult {
  const root = schemas[version] as SchemaNode;
  const unused: Report = [];
  const mismatches: TypeMismatch[] = [];

  const resolve = (node: SchemaNode | undefined): SchemaNode | undefined => {
    let current = node;
    while (current?.$ref !== undefined) current = root.definitions?.[current.$ref.replace(/^#\/definitions\//, '')];
    return current;
  };

  const mismatch = (value: unknown, node: SchemaNode, path: ConfigPath, at: ConfigPath, kind = jsonKind(value)): undefined => {
    const goType = node['x-go-type'] ?? resolve(node)?.['x-go-type'] ?? 'interface {}';
    mismatches.push({
      path: at,
      container: typeof value === 'object' && value !== null,
      message: `json: cannot unmarshal ${kind} into ${goField(root, resolve, path)} of type ${goType}`,
    });
    return undefined;
  };

  // Returns the decoded value, or undefined when the value does not fit (a mismatch is recorded).
  // `path` is the field path (Go's names), `at` the keys as written, which positions refer to.
  // `checkUnused` is false inside a mis-cased key, where upstream's unused-key walk never goes.
  const decode = (value: unknown, node: SchemaNode, path: ConfigPath, at: ConfigPath, checkUnused: boolean): unknown => {
    const schema = resolve(node);
    if (schema === undefined) return value;
    const types = typesOf(schema);
    if (types.includes('object')) {
      if (!isObject(value)) return mismatch(value, node, path, at);
      const props = schema.properties ?? {};
      // Go assigns every key that matches a field (exactly, else case-insensitively) in document
      // order, so the last one wins; keys matching no field are ignored.
      const chosen = new Map<string, string>();
      for (const key of Object.keys(value)) {
        const exact = Object.hasOwn(props, key);
        if (!exact && checkUnused) unused.push(entry('warning', 'UNUSED_KEY', [...at, key], key));
        const field = exact ? key : fieldFor(props, key);
        if (field !== undefined) chosen.set(field, key);
      }
      const out: Record<string, unknown> = {};
      // Upstream's unused-key walk visits an object's own keys, then its fields in struct order.
      for (const [field, fieldNode] of Object.entries(props)) {
        const key = chosen.get(field);
        if (key === undefined) continue;
        const child = value[key];
        const fieldSchema = resolve(fieldNode) ?? {};
        if (child === null) {
          // A JSON null sets a pointer field to nil and leaves any other field untouched.
          if (typesOf(fieldSchema).includes('null')) out[field] = null;
          else if (checkUnused && key === field && typesOf(fieldSchema).includes('object')) treeMismatch([...at, key]);
          continue;
        }
        const decoded = decode(child, fieldNode, [...path, field], [...at, key], checkUnused && key === field);
        if (decoded !== undefined) out[field] = decoded;
      }
      return out;
    }
    if (types.includes('array')) {
      if (!Array.isArray(value)) return mismatch(value, node, path, at);
      const items = schema.items as SchemaNode;
      const itemSchema = resolve(items) ?? {};
      const out: unknown[] = [];
      value.forEach((item, i) => {
        // Go decodes a null list element as the element type's zero value.
        if (item === null && checkUnused && typesOf(itemSchema).includes('object')) treeMismatch([...at, i]);
        const decoded = item === null && !typesOf(itemSchema).includes('null') ? zeroOf(itemSchema) : decode(item, items, [...path, i], [...at, i], checkUnused);
        out.push(decoded === undefined ? zeroOf(itemSchema) : decoded);
      });
      return out;
    }
    if (types.includes('string')) return typeof value === 'string' ? value : mismatch(value, node, path, at);
    if (types.includes('boolean')) return typeof value === 'boolean' ? value : mismatch(value, node, path, at);
    if (types.includes('integer')) {
      if (typeof value !== 'number') return mismatch(value, node, path, at);
      // Go parses integers from their spelling: 1e3, 420.0 and anything past int64 do not fit,
      // even though JavaScript holds them as integral numbers.
      const literal = literalAt?.(at) ?? String(value);
      if (/^-?(0|[1-9]\d*)$/.test(literal) && fitsInt64(literal)) return value;
      return mismatch(value, node, path, at, `number ${literal}`);
    }
    return value;
  };

  // A null where the config has a structure: upstream's unused-key walk warns and stops there.
  const treeMismatch = (at: ConfigPath): void => {
    unused.push(entry('warning', 'CONTEXT_TREE_MISMATCH', at, formatPath(at)));
  };

  const value = (decode(input, root, [], [], true) ?? {}) as Record<string, unknown>;
  return { value, unused, mismatches };
}

function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

function zeroOf(node: SchemaNode): unknown {
  const type = typesOf(node)[0];
  if (type === 'string') return '';
  if (type === 'integer' || type === 'number') return 0;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  return {};
}

const INT64_MAX = 9223372036854775807n;

function fitsInt64(literal: string): boolean {
  const n = BigInt(literal);
  return n <= INT64_MAX && n >= -INT64_MAX - 1n;
}

/** `Go struct field File.storage.files.mode`: the struct holding the field, then its key path. */
function goField(root: SchemaNode, resolve: (n: SchemaNode | undefined) => SchemaNode | undefined, path: ConfigPath): string {
  if (path.length === 0) return 'Go value';
  let struct: SchemaNode = root;
  let holder: SchemaNode | undefined = resolve(root);
  const fields: string[] = [];
  for (const segment of path) {
    if (holder === undefined) break;
    if (typeof segment === 'number') {
      holder = resolve(holder.items);
      continue;
    }
    if (holder.properties !== undefined) struct = holder;
    fields.push(segment);
    holder = resolve(holder.properties?.[segment]);
  }
  return `Go struct field ${struct.title ?? ''}.${fields.join('.')}`;
}
