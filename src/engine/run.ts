// One runner invocation (ignition-spec.md §9.2): the fetch stages acquire, render, validate and
// prefetch the config and write the cache and state; every other stage reads them back, merges
// the base configs underneath and runs its table entry with a StageContext.

// The later stages load only what they use: the fetch stage, the providers, the network clients
// and the config validator are imported on demand, since module loading was a large share of a
// files stage run.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { mergeConfigs } from '../config/merge.ts';
import { entry, formatPath } from '../report.ts';
import type { FetchContext } from '../resource/index.ts';
import { distroOptionsFromEnv, RESULT_FILE, toolsFromEnv } from '../system/distro.ts';
import { createExec } from '../system/exec.ts';
import { createLogger, defaultSink, stdoutSink, type Logger, type LogSink } from '../system/log.ts';
import type { Config as StageConfig, StageContext } from '../stages/context.ts';
import { filesStageInterrupted } from '../stages/files/index.ts';
import { STATUS_PLATFORMS } from '../providers/status-platforms.ts';
import { readBase } from './base.ts';
import { currentCacheStamp, isFetchStageCache, readCache, validatedCachedConfig } from './config-cache.ts';
import type { RunOptions } from './options.ts';
import { CONFIG_STAGES } from './stages.ts';
import { loadState, mergeOutputs, previousOutputs, saveState, userConfigProvided } from './state.ts';

export interface RunHooks {
  /** Where log lines go; by default the journal's stream protocol or stdout (--log-to-stdout). */
  sink?: LogSink;
  /** A config given directly (kindling apply), instead of the kernel command line and platform. */
  configText?: { text: string; source: string };
}

