// The scratch setup the runner benchmarks share: a template root to copy for each run, the
// workload config for the `file` platform, and a PATH with a `setfiles` that accepts anything
// (Ignition 2.14 relabels whenever the root has an SELinux config).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTemplateRoot } from '../../test/stages/files/support/template-root.ts';
import { filesWorkload } from './workload.ts';

export interface WorkloadSetup {
  template: string;
  configFile: string;
  /** The environment both runners start with: the stub first on PATH, the config for `file`. */
  env: NodeJS.ProcessEnv;
}

export function setUpWorkload(work: string): WorkloadSetup {
  const template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  const stubs = join(work, 'stubs');
  mkdirSync(stubs);
  writeFileSync(join(stubs, 'setfiles'), '#!/bin/sh\ncat >/dev/null\n');
  chmodSync(join(stubs, 'setfiles'), 0o755);
  const configFile = join(work, 'config.ign');
  writeFileSync(configFile, JSON.stringify(filesWorkload()));
  return { template, configFile, env: { ...process.env, PATH: `${stubs}:${process.env.PATH ?? ''}`, IGNITION_CONFIG_FILE: configFile } };
}
