// Property tests: transpile() never throws, whatever the input, and every successful run produces
// JSON that Kindling's own validator accepts. Inputs are random Butane-shaped documents written as
// JSON (valid YAML), built from the real field names so that deep paths are reached.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkConfig } from '../../src/config/index.ts';
import { isFatal } from '../../src/report.ts';
import { FLAVORS, transpile } from '../../transpiler/index.ts';

const KEYS = ['storage', 'files', 'path', 'mode', 'contents', 'inline', 'source', 'compression', 'systemd', 'units', 'name', 'enabled',
  'passwd', 'users', 'ssh_authorized_keys', 'filesystems', 'device', 'format', 'with_mount_unit', 'luks', 'clevis', 'tang', 'url',
  'boot_device', 'layout', 'mirror', 'devices', 'tpm2', 'grub', 'password_hash', 'links', 'target', 'directories', 'bogus'];

const scalar = fc.oneof(fc.constantFrom('/etc/a', 'x.service', 'ext4', 'swap', '/dev/vda', 'gzip', 'data:,x', 'https://e.x/a', 'x86_64', 'core'), fc.integer({ min: -5, max: 5000 }), fc.boolean(), fc.string({ maxLength: 8 }));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 })),
})).node;

describe('transpile() on arbitrary input', () => {
  test('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = transpile(text);
        return result.error !== undefined || result.output !== undefined;
      }),
      { numRuns: 300 },
    );
  });

  test('random Butane-shaped documents either fail with a report or produce a valid config', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLAVORS), fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }), (flavor, body) => {
        const doc = { ...body, variant: flavor.variant, version: flavor.version };
        const result = transpile(JSON.stringify(doc), { raw: true });
        if (result.error !== undefined) return;
        expect(isFatal(result.report)).toBe(false);
        const output = JSON.parse(result.output as string) as { ignition: { version: string } };
        expect(output.ignition.version).toBe(flavor.spec);
        expect(isFatal(checkConfig(output))).toBe(false);
        for (const e of result.report) expect(e.path === undefined || e.pos !== undefined).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
