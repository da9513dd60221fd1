// The committed schemas/ignition/*.gen.ts must be exactly what the generator makes from the
// schemas today; otherwise someone edited a schema (or a .gen.ts) without regenerating.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATE_COMMAND, generatedPath, generateTypes, SCHEMA_FILES } from '../../schemas/generate-types.ts';

const dir = join(import.meta.dirname, '..', '..', 'schemas', 'ignition');

describe('generated types', () => {
  for (const file of SCHEMA_FILES) {
    it(`${file} matches its .gen.ts`, async () => {
      const schemaPath = join(dir, file);
      const target = generatedPath(schemaPath);
      const hint = `${target} is stale: run \`${GENERATE_COMMAND}\``;
      expect(existsSync(target), hint).toBe(true);
      const fresh = await generateTypes(schemaPath);
      expect(readFileSync(target, 'utf8') === fresh, hint).toBe(true);
    });
  }

  it('exist for exactly the listed schemas', () => {
    const entries = readdirSync(dir);
    const schemasOnDisk = entries.filter((f) => f.endsWith('.json')).sort();
    const generated = entries.filter((f) => f.endsWith('.gen.ts')).sort();
    expect(schemasOnDisk).toEqual([...SCHEMA_FILES].sort());
    expect(generated).toEqual(SCHEMA_FILES.map((f) => f.replace(/\.json$/, '.gen.ts')).sort());
  });

  it('carry the generated-file header naming the command', async () => {
    const text = await generateTypes(join(dir, 'v3_4.json'));
    expect(text.split('\n')[0]).toBe(
      `// GENERATED from schemas/ignition/v3_4.json by \`${GENERATE_COMMAND}\`; do not edit.`,
    );
    // Interfaces are named after the Go types, once each, with no numbered duplicates.
    expect(text).toMatch(/^export interface Resource \{$/m);
    expect(text).toMatch(/^export interface ClevisCustom \{$/m);
    expect(text).not.toMatch(/^export interface \w+\d \{$/m);
  });
});
