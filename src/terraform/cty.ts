// Terraform values on the wire: cty's msgpack encoding, typed by the schema (the only module that
// imports @msgpack/msgpack). An object carries every attribute of its type, nil for null; an
// unknown value (not yet computed at plan time) is msgpack extension 0, or extension 12 when cty
// attaches refinements to it (Terraform 1.6+). Only the types the ct provider's schema uses are
// handled: string, bool, number, list and object.

import { decode, encode, ExtData, ExtensionCodec } from '@msgpack/msgpack';
import { entry, type ProvisionError } from '../report.ts';

export type CtyType = 'string' | 'bool' | 'number' | { list: CtyType } | { object: Readonly<Record<string, CtyType>> };

/** The one unknown value; decoded configs carry it where Terraform has no value yet. */
export const UNKNOWN: unique symbol = Symbol('cty.unknown');

export type CtyValue = string | boolean | number | null | typeof UNKNOWN | CtyValue[] | { [name: string]: CtyValue };

/** A value that did not fit the type: CT_VALUE_INVALID at the attribute path it was found at. */
function decodeError(detail: string, path: readonly (string | number)[]): ProvisionError {
  return entry('error', 'CT_VALUE_INVALID', path, detail);
}

const UNKNOWN_EXTENSIONS = [0, 12];

const codec = new ExtensionCodec();
for (const type of UNKNOWN_EXTENSIONS) {
  codec.register({ type, encode: () => null, decode: () => UNKNOWN });
}

/** cty's JSON type notation, as schemas carry it (`"string"`, `["list","string"]`). */
export function typeJson(type: CtyType): unknown {
  if (typeof type === 'string') return type;
  if ('list' in type) return ['list', typeJson(type.list)];
  return ['object', Object.fromEntries(Object.entries(type.object).map(([name, t]) => [name, typeJson(t)]))];
}

function typeName(type: CtyType): string {
  if (typeof type === 'string') return type;
  return 'list' in type ? `list of ${typeName(type.list)}` : 'object';
}

function check(raw: unknown, type: CtyType, path: (string | number)[]): CtyValue {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  if (raw instanceof ExtData) throw decodeError(`unsupported msgpack extension ${raw.type}`, path);
  const fail = (): never => {
    throw decodeError(`${typeName(type)} required`, path);
  };
  if (type === 'string') return typeof raw === 'string' ? raw : fail();
  if (type === 'bool') return typeof raw === 'boolean' ? raw : fail();
  if (type === 'number') {
    // cty writes numbers it cannot hold exactly as a float64 as decimal strings.
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    return fail();
  }
  if ('list' in type) {
    if (!Array.isArray(raw)) return fail();
    return raw.map((item, index) => check(item, type.list, [...path, index]));
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail();
  const record = raw as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!(name in type.object)) throw decodeError(`unsupported attribute "${name}"`, [...path, name]);
  }
  const out: Record<string, CtyValue> = {};
  for (const [name, attributeType] of Object.entries(type.object)) {
    out[name] = check(record[name], attributeType, [...path, name]);
  }
  return out;
}

/** Decodes a msgpack DynamicValue against a type; throws a ProvisionError when it does not fit. */
export function decodeValue(bytes: Uint8Array, type: CtyType): CtyValue {
  let raw: unknown;
  try {
    raw = decode(bytes, { extensionCodec: codec });
  } catch (error) {
    throw decodeError(`malformed msgpack: ${(error as Error).message}`, []);
  }
  return check(raw, type, []);
}

function shape(value: CtyValue, type: CtyType): unknown {
  if (value === null || value === UNKNOWN) return value === UNKNOWN ? new ExtData(0, new Uint8Array([0])) : null;
  if (typeof type === 'string') return value;
  if ('list' in type) return (value as CtyValue[]).map((item) => shape(item, type.list));
  const record = value as Record<string, CtyValue>;
  // cty writes attributes in name order; every one is present.
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(type.object).sort()) {
    out[name] = shape(record[name] ?? null, type.object[name] as CtyType);
  }
  return out;
}

/** Encodes a value of a type as cty does. */
export function encodeValue(value: CtyValue, type: CtyType): Uint8Array {
  return encode(shape(value, type), { ignoreUndefined: false });
}
