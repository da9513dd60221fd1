// Where the user config comes from in the fetch stages (ignition-spec.md §7.1): the kernel command
// line URL, else a local user.ign, else the platform provider. Base configs are read in every
// stage (§7.3) and merged underneath: final = base ⊕ user.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cmdlinePath, readKernelParams } from '../providers/cmdline.ts';
import { getProvider } from '../providers/index.ts';
import { readSystemUserConfig, systemConfigDirs } from '../providers/system.ts';
import { readConfigDevice, userConfigSources } from '../providers/sources.ts';
import type { FetchedConfig, Provider, ProviderContext } from '../providers/types.ts';
import { userDataToConfig } from '../providers/user-data.ts';
import { fetchToBuffer, redact, type FetchContext } from '../resource/index.ts';
import { entry } from '../report.ts';
import type { Exec } from '../system/exec.ts';
import type { Logger } from '../system/log.ts';
import type { Tools } from '../system/distro.ts';
import type { RunOptions } from './options.ts';
import type { RunState } from './state.ts';

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
  const providerCtx = providerContext(ctx, capped);
  for (const source of userConfigSources(params, systemConfigDirs(options.env), options.platform)) {
    switch (source.kind) {
      case 'cmdline-url': {
        const bytes = await fetchToBuffer({ source: source.url }, capped, []);
        // Same rules as cloud user data: gzip is undone, cloud-config and scripts mean no config.
        return userDataToConfig(providerCtx, bytes, redact(source.url));
      }
      case 'cmdline-device':
        return readConfigDevice(providerCtx, source.label, source.path);
      case 'system': {
        const local = await readSystemUserConfig(source.dirs);
        if (local !== undefined) return local;
        break;
      }
      case 'platform':
        return requireProvider(options.platform).fetchConfig(providerCtx);
    }
  }
  return undefined;
}

export function requireProvider(id: string): Provider {
  const provider = getProvider(id);
  if (provider === undefined) throw entry('error', 'PLATFORM_UNKNOWN', undefined, id);
  return provider;
}

export function providerContext(ctx: Pick<AcquireContext, 'options' | 'exec' | 'log' | 'tools'>, fetch: FetchContext): ProviderContext {
  return {
    fetch,
    device: { exec: ctx.exec, log: ctx.log, tools: ctx.tools },
    env: ctx.options.env,
    endpoints: {},
    sysRoot: '/',
    mountDir: join(dirname(ctx.options.stateFile), 'mnt'),
  };
}

/** Base configs for the platform, merged in order; each is parsed but never rendered. */
