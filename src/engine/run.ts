// One runner invocation (ignition-spec.md §9.2): the fetch stages acquire, render, validate and
// prefetch the config and write the cache and state; every other stage reads them back, merges
// the base configs underneath and runs its table entry with a StageContext.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkConfig, type Config } from '../config/index.ts';
import { mergeConfigs } from '../config/merge.ts';
import { encodeDataUrl } from '../config/data-url.ts';
import { serializeConfig } from '../config/serialize.ts';
import { closeFetchContext, contextForConfig, createFetchContext, fetchToBuffer, type FetchContext } from '../resource/index.ts';
import { entry, formatIgnitionLine, formatPath, isFatal, ProvisionError, type ConfigPath } from '../report.ts';
import { distroOptionsFromEnv, RESULT_FILE, toolsFromEnv } from '../system/distro.ts';
import { createExec } from '../system/exec.ts';
import { createLogger, defaultSink, stdoutSink, type Logger, type LogSink } from '../system/log.ts';
import type { Config as StageConfig, Resource as StageResource, StageContext } from '../stages/context.ts';
import { emptyConfig, fetchUserConfigText, providerContext, readBase } from './acquire.ts';
import { getProvider } from '../providers/index.ts';
import { writeFileAtomic } from './atomic.ts';
import type { RunOptions } from './options.ts';
import { parseOrThrow } from './parse.ts';
import { needsNetwork, prefetch, resourcesNeedNetwork } from './prefetch.ts';
import { renderConfig } from './render.ts';
import { CONFIG_STAGES } from './stages.ts';
import { filesStageInterrupted } from '../stages/files/index.ts';
import { emptyState, loadState, mergeOutputs, previousOutputs, saveState, userConfigProvided, type RunState } from './state.ts';

