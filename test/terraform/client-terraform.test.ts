// End to end with a real Terraform, when one is on PATH (it cannot be installed in CI, so this is
// the one suite that skips there): `kindling terraform-mirror`, a CLI config routing the provider
// to that filesystem mirror, `terraform init` and `apply` offline, outputs compared with ct's
// renderings, a warning and an error as Terraform shows them, and no provider left running.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasCommand } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';
import { CT_USERS_AND_DOCKER_COMPACT, CT_USERS_AND_DOCKER_PRETTY, DOCKER_SNIPPET, USERS_CONTENT, WARNING_CONTENT } from './butane-inputs.ts';
import { bundle, requireBundle, waitForNoProcesses } from './plugin-client.ts';

const haveTerraform = hasCommand('terraform');
if (!haveTerraform) console.warn('skipping the Terraform end-to-end test: no terraform on PATH (never installed in CI)');

const dir = mkdtempSync(join(tmpdir(), 'kindling-tf-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mark = randomUUID();

const env = {
  TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc'),
  TF_IN_AUTOMATION: '1',
  CHECKPOINT_DISABLE: '1',
  TF_INPUT: '0',
  TF_PLUGIN_CACHE_DIR: undefined,
  TF_LOG: undefined,
  KINDLING_TF_TEST_MARK: mark,
};

function terraform(cwd: string, args: string[]) {
  return run('terraform', args, { cwd, env, timeoutMs: 120_000 });
}

/** A Terraform working directory with `hcl` after the required_providers block, initialised. */
async function project(name: string, hcl: string): Promise<string> {
  const work = join(dir, name);
  mkdirSync(work);
  const providers = 'terraform {\n  required_providers {\n    ct = {\n      source  = "kindling.local/kindling/ct"\n      version = "~> 0.14"\n    }\n  }\n}\n\n';
  writeFileSync(join(work, 'main.tf'), providers + hcl);
  const init = await terraform(work, ['init', '-input=false', '-no-color']);
  expect(init.exitCode, init.stdout + init.stderr).toBe(0);
  expect(init.stdout).toMatch(/kindling\.local\/kindling\/ct v0\.14\.\d+/);
  return work;
}

function write(path: string, text: string): void {
  writeFileSync(join(dir, path), text);
}

describe.runIf(haveTerraform)('terraform init + apply against the mirror', () => {
  beforeAll(async () => {
    requireBundle();
    const mirror = await run(process.execPath, [bundle, 'terraform-mirror', join(dir, 'mirror')], { timeoutMs: 30_000 });
    expect(mirror.exitCode, mirror.stderr).toBe(0);
    write(
      'terraform.rc',
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(join(dir, 'mirror'))}\n    include = ["kindling.local/*/*"]\n  }\n}\n`,
    );
    write('content.bu', USERS_CONTENT);
    write('docker.bu', DOCKER_SNIPPET);
    write('warning.bu', WARNING_CONTENT);
  });

  test('outputs are ct renderings; a warning shows as a Terraform warning', async () => {
    const work = await project(
      'apply',
      `data "ct_config" "worker" {
  content  = file("\${path.module}/../content.bu")
  strict   = true
  snippets = [file("\${path.module}/../docker.bu")]
}

data "ct_config" "pretty" {
  content      = file("\${path.module}/../content.bu")
  pretty_print = true
  snippets     = [file("\${path.module}/../docker.bu")]
}

data "ct_config" "warned" {
  content = file("\${path.module}/../warning.bu")
}

output "worker" {
  value = data.ct_config.worker.rendered
}

output "worker_id" {
  value = data.ct_config.worker.id
}

output "pretty" {
  value = data.ct_config.pretty.rendered
}
`,
    );
    const apply = await terraform(work, ['apply', '-auto-approve', '-input=false', '-no-color']);
    expect(apply.exitCode, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).toMatch(/Warning: unused key bogus/);
    expect(apply.stdout + apply.stderr).toMatch(/data\.ct_config\.warned/);
    const out = await terraform(work, ['output', '-json']);
    expect(out.exitCode, out.stderr).toBe(0);
    const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
    expect(outputs['worker']?.value).toBe(CT_USERS_AND_DOCKER_COMPACT);
    expect(outputs['worker_id']?.value).toBe(String(crc32(CT_USERS_AND_DOCKER_COMPACT)));
    expect(outputs['pretty']?.value).toBe(CT_USERS_AND_DOCKER_PRETTY);
    expect(await waitForNoProcesses(mark)).toEqual([]);
  });

  test('an error in a snippet points Terraform at that argument in the HCL', async () => {
    const work = await project(
      'error',
      `data "ct_config" "broken" {
  content = file("\${path.module}/../content.bu")
  snippets = [
    file("\${path.module}/../docker.bu"),
    "systemd:\\n  units:\\n    - name: x.service\\n",
  ]
}
`,
    );
    const plan = await terraform(work, ['plan', '-input=false', '-no-color']);
    expect(plan.exitCode).toBe(1);
    expect(plan.stderr).toMatch(/Error: .*variant/);
    expect(plan.stderr).toMatch(/snippets\[1\]/);
    expect(plan.stderr).toContain('in data "ct_config" "broken"');
    expect(plan.stderr).not.toMatch(/panic|crash|plugin exited|please report/i);
    expect(await waitForNoProcesses(mark)).toEqual([]);
  });
});
