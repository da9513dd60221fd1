// JSON Schemas (draft-07) of each Butane variant and version, derived from the field tree, for
// editors (yaml-language-server). Unknown keys are flagged like Butane's `unused key` warnings.

import { fieldAvailable, type FieldSpec, type FieldType, type ObjectSpec } from './fields.ts';
import { refusedKeys } from './filters.ts';
import type { Flavor } from './variants.ts';

type Schema = Record<string, unknown>;

const GO_INT = '^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$';

const BOOL_WORDS = ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF'];

/** Where a schema is being built: the flavor, the dotted YAML path, and the keys it refuses. */
interface At {
  flavor: Flavor;
  path: string;
  refused: Set<string>;
}

function typeSchema(type: FieldType, at: At): Schema {
  if (type === 'string') return { type: 'string' };
  // Go's yaml.v3 also takes 0644, 0o644, 0x1a4 and 1_000; editors read YAML 1.2, where some of
  // those are strings, so a string spelling of a Go integer is accepted too.
  if (type === 'int') return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: GO_INT }] };
  if (type === 'bool') return { anyOf: [{ type: 'boolean' }, { enum: BOOL_WORDS }] };
  if (type === 'strings') return { type: 'array', items: { type: 'string' } };
  if ('list' in type) return { type: 'array', items: objectSchema(type.list, at) };
  return objectSchema(type, at);
}

function fieldSchema(field: FieldSpec, at: At): Schema {
  const schema = typeSchema(field.type, at);
  return field.doc === undefined ? schema : { description: field.doc, ...schema };
}

function objectSchema(spec: ObjectSpec, at: At): Schema {
  if (spec.stringMap === true) return { type: 'object', additionalProperties: { type: 'string' } };
  const properties: Record<string, Schema> = {};
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = at.path === '' ? key : `${at.path}.${key}`;
    // Keys the variant's filters always refuse are left out, so editors flag them too.
    if (fieldAvailable(field, at.flavor) && !at.refused.has(path)) properties[key] = fieldSchema(field, { ...at, path });
  }
  return { type: 'object', properties, additionalProperties: false };
}

/** The schema of one flavor's documents, with `variant` and `version` pinned. */
export function butaneJsonSchema(root: ObjectSpec, flavor: Flavor): Schema {
  const body = objectSchema(root, { flavor, path: '', refused: refusedKeys(flavor) });
  const properties = body.properties as Record<string, Schema>;
  properties.variant = { const: flavor.variant };
  properties.version = { const: flavor.version };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://kindling.invalid/schemas/butane/${flavor.variant}-${flavor.version}.json`,
    title: `Butane config, variant ${flavor.variant} version ${flavor.version} (Ignition ${flavor.spec})`,
    ...body,
    required: ['variant', 'version'],
  };
}
