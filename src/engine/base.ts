// The base configs under the system config directories (base.d and the platform's), merged in
// order: every stage reads them, so this module stays light and loads the config parser only
// when a base config is actually there.

import type { Config } from '../config/index.ts';
import { mergeConfigs } from '../config/merge.ts';
import { LATEST_VERSION } from '../config/versions.ts';
import { readBaseConfigs, systemConfigDirs } from '../providers/system.ts';
import type { RunOptions } from './options.ts';
import type { RunState } from './state.ts';

export const emptyConfig = (): Config => ({ ignition: { version: LATEST_VERSION } });

export async function readBase(options: RunOptions, log: (line: string) => void, state?: RunState): Promise<Config> {
  let base = emptyConfig();
  const found = await readBaseConfigs(systemConfigDirs(options.env), options.platform);
  if (found.length === 0) return base;
  const { parseOrThrow } = await import('./parse.ts');
  for (const config of found) {
    base = mergeConfigs(base, parseOrThrow(config.text, config.source, log)) as Config;
    state?.fetchedConfigs.push({ kind: 'base', source: config.source, referenced: false });
  }
  return base;
}
