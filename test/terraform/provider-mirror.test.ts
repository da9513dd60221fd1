// `kindling terraform-mirror DIR`: Terraform's unpacked filesystem-mirror layout, a provider file
// that starts (the single executable when built, else the launcher) and answers as
// the provider, and the name-based dispatch Terraform relies on.
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { invokedAs } from '../../src/cli/dispatch.ts';
import { VERSION } from '../../src/cli/io.ts';
import { platformName, providerVersion } from '../../src/terraform/mirror.ts';
import { canRun } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';

const BUNDLE = resolve(import.meta.dirname, '../../dist/kindling.cjs');
const ready = canRun('the built bundle (npm run build)', existsSync(BUNDLE));
const work = mkdtempSync(join(tmpdir(), 'kindling-tf-mirror-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('provider versions keep ct’s 0.14 and grow with every Kindling release', () => {
  expect(providerVersion('0.1.0')).toBe('0.14.100');
  expect(providerVersion('0.1.7')).toBe('0.14.107');
  expect(providerVersion('1.2.3')).toBe('0.14.10203');
  expect(platformName('linux', 'x64')).toBe('linux_amd64');
  expect(platformName('linux', 'arm64')).toBe('linux_arm64');
});

test('any name starting with terraform-provider-ct runs the provider', () => {
  expect(invokedAs('/m/kindling.local/kindling/ct/0.14.100/linux_amd64/terraform-provider-ct_v0.14.100', undefined)).toBe('terraform-provider-ct');
  expect(invokedAs('node', '/usr/lib/kindling/terraform-provider-ct')).toBe('terraform-provider-ct');
  expect(invokedAs('node', '/usr/lib/kindling/kindling.cjs')).toBeUndefined();
});

describe.runIf(ready)('terraform-mirror', () => {
  test('lays out HOST/NAMESPACE/ct/VERSION/OS_ARCH/terraform-provider-ct_vVERSION, runnable', async () => {
    const result = await run(process.execPath, [BUNDLE, 'terraform-mirror', work]);
    expect(result.exitCode, result.stderr).toBe(0);
    const version = providerVersion(VERSION);
    const file = join(work, 'kindling.local', 'kindling', 'ct', version, platformName(), `terraform-provider-ct_v${version}`);
    expect(result.stdout).toBe(`${file}\n`);
    accessSync(file, constants.X_OK);
    // The single executable when one was built beside the bundle, else the launcher.
    const sea = join(dirname(BUNDLE), 'kindling');
    if (existsSync(sea)) {
      expect(result.stderr).toContain('(executable)');
      expect(statSync(file).size).toBe(statSync(sea).size);
    } else {
      expect(result.stderr).toContain('(launcher)');
      expect(readFileSync(file, 'utf8')).toContain(BUNDLE);
    }
    // Started by hand (no magic cookie), the mirrored provider refuses like any go-plugin plugin.
    const started = await run(file, [], { env: { TF_PLUGIN_MAGIC_COOKIE: undefined } });
    expect(started.exitCode).toBe(1);
    expect(started.stderr).toContain('This binary is a plugin');
    // Writing again replaces the file in place.
    expect((await run(process.execPath, [BUNDLE, 'terraform-mirror', work])).exitCode).toBe(0);
  });

  test('usage errors exit 1 without writing anything', async () => {
    const result = await run(process.execPath, [BUNDLE, 'terraform-mirror']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('usage: kindling terraform-mirror DIR');
  });
});
