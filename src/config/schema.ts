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
  const resolve = resolverFor(root);
  const planOf = plannerFor(root, resolve);

  const mismatch = (value: unknown, node: SchemaNode, trail: Trail | undefined, kind = jsonKind(value)): undefined => {
    const goType = node['x-go-type'] ?? resolve(node)?.['x-go-type'] ?? 'interface {}';
    mismatches.push({
      path: keysOf(trail),
      container: typeof value === 'object' && value !== null,
      message: `json: cannot unmarshal ${kind} into ${goField(root, resolve, fieldsOf(trail))} of type ${goType}`,
    });
    return undefined;
  };

  // Returns the decoded value, or undefined when the value does not fit (a mismatch is recorded).
  // `trail` holds both the field path (Go's names) and the keys as written, which positions refer
  // to; arrays of them are built only for a report. `checkUnused` is false inside a mis-cased key,
  // where upstream's unused-key walk never goes.
  const decode = (value: unknown, node: SchemaNode, trail: Trail | undefined, checkUnused: boolean): unknown => {
    const plan = planOf(node);
    switch (plan.kind) {
      case 'none':
        return value;
      case 'object': {
        if (!isObject(value)) return mismatch(value, node, trail);
        const props = plan.props;
        // Go assigns every key that matches a field (exactly, else case-insensitively) in document
        // order, so the last one wins; keys matching no field are ignored. When every key is a
        // field's own name (the usual case), the field's key is that name.
        let chosen: Map<string, string> | undefined;
        // Indexed loops here and below: unoptimised code allocates a result object per step of
        // an iterator, and this runs over every value of a config, mostly before the JIT warms up.
        const keys = Object.keys(value);
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!;
          if (Object.hasOwn(props, key)) {
            chosen?.set(key, key);
            continue;
          }
          if (checkUnused) unused.push(entry('warning', 'UNUSED_KEY', keysOf({ up: trail, field: key, key }), key));
          const field = fieldFor(props, key);
          if (field === undefined) continue;
          if (chosen === undefined) {
            chosen = new Map();
            for (let e = 0; e < k; e++) {
              const earlier = keys[e]!;
              const known = Object.hasOwn(props, earlier) ? earlier : fieldFor(props, earlier);
              if (known !== undefined) chosen.set(known, earlier);
            }
          }
          chosen.set(field, key);
        }
        const out: Record<string, unknown> = {};
        // Upstream's unused-key walk visits an object's own keys, then its fields in struct order.
        const fields = plan.fields;
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i]!;
          const field = f.field;
          const key = chosen === undefined ? (Object.hasOwn(value, field) ? field : undefined) : chosen.get(field);
          if (key === undefined) continue;
          const child = value[key];
          if (child === null) {
            // A JSON null sets a pointer field to nil and leaves any other field untouched.
            if (f.nullable) out[field] = null;
            else if (checkUnused && key === field && f.object) treeMismatch({ up: trail, field: key, key });
            continue;
          }
          const decoded = decode(child, f.node, { up: trail, field, key }, checkUnused && key === field);
          if (decoded !== undefined) out[field] = decoded;
        }
        return out;
      }
      case 'array': {
        if (!Array.isArray(value)) return mismatch(value, node, trail);
        const items = plan.items;
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          // Go decodes a null list element as the element type's zero value.
          if (item === null && checkUnused && plan.itemObject) treeMismatch({ up: trail, field: i, key: i });
          const decoded = item === null && !plan.itemNullable ? zeroOf(plan.itemSchema) : decode(item, items, { up: trail, field: i, key: i }, checkUnused);
          out.push(decoded === undefined ? zeroOf(plan.itemSchema) : decoded);
        }
        return out;
      }
      case 'string':
        return typeof value === 'string' ? value : mismatch(value, node, trail);
      case 'boolean':
        return typeof value === 'boolean' ? value : mismatch(value, node, trail);
      case 'integer': {
        if (typeof value !== 'number') return mismatch(value, node, trail);
        // Go parses integers from their spelling: 1e3, 420.0 and anything past int64 do not fit,
        // even though JavaScript holds them as integral numbers.
        const literal = (literalAt === undefined ? undefined : literalAt(keysOf(trail))) ?? String(value);
        if (/^-?(0|[1-9]\d*)$/.test(literal) && fitsInt64(literal)) return value;
        return mismatch(value, node, trail, `number ${literal}`);
      }
      default:
        return value;
    }
  };

  // A null where the config has a structure: upstream's unused-key walk warns and stops there.
  const treeMismatch = (trail: Trail): void => {
    const at = keysOf(trail);
    unused.push(entry('warning', 'CONTEXT_TREE_MISMATCH', at, formatPath(at)));
  };

  const value = (decode(input, root, undefined, true) ?? {}) as Record<string, unknown>;
  return { value, unused, mismatches };
}

