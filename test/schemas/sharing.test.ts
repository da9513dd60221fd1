// The bundles build the JSON Schemas with the subtrees the spec versions share built once
// (scripts/schema-sharing.mjs). They must be the same documents, key order included, and the
// decoder must answer exactly as it does on the separate documents.
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { sharedSchemas, sharedSubtreesModule } from '../../scripts/schema-sharing.mjs';
import { parseConfig } from '../../src/config/index.ts';
import { SPEC_VERSIONS } from '../../src/config/versions.ts';
import { EXAMPLES } from './examples.ts';

const REPO = join(import.meta.dirname, '..', '..');
const SCHEMA_DIR = join(REPO, 'schemas', 'ignition');
const documents = readdirSync(SCHEMA_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file): [string, unknown] => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'))]);

/** Evaluates an ES module's source and returns its namespace. */
const evaluate = async (source: string): Promise<Record<string, unknown>> => import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

/** Every object and array reachable from `value`, once each (by identity). */
function objectsIn(value: unknown, seen = new Set<object>()): Set<object> {
  if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const child of Object.values(value)) objectsIn(child, seen);
  }
  return seen;
}

test('every schema document comes out as its JSON, and equal subtrees are one object', async () => {
  const module = await evaluate(sharedSubtreesModule(documents));
  const texts = new Set<string>();
  for (const [name, document] of documents) {
    // JSON text equality also holds the key order, which is the decoder's struct field order.
    expect(JSON.stringify(module[`doc_${name}`]), name).toBe(JSON.stringify(document));
    for (const object of objectsIn(document)) texts.add(JSON.stringify(object));
  }
  const built = objectsIn(documents.map(([name]) => module[`doc_${name}`]));
  built.delete(built.values().next().value as object); // the array of roots made just above
  expect(built.size).toBe(texts.size);
  // Spec 3.4.0 and 3.5.0 define Directory alike: one object in the bundle.
  const directory = (name: string) => (module[`doc_${name}`] as { definitions: Record<string, unknown> }).definitions.Directory;
  expect(JSON.stringify(directory('v3_4'))).toBe(JSON.stringify(directory('v3_5')));
  expect(directory('v3_4')).toBe(directory('v3_5'));
});

test('a document name that is not a plain identifier, or a key an object literal cannot spell, is refused', () => {
  expect(() => sharedSubtreesModule([['v3-4', {}]])).toThrow(/not a plain name/);
  expect(() => sharedSubtreesModule([['v3_4', JSON.parse('{"properties":{"__proto__":{"type":"string"}}}')]])).toThrow(/__proto__/);
});

test('the config core bundled with shared schemas decodes every example at every version as the sources do', async () => {
  const result = await build({
    absWorkingDir: REPO,
    stdin: { contents: "export { parseConfig } from './src/config/index.ts';\n", resolveDir: REPO, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [sharedSchemas],
  });
  const text = result.outputFiles[0]?.text ?? '';
  // The plugin was in effect: the bundle spells far fewer schema nodes than the documents hold.
  const goTypes = (source: string): number => source.split('"x-go-type"').length - 1;
  expect(goTypes(text) * 3).toBeLessThan(documents.reduce((sum, [, document]) => sum + goTypes(JSON.stringify(document)), 0));
  const bundled = (await evaluate(text)).parseConfig as typeof parseConfig;
  let compared = 0;
  let findings = 0;
  for (const version of SPEC_VERSIONS) {
    for (const { config } of EXAMPLES) {
      // Unknown keys, wrong types and mis-cased keys too: the warnings and errors name schema paths.
      const variants = [
        { ...config, ignition: { ...config.ignition, version } },
        { ...config, ignition: { ...config.ignition, version }, storage: { files: [{ path: 1, Mode: 420, extra: true }] } },
        { ...config, ignition: { ...config.ignition, version }, passwd: { users: [{ name: 'core', groups: 'wheel' }] } },
      ];
      for (const variant of variants) {
        const config = JSON.stringify(variant);
        const expected = parseConfig(config);
        expect(JSON.stringify(bundled(config)), `${version} ${config}`).toBe(JSON.stringify(expected));
        compared++;
        findings += expected.report.length;
      }
    }
  }
  expect(compared).toBe(SPEC_VERSIONS.length * EXAMPLES.length * 3);
  // The broken variants do report: type errors and unknown or mis-cased keys, with their paths.
  expect(findings).toBeGreaterThan(compared / 2);
});
