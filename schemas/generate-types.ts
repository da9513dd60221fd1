// Turns one Ignition JSON Schema into the text of its generated TypeScript types.
// Shared by `npm run generate` (writes the files) and the drift test (compares them), so both
// produce byte-identical output from the same options.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

export const GENERATE_COMMAND = 'npm run generate';

/** The schemas of schemas/ignition, oldest spec first, by file name. */
export const SCHEMA_FILES = [
  'v3_0.json',
  'v3_1.json',
  'v3_2.json',
  'v3_3.json',
  'v3_4.json',
  'v3_5.json',
  'v3_6.json',
  'v3_7_experimental.json',
] as const;

/** Where the generated types of a schema live: next to it, `.json` replaced by `.gen.ts`. */
export function generatedPath(schemaPath: string): string {
  return join(dirname(schemaPath), basename(schemaPath, '.json') + '.gen.ts');
}

function banner(schemaPath: string, title: string): string {
  return [
    `// GENERATED from schemas/ignition/${basename(schemaPath)} by \`${GENERATE_COMMAND}\`; do not edit.`,
    `// ${title}`,
    '// Interface names are upstream Go type names; null marks fields that are pointers in Go.',
  ].join('\n');
}

/**
 * A copy of a schema without the `x-go-type` annotations. They do not affect the types, but a
 * `$ref` with any sibling keyword counts as a new schema for the generator, which would then emit
 * one numbered copy of the interface (Resource1, Resource2, ...) per place that refers to it.
 */
function withoutGoTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutGoTypes);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'x-go-type')
      .map(([key, value]) => [key, withoutGoTypes(value)]),
  );
}

/** Reads a schema and returns the TypeScript source of its types. Pure apart from the read. */
export async function generateTypes(schemaPath: string): Promise<string> {
  // compile() annotates the object it is given, so every call builds a fresh copy.
  const parsed: unknown = JSON.parse(await readFile(schemaPath, 'utf8'));
  const schema = withoutGoTypes(parsed) as JSONSchema & { description?: string };
  const title = schema.description ?? `Types of ${basename(schemaPath)}`;
  return compile(schema, 'Config', {
    bannerComment: banner(schemaPath, title),
    additionalProperties: false,
    declareExternallyReferenced: true,
    unreachableDefinitions: false,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 100, trailingComma: 'all', bracketSpacing: true },
  });
}