/** One step down from the root: the Go field name and the key as written (they differ only in case). */
interface Trail {
  up: Trail | undefined;
  field: string | number;
  key: string | number;
}

function keysOf(trail: Trail | undefined): ConfigPath {
  const out: (string | number)[] = [];
  for (let t = trail; t !== undefined; t = t.up) out.push(t.key);
  return out.reverse();
}

function fieldsOf(trail: Trail | undefined): ConfigPath {
  const out: (string | number)[] = [];
  for (let t = trail; t !== undefined; t = t.up) out.push(t.field);
  return out.reverse();
}

type Resolve = (node: SchemaNode | undefined) => SchemaNode | undefined;

/** What decode needs to know about a schema node, worked out once per node and version. */
interface Plan {
  kind: 'none' | 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'other';
  props: Record<string, SchemaNode>;
  /** The object's fields in struct order. */
  fields: { field: string; node: SchemaNode; nullable: boolean; object: boolean }[];
  items: SchemaNode;
  itemSchema: SchemaNode;
  itemNullable: boolean;
  itemObject: boolean;
}

const resolvers = new WeakMap<SchemaNode, Resolve>();

function resolverFor(root: SchemaNode): Resolve {
  let resolve = resolvers.get(root);
  if (resolve === undefined) {
    const byRef = new Map<string, SchemaNode | undefined>();
    resolve = (node) => {
      let current = node;
      while (current?.$ref !== undefined) {
        const ref = current.$ref;
        if (!byRef.has(ref)) byRef.set(ref, root.definitions?.[ref.replace(/^#\/definitions\//, '')]);
        current = byRef.get(ref);
      }
      return current;
    };
    resolvers.set(root, resolve);
  }
  return resolve;
}

const planners = new WeakMap<SchemaNode, (node: SchemaNode) => Plan>();

function plannerFor(root: SchemaNode, resolve: Resolve): (node: SchemaNode) => Plan {
  let planner = planners.get(root);
  if (planner === undefined) {
    const plans = new WeakMap<SchemaNode, Plan>();
    planner = (node) => {
      let plan = plans.get(node);
      if (plan === undefined) {
        plan = makePlan(node, resolve);
        plans.set(node, plan);
      }
      return plan;
    };
    planners.set(root, planner);
  }
  return planner;
}

function makePlan(node: SchemaNode, resolve: Resolve): Plan {
  const schema = resolve(node);
  const types = schema === undefined ? [] : typesOf(schema);
  const kind: Plan['kind'] =
    schema === undefined ? 'none'
    : types.includes('object') ? 'object'
    : types.includes('array') ? 'array'
    : types.includes('string') ? 'string'
    : types.includes('boolean') ? 'boolean'
    : types.includes('integer') ? 'integer'
    : 'other';
  const props = schema?.properties ?? {};
  const fields = Object.entries(props).map(([field, fieldNode]) => {
    const fieldTypes = typesOf(resolve(fieldNode) ?? {});
    return { field, node: fieldNode, nullable: fieldTypes.includes('null'), object: fieldTypes.includes('object') };
  });
  const items = (schema?.items ?? {}) as SchemaNode;
  const itemSchema = resolve(schema?.items) ?? {};
  const itemTypes = typesOf(itemSchema);
  return { kind, props, fields, items, itemSchema, itemNullable: itemTypes.includes('null'), itemObject: itemTypes.includes('object') };
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
function goField(root: SchemaNode, resolve: Resolve, path: ConfigPath): string {
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
