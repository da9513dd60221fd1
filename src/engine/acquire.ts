// Where the user config comes from in the fetch stages (ignition-spec.md §7.1): the kernel command
// line URL, else a local user.ign, else the platform provider. Base configs are read in every
// stage (§7.3) and merged underneath: final = base ⊕ user.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mergeConfigs } from '../config/merge.ts';
import type { Config } from '../config/index.ts';
import { LATEST_VERSION } from '../config/versions.ts';
import { cmdlinePath, readKernelParams } from '../providers/cmdline.ts';
import { getProvider } from '../providers/index.ts';
import { readBaseConfigs, readSystemUserConfig, systemConfigDirs } from '../providers/system.ts';
import type { FetchedConfig, ProviderContext } from '../providers/types.ts';
import { fetchToBuffer, redact, type FetchContext } from '../resource/index.ts';
import { entry } from '../report.ts';
import type { Exec } from '../system/exec.ts';
import type { Logger } from '../system/log.ts';
import type { Tools } from '../system/distro.ts';
import type { RunOptions } from './options.ts';
import { parseOrThrow } from './parse.ts';
import type { RunState } from './state.ts';

export const emptyConfig = (): Config => ({ ignition: { version: LATEST_VERSION } });

export interface AcquireContext {
  options: RunOptions;
  fetch: FetchContext;
  log: Logger;
  exec: Exec;
  tools: Tools;
  state: RunState;
}

/** The user config text from the first source that has one, or undefined when none has. */
export async function fetchUserConfigText(ctx: AcquireContext): Promise<FetchedConfig | undefined> {
  const { options } = ctx;
  const cmdline = cmdlinePath(options.env);
  const params = existsSync(cmdline) ? await readKernelParams(cmdline) : undefined;
  // The platform fetch is capped (upstream's --fetch-timeout); later fetches use the config's own.
  const capped: FetchContext = { ...ctx.fetch, timeouts: { ...ctx.fetch.timeouts, totalMs: options.fetchTimeoutMs } };
  if (params?.configUrl !== undefined && params.configUrl !== '') {
    const bytes = await fetchToBuffer({ source: params.configUrl }, capped, []);
    return { text: bytes.toString('utf8'), source: redact(params.configUrl) };
  }
  const local = await readSystemUserConfig(systemConfigDirs(options.env));
  if (local !== undefined) return local;
  const provider = getProvider(options.platform);
  if (provider === undefined) throw entry('error', 'PLATFORM_UNKNOWN', undefined, options.platform);
  const providerCtx: ProviderContext = {
    fetch: capped,
    device: { exec: ctx.exec, log: ctx.log, tools: ctx.tools },
    env: options.env,
    endpoints: {},
    sysRoot: '/',
    mountDir: join(dirname(options.stateFile), 'mnt'),
  };
  return provider.fetchConfig(providerCtx);
}

/** Base configs for the platform, merged in order; each is parsed but never rendered. */
export async function readBase(options: RunOptions, log: (line: string) => void, state?: RunState): Promise<Config> {
  let base = emptyConfig();
  for (const found of await readBaseConfigs(systemConfigDirs(options.env), options.platform)) {
    base = mergeConfigs(base, parseOrThrow(found.text, found.source, log)) as Config;
    state?.fetchedConfigs.push({ kind: 'base', source: found.source, referenced: false });
  }
  return base;
}