/** Runs one stage. Throws a ProvisionError on failure, after logging it. */
export async function runStage(options: RunOptions, hooks: RunHooks = {}): Promise<void> {
  const sink = hooks.sink ?? (options.logToStdout ? stdoutSink : defaultSink(options.env));
  const log = createLogger({ stage: options.stage, sink });
  // Only the status report at the end needs the provider table, and loading it pulls in every
  // provider and network client: only for a platform that has a hook, never in fetch-offline (which
  // runs without the network and reports nothing), and started now, so it compiles while the stage
  // waits on its tools.
  const reports = STATUS_PLATFORMS.has(options.platform) && options.stage !== 'fetch-offline';
  const providers = reports ? import('../providers/index.ts') : undefined;
  providers?.catch(() => undefined);
  if (STATUS_PLATFORMS.has(options.platform) && !reports) log.info(`status not reported to ${options.platform}: ${options.stage} runs without the network`);
  try {
    if (options.stage === 'fetch-offline' || options.stage === 'fetch') {
      const { fetchStage } = await import('./fetch-stage.ts');
      await fetchStage(options, log, options.stage === 'fetch-offline', hooks.configText);
    } else {
      await configStage(options, log);
    }
    log.info(`${options.stage} passed`);
    await reportStatus(options, log, providers, undefined);
  } catch (error) {
    log.crit(`${options.stage} failed: ${error instanceof Error ? error.message : String(error)}`);
    await reportStatus(options, log, providers, error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/**
 * The platform's Status hook after each stage but fetch-offline (only Packet has one; current
 * upstream no longer calls it), under STATUS_DEADLINE_MS, or the fetch timeout when that is
 * shorter, for the whole hook.
 */
async function reportStatus(options: RunOptions, log: Logger, providers: Promise<typeof import('../providers/index.ts')> | undefined, error: Error | undefined): Promise<void> {
  if (providers === undefined) return;
  const { getProvider } = await providers;
  const provider = getProvider(options.platform);
  if (provider?.status === undefined) return;
  const status = provider.status;
  const { closeFetchContext, createFetchContext } = await import('../resource/index.ts');
  const { providerContext } = await import('./acquire.ts');
  const { STATUS_DEADLINE_MS, withDeadline } = await import('../providers/hooks.ts');
  const { tighterDeadline } = await import('../resource/offline.ts');
  const deadlineMs = tighterDeadline(STATUS_DEADLINE_MS, options.fetchTimeoutMs);
  const fetch = createFetchContext({ log: (line) => log.info(line), platform: options.platform });
  try {
    const ctx = providerContext({ options, exec: createExec(log), log, tools: toolsFromEnv(options.env) }, fetch);
    await withDeadline(ctx, deadlineMs, `${options.platform} status`, (hookCtx) => status(hookCtx, options.stage, error));
  } catch (statusError) {
    // Reporting is best effort, as upstream: it never turns a passed stage into a failed one.
    log.warning(`reporting status to ${options.platform} failed: ${statusError instanceof Error ? statusError.message : String(statusError)}`);
  } finally {
    await closeFetchContext(fetch).catch(() => undefined);
  }
}

async function configStage(options: RunOptions, log: Logger): Promise<void> {
  const loadStage = CONFIG_STAGES[options.stage];
  if (loadStage === undefined) throw entry('error', 'STAGE_UNKNOWN', undefined, options.stage);
  const resultFile = join(resolve(options.root), RESULT_FILE);
  // A files stage killed after writing the result file but before finishing still resumes.
  if (options.stage === 'files' && !options.force && existsSync(resultFile) && !(await filesStageInterrupted(options.root))) {
    log.notice(entry('warning', 'ALREADY_PROVISIONED', undefined, RESULT_FILE).message);
    return;
  }
  const state = await loadState(options.stateFile);
  // An idle stage needs only the cache's stamp, not its bytes (megabytes for a large config).
  if (state.idle?.includes(options.stage) === true && isFetchStageCache(currentCacheStamp(options.configCache), state.configCacheStamp)) {
    log.info(`nothing to do for ${options.stage}`);
    return;
  }
  let cache: { bytes: Buffer; stamp: string };
  try {
    cache = readCache(options.configCache);
  } catch {
    throw entry('error', 'CONFIG_CACHE_MISSING', undefined, options.configCache);
  }
  const { bytes, stamp } = cache;
  // The fetch stage validated this config before caching it; only a cache it did not write takes the full parse.
  const user =
    validatedCachedConfig(bytes, stamp, state.configCacheStamp) ??
    (await import('./parse.ts')).parseOrThrow(bytes.toString('utf8'), options.configCache, (line) => log.info(line));
  const base = await readBase(options, (line) => log.info(line));
  const final = mergeConfigs(base, user) as Config;

  let offline: FetchContext | undefined;
  // Imported once: an import() per resource goes through the module loader each time.
  let inlineModule: Promise<typeof import('../resource/inline.ts')> | undefined;
  const anyCached = Object.keys(state.resources).length > 0;
  const ctx: StageContext = {
    root: resolve(options.root),
    log,
    exec: createExec(log),
    tools: toolsFromEnv(options.env),
    distro: distroOptionsFromEnv(options.env),
    userConfigProvided: userConfigProvided(state),
    readResource: async (resource, path) => {
      // An all-inline config (the common case) caches nothing: no path to format per resource.
      const cached = anyCached ? state.resources[formatPath(path)] : undefined;
      if (cached !== undefined) return { file: cached };
      // Inline data is in the config: decoded and verified again here, without the network modules.
      const { isInline, readInline } = await (inlineModule ??= import('../resource/inline.ts'));
      if (isInline(resource)) return readInline(resource, path);
      const { createFetchContext, fetchToBuffer } = await import('../resource/index.ts');
      offline ??= createFetchContext({ offline: true, log: (line) => log.info(line) });
      return fetchToBuffer(resource, offline, path);
    },
    previous: previousOutputs(state),
  };
  const stage = await loadStage();
  const outputs = await stage(final as unknown as StageConfig, ctx);
  // Outputs go to the state file only: it is 0600, and they may hold LUKS keys that no log may show.
  if (outputs !== undefined) await saveState(options.stateFile, mergeOutputs(state, outputs));
}
