// What every engine test needs: RunOptions for the `file` platform whose config, cache, state and
// system config directories all live in one scratch directory, so nothing of the host is read.
import { join } from 'node:path';
import { DEFAULT_OPTIONS, type RunOptions, type StageName } from '../../src/engine/options.ts';

/** Options for `stage` with everything under `work`; the config is `work/config.ign`. */
export function scratchOptions(work: string, stage: StageName, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    ...DEFAULT_OPTIONS,
    stage,
    platform: 'file',
    root: join(work, 'root'),
    configCache: join(work, 'run', 'ignition.json'),
    stateFile: join(work, 'run', 'ignition', 'state'),
    needNet: join(work, 'run', 'ignition', 'neednet'),
    fetchTimeoutMs: 10_000,
    env: {
      PATH: process.env.PATH,
      IGNITION_CONFIG_FILE: join(work, 'config.ign'),
      IGNITION_KERNEL_CMDLINE_PATH: join(work, 'no-cmdline'),
      IGNITION_SYSTEM_CONFIG_DIR: join(work, 'sys'),
      IGNITION_SYSTEM_LOCAL_CONFIG_DIR: join(work, 'sys-local'),
      IGNITION_SYSTEM_RUNTIME_CONFIG_DIR: join(work, 'sys-runtime'),
    },
    ...extra,
  };
}
