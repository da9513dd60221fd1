// Checks every title and x-go-type of the schemas against Debian's ignition-validate (Ignition
// 2.14, specs 3.0-3.3): a wrong-typed value at each field must give exactly the Go type error
// that the schema predicts, which proves both the names and that upstream knows the key.
import { describe, expect, it } from 'vitest';
import { schemas } from '../../schemas/ignition/index.ts';
import { canRun, hasCommand } from '../helpers/env.ts';
import { configWith, ELEMENT, fields, goPath, typesOf, type SchemaNode } from './schema-walk.ts';
import { runSync } from '../helpers/process.ts';

const available = canRun('ignition-validate (Debian package ignition)', hasCommand('ignition-validate'));

function validate(config: unknown): string {
  const { exitCode, stdout, stderr } = runSync('ignition-validate', ['-'], { input: JSON.stringify(config) });
  return exitCode === 0 ? stdout : `${stdout}${stderr}`;
}

/** Puts ignition.version next to whatever the field's config has under `ignition`. */
function withVersion(config: unknown, version: string): Record<string, unknown> {
  const root = config as Record<string, unknown>;
  const ignition = (root.ignition ?? {}) as Record<string, unknown>;
  return { ...root, ignition: { ...ignition, version } };
}

// Ignition 2.14 knows these specs with the same fields as our schemas of them.
const VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0'] as const;

describe.runIf(available)('Go type names agree with ignition-validate', () => {
  for (const version of VERSIONS) {
    it(`every field of ${version}`, () => {
      const root = schemas[version] as SchemaNode;
      const checked: string[] = [];
      for (const field of fields(root)) {
        const path = goPath(field.steps);
        // The version is read first by a lenient pass, and `ignition` itself must stay an object.
        if (path === 'ignition' || path === 'ignition.version') continue;
        const isBool = typesOf(field.node).includes('boolean');
        const wrong = isBool ? 'x' : true;
        const config = withVersion(configWith(field.steps, wrong), version);
        const kind = isBool ? 'string' : 'bool';
        const expected = `json: cannot unmarshal ${kind} into Go struct field ${field.holder}.${path} of type ${field.node['x-go-type']}`;
        const output = validate(config);
        expect(output, JSON.stringify(config)).toMatch(/^error at line \d+ col \d+: .*\n$/);
        const message = output.replace(/^error at line \d+ col \d+: /, '').trimEnd();
        expect(message, JSON.stringify(config)).toBe(expected);
        checked.push(field.steps.join('.'));
      }
      // Every list element and every field was reached, not just a handful.
      expect(checked.filter((s) => s.endsWith(ELEMENT)).length).toBeGreaterThan(15);
      expect(checked.length).toBeGreaterThan(100);
    });
  }

  it('a key our schema lacks is unknown upstream too', () => {
    const output = validate({ ignition: { version: '3.1.0' }, storage: { luks: [] }, kernelArguments: {} });
    expect(output).toContain('Unused key luks');
    expect(output).toContain('Unused key kernelArguments');
  });
});