// Upstream fetches one at a time; 32 in flight hides latency without flooding a provisioning server.
const FETCH_CONCURRENCY = 32;

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
  try {
    if (options.stage === 'fetch-offline' || options.stage === 'fetch') {
      await fetchStage(options, log, options.stage === 'fetch-offline', hooks.configText);
    } else {
      await configStage(options, log);
    }
    log.info(`${options.stage} passed`);
    await reportStatus(options, log, undefined);
  } catch (error) {
    log.crit(`${options.stage} failed: ${error instanceof Error ? error.message : String(error)}`);
    await reportStatus(options, log, error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** The platform's Status hook after each stage (upstream: only Packet posts to its timeline). */
async function reportStatus(options: RunOptions, log: Logger, error: Error | undefined): Promise<void> {
  const provider = getProvider(options.platform);
  if (provider?.status === undefined) return;
  const fetch = createFetchContext({ log: (line) => log.info(line), platform: options.platform });
  try {
    const ctx = providerContext({ options, exec: createExec(log), log, tools: toolsFromEnv(options.env) }, fetch);
    await provider.status(ctx, options.stage, error);
  } catch (statusError) {
    // Reporting is best effort, as upstream: it never turns a passed stage into a failed one.
    log.warning(`reporting status to ${options.platform} failed: ${statusError instanceof Error ? statusError.message : String(statusError)}`);
  } finally {
    await closeFetchContext(fetch).catch(() => undefined);
  }
}

const resourceDir = (options: RunOptions): string => join(dirname(resolve(options.stateFile)), 'resources');

async function fetchStage(options: RunOptions, log: Logger, offline: boolean, given: RunHooks['configText']): Promise<void> {
  const state = emptyState();
  const fetch = createFetchContext({
    offline,
    log: (line) => log.info(line),
    platform: options.platform,
    tmpDir: dirname(resolve(options.stateFile)),
  });
  const contexts: FetchContext[] = [fetch];
  try {
    const base = await readBase(options, (line) => log.info(line), state);
    const found = given ?? (await fetchUserConfigText({ options, fetch, log, exec: createExec(log), tools: toolsFromEnv(options.env), state }));
    let user = emptyConfig();
    if (found === undefined || found.text.trim() === '') {
      log.info('no user config was provided');
    } else {
      state.fetchedConfigs.push({ kind: 'user', source: found.source, referenced: false });
      log.info(`fetched user config from "${found.source}"`);
      user = parseOrThrow(found.text, found.source, (line) => log.info(line));
      const first = await contextForConfig(user.ignition, fetch);
      contexts.push(first);
      user = await renderConfig(user, { base: fetch, state, log: (line) => log.info(line) });
      user = await inlineCertificateAuthorities(user, await contextForConfig(user.ignition, fetch));
    }

    const final = mergeConfigs(base, user) as Config;
    const report = checkConfig(final);
    if (isFatal(report)) {
      for (const finding of report) log.err(formatIgnitionLine(finding));
      throw entry('error', 'MERGE_INVALID', undefined);
    }
    if (offline && resourcesNeedNetwork(final)) throw entry('error', 'NEED_NET', undefined);

    const resources = await contextForConfig(final.ignition, fetch);
    contexts.push(resources);
    state.resources = await log.op('fetching resources', '', () => prefetch(final, resources, resourceDir(options), FETCH_CONCURRENCY));
    log.info(`fetched ${Object.keys(state.resources).length} resources`);
    await writeFileAtomic(options.configCache, serializeConfig(user, { pretty: false, style: 'ignition' }), 0o640);
    await saveState(options.stateFile, state);
    if (offline && needsNetwork(final)) await writeFileAtomic(options.needNet, '', 0o644);
  } catch (error) {
    if (offline && ProvisionError.is(error) && error.code === 'NEED_NET') {
      // Not a failure: the network comes up and the fetch stage does the whole job again.
      log.info('the config needs networking; the fetch stage will acquire it');
      await writeFileAtomic(options.needNet, '', 0o644);
      return;
    }
    throw error;
  } finally {
    await Promise.all(contexts.map((c) => closeFetchContext(c).catch(() => undefined)));
  }
}

/** Later stages need no network for trust: CA sources become data URLs in the cache (§8.4). */
async function inlineCertificateAuthorities(config: Config, ctx: FetchContext): Promise<Config> {
  const cas = config.ignition?.security?.tls?.certificateAuthorities;
  if (cas === undefined || cas.length === 0) return config;
  const inlined = [];
  for (const [i, ca] of cas.entries()) {
    const bytes = await fetchToBuffer(ca, ctx, ['ignition', 'security', 'tls', 'certificateAuthorities', i]);
    inlined.push({ source: encodeDataUrl(bytes, { base64: true }), verification: ca.verification });
  }
  return { ...config, ignition: { ...config.ignition, security: { ...config.ignition?.security, tls: { certificateAuthorities: inlined } } } } as Config;
}

async function configStage(options: RunOptions, log: Logger): Promise<void> {
  const stage = CONFIG_STAGES[options.stage];
  if (stage === undefined) throw entry('error', 'STAGE_UNKNOWN', undefined, options.stage);
  const resultFile = join(resolve(options.root), RESULT_FILE);
  // A files stage killed after writing the result file but before finishing still resumes.
  if (options.stage === 'files' && !options.force && existsSync(resultFile) && !(await filesStageInterrupted(options.root))) {
    log.notice(entry('warning', 'ALREADY_PROVISIONED', undefined, RESULT_FILE).message);
    return;
  }
  const state = await loadState(options.stateFile);
  let text: string;
  try {
    text = await readFile(options.configCache, 'utf8');
  } catch {
    throw entry('error', 'CONFIG_CACHE_MISSING', undefined, options.configCache);
  }
  const user = parseOrThrow(text, options.configCache, (line) => log.info(line));
  const base = await readBase(options, (line) => log.info(line));
  const final = mergeConfigs(base, user) as Config;

  const offline = createFetchContext({ offline: true, log: (line) => log.info(line) });
  const ctx: StageContext = {
    root: resolve(options.root),
    log,
    exec: createExec(log),
    tools: toolsFromEnv(options.env),
    distro: distroOptionsFromEnv(options.env),
    userConfigProvided: userConfigProvided(state),
    readResource: (resource, path) => readCachedResource(state, resource, path, offline),
    previous: previousOutputs(state),
  };
  const outputs = await stage(final as unknown as StageConfig, ctx);
  // Outputs go to the state file only: it is 0600, and they may hold LUKS keys that no log may show.
  if (outputs !== undefined) await saveState(options.stateFile, mergeOutputs(state, outputs));
}

/** Contents the fetch stage cached; a data URL not in the cache is decoded and verified here. */
async function readCachedResource(state: RunState, resource: StageResource, path: ConfigPath, offline: FetchContext): Promise<Buffer | { file: string }> {
  const cached = state.resources[formatPath(path)];
  if (cached !== undefined) return { file: cached };
  return fetchToBuffer(resource, offline, path);
}
