// The fetch stages (ignition-spec.md §9.2): acquire the user config, render it, validate the
// merged config, prefetch every resource, then write the config cache and the state file. Loaded
// only by the fetch stages, so the later stages never load the providers and network clients.

import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkConfig, type Config } from '../config/index.ts';
import { mergeConfigs } from '../config/merge.ts';
import { encodeDataUrl } from '../config/data-url.ts';
import { serializeConfig } from '../config/serialize.ts';
import { closeFetchContext, contextForConfig, createFetchContext, fetchToBuffer, type FetchContext } from '../resource/index.ts';
import { entry, formatIgnitionLine, isFatal, ProvisionError } from '../report.ts';
import { toolsFromEnv } from '../system/distro.ts';
import { createExec } from '../system/exec.ts';
import type { Logger } from '../system/log.ts';
import { fetchUserConfigText } from './acquire.ts';
import { writeFileAtomic } from './atomic.ts';
import { emptyConfig, readBase } from './base.ts';
import { cacheStamp } from './config-cache.ts';
import type { RunOptions } from './options.ts';
import { idleStages, writeIdleMarkers } from './idle.ts';
import { parseOrThrow } from './parse.ts';
import { needsNetwork, prefetch, resourcesNeedNetwork } from './prefetch.ts';
import { renderConfig } from './render.ts';
import { emptyState, saveState } from './state.ts';

// Upstream fetches one at a time; 32 in flight hides latency without flooding a provisioning server.
const FETCH_CONCURRENCY = 32;

const resourceDir = (options: RunOptions): string => join(dirname(resolve(options.stateFile)), 'resources');

export async function fetchStage(options: RunOptions, log: Logger, offline: boolean, given: { text: string; source: string } | undefined): Promise<void> {
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
    const { cached, inline } = await log.op('fetching resources', '', () => prefetch(final, resources, resourceDir(options), FETCH_CONCURRENCY));
    state.resources = cached;
    log.info(`fetched ${Object.keys(cached).length} resources, verified ${inline} inline`);
    const cacheText = serializeConfig(user, { pretty: false, style: 'ignition' });
    await writeFileAtomic(options.configCache, cacheText, 0o640);
    state.configCacheStamp = cacheStamp(statSync(options.configCache, { bigint: true }));
    state.idle = idleStages(final);
    // Markers first: a stale marker from an earlier run must not outlive the state that explains it.
    await writeIdleMarkers(options.stateFile, state.idle);
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
