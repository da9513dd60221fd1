// The scratch setup the runner benchmarks share: a work directory, a template root to copy for
// each run, the workload config for the `file` platform, and a PATH with a `setfiles` that accepts
// anything (Ignition 2.14 relabels whenever the root has an SELinux config).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTemplateRoot } from '../../test/stages/files/support/template-root.ts';
import { filesWorkload } from './workload.ts';

export interface WorkloadSetup {
  /** The scratch directory (the caller removes it). */
  work: string;
  template: string;
  configFile: string;
  /** The environment both runners start with: the stub first on PATH, the config for `file`. */
  env: NodeJS.ProcessEnv;
  /** The same for Kindling, whose system config directories and kernel command line are kept in `work`. */
  kindlingEnv: NodeJS.ProcessEnv;
}

export function setUpWorkload(prefix: string): WorkloadSetup {
  const work = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(work, 0o755);
  const template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  const stubs = join(work, 'stubs');
  mkdirSync(stubs);
  writeFileSync(join(stubs, 'setfiles'), '#!/bin/sh\ncat >/dev/null\n');
  chmodSync(join(stubs, 'setfiles'), 0o755);
  const configFile = join(work, 'config.ign');
  writeFileSync(configFile, JSON.stringify(filesWorkload()));
  const env = { ...process.env, PATH: `${stubs}:${process.env.PATH ?? ''}`, IGNITION_CONFIG_FILE: configFile };
  const kindlingEnv = {
    ...env,
    IGNITION_KERNEL_CMDLINE_PATH: join(work, 'no-cmdline'),
    IGNITION_SYSTEM_CONFIG_DIR: join(work, 'usr-lib-ignition'),
    IGNITION_SYSTEM_LOCAL_CONFIG_DIR: join(work, 'etc-ignition'),
    IGNITION_SYSTEM_RUNTIME_CONFIG_DIR: join(work, 'run-ignition'),
  };
  return { work, template, configFile, env, kindlingEnv };
}
