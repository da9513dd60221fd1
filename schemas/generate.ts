// `npm run generate`: rewrites every schemas/ignition/*.gen.ts from its JSON Schema.
// The drift test (test/schemas/drift.test.ts) fails whenever these files are stale.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTypes, generatedPath, SCHEMA_FILES } from './generate-types.ts';

const dir = join(process.cwd(), 'schemas', 'ignition');
for (const file of SCHEMA_FILES) {
  const schemaPath = join(dir, file);
  const target = generatedPath(schemaPath);
  await writeFile(target, await generateTypes(schemaPath));
  process.stdout.write(`wrote ${target}\n`);
}
