// The editor schemas in schemas/butane/: one per variant and version, equal to what the field
// tree generates (UPDATE_BUTANE_SCHEMAS=1 rewrites them), and accepting the valid fixtures while
// rejecting unknown keys. A small validator for the draft-07 subset the schemas use keeps ajv
// in its one module.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../../transpiler/fields.ts';
import { butaneJsonSchema } from '../../transpiler/json-schema.ts';
import { FLAVORS } from '../../transpiler/variants.ts';
import { yamlToValue } from './compare.ts';

const SCHEMAS = resolve(import.meta.dirname, '../../schemas/butane');
const FIXTURES = resolve(import.meta.dirname, '../fixtures/transpile');
const fileOf = (variant: string, version: string): string => join(SCHEMAS, `${variant}-${version}.json`);

if (process.env.UPDATE_BUTANE_SCHEMAS === '1') {
  mkdirSync(SCHEMAS, { recursive: true });
  for (const f of FLAVORS) writeFileSync(fileOf(f.variant, f.version), `${JSON.stringify(butaneJsonSchema(ROOT, f), null, 2)}\n`);
}

type Schema = Record<string, unknown>;

/** Errors of `value` against the subset of draft-07 that butaneJsonSchema emits. */
function validate(schema: Schema, value: unknown, path = '$'): string[] {
  if ('const' in schema) return value === schema.const ? [] : [`${path}: not ${String(schema.const)}`];
  if ('enum' in schema) return (schema.enum as unknown[]).includes(value) ? [] : [`${path}: not in enum`];
  if ('anyOf' in schema) return (schema.anyOf as Schema[]).some((s) => validate(s, value, path).length === 0) ? [] : [`${path}: no alternative matches`];
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: not a string`];
      return typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value) ? [`${path}: does not match ${schema.pattern}`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return value.flatMap((item, i) => validate(schema.items as Schema, item, `${path}.${i}`));
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const errors = ((schema.required ?? []) as string[]).filter((k) => !(k in value)).map((k) => `${path}.${k}: required`);
      for (const [key, item] of Object.entries(value)) {
        const sub = props[key] ?? (typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined);
        if (sub === undefined) errors.push(`${path}.${key}: unknown key`);
        else errors.push(...validate(sub, item, `${path}.${key}`));
      }
      return errors;
    }
    default:
      return [`${path}: unsupported schema`];
  }
}

describe('Butane editor schemas', () => {
  test.each(FLAVORS.map((f) => [f.variant, f.version] as const))('%s %s is checked in and current', (variant, version) => {
    const flavor = FLAVORS.find((f) => f.variant === variant && f.version === version);
    expect(existsSync(fileOf(variant, version))).toBe(true);
    expect(JSON.parse(readFileSync(fileOf(variant, version), 'utf8'))).toEqual(butaneJsonSchema(ROOT, flavor as (typeof FLAVORS)[number]));
  });

  const valid = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory() && !existsSync(join(FIXTURES, d.name, 'report.json'))).map((d) => d.name);
  test.each(valid)('fixture %s validates', (name) => {
    const doc = yamlToValue(readFileSync(join(FIXTURES, name, 'input.bu'), 'utf8')) as { variant: string; version: string };
    const schema = JSON.parse(readFileSync(fileOf(doc.variant, doc.version), 'utf8')) as Schema;
    expect(validate(schema, doc)).toEqual([]);
  });

  test('unknown keys, version-gated keys and wrong types are flagged', () => {
    const schema = (variant: string, version: string): Schema => JSON.parse(readFileSync(fileOf(variant, version), 'utf8')) as Schema;
    const doc = yamlToValue('variant: fcos\nversion: 1.1.0\nstorage:\n  luks: []\n  files:\n    - path: /a\n      mode: "644o"\n      bogus: 1\n');
    expect(validate(schema('fcos', '1.1.0'), doc)).toEqual(['$.storage.luks: unknown key', '$.storage.files.0.mode: no alternative matches', '$.storage.files.0.bogus: unknown key']);
    expect(validate(schema('fcos', '1.2.0'), doc)).toContain('$.version: not 1.2.0');
  });
});
