// What one runner invocation is asked to do: the stage, the platform, and where its files live.
// Defaults are upstream's paths (ignition-spec.md §9.1, §12).

export const STAGES = ['fetch-offline', 'fetch', 'kargs', 'disks', 'mount', 'files', 'umount'] as const;
export type StageName = (typeof STAGES)[number];

export interface RunOptions {
  stage: StageName;
  platform: string;
  /** Target root the config's paths are relative to. */
  root: string;
  /** The rendered user config, written by the fetch stages and read by the others. */
  configCache: string;
  /** JSON handed between stage processes; the resource cache sits in a directory beside it. */
  stateFile: string;
  /** Flag file created when a stage needs networking (fetch-offline). */
  needNet: string;
  /** Cap on fetching the user config from the platform, as upstream's --fetch-timeout. */
  fetchTimeoutMs: number;
  logToStdout: boolean;
  /** Run even though the root says it was provisioned already. */
  force: boolean;
  env: NodeJS.ProcessEnv;
}

export const DEFAULT_OPTIONS: Omit<RunOptions, 'stage' | 'platform' | 'env'> = {
  root: '/',
  configCache: '/run/ignition.json',
  stateFile: '/run/ignition/state',
  needNet: '/run/ignition/neednet',
  fetchTimeoutMs: 120_000,
  logToStdout: false,
  force: false,
};

export function isStage(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}
