// Rendering a fetched config (ignition-spec.md §6.1): follow `ignition.config.replace`, or merge
// every `ignition.config.merge` child in order, depth first, each fetched with the settings of
// the config merged so far. Records each referenced config in the run state.

import { mergeConfigs } from '../config/merge.ts';
import type { Config } from '../config/index.ts';
import { contextForConfig, fetchToBuffer, redact, type FetchContext } from '../resource/index.ts';
import type { ConfigPath } from '../report.ts';
import { parseOrThrow } from './parse.ts';
import type { RunState } from './state.ts';

export interface RenderContext {
  /** The fetcher configured for the platform, before any config's own settings apply. */
  base: FetchContext;
  state: RunState;
  log: (line: string) => void;
}

export async function renderConfig(config: Config, ctx: RenderContext): Promise<Config> {
  const references = config.ignition?.config;
  const replace = references?.replace;
  if (replace?.source != null) {
    const path: ConfigPath = ['ignition', 'config', 'replace'];
    const child = await fetchChild(replace, path, await contextForConfig(config.ignition, ctx.base), ctx);
    return renderConfig(child, ctx);
  }
  let merged = config;
  for (const [index, reference] of (references?.merge ?? []).entries()) {
    const path: ConfigPath = ['ignition', 'config', 'merge', index];
    const child = await fetchChild(reference, path, await contextForConfig(merged.ignition, ctx.base), ctx);
    // The child is fetched with the parent's settings, its own children with parent ⊕ child's.
    const renderedChild = await renderConfig(child, {
      ...ctx,
      base: await contextForConfig((mergeConfigs(merged, child) as Config).ignition, ctx.base),
    });
    merged = mergeConfigs(merged, renderedChild) as Config;
  }
  return merged;
}

async function fetchChild(
  reference: NonNullable<NonNullable<NonNullable<Config['ignition']>['config']>['replace']>,
  path: ConfigPath,
  fetchCtx: FetchContext,
  ctx: RenderContext,
): Promise<Config> {
  const source = reference.source ?? '';
  // Upstream compares the hex digest of referenced configs as a string (ignition-spec.md §8.5).
  const bytes = await fetchToBuffer(reference, fetchCtx, path, { exactHash: true });
  ctx.state.fetchedConfigs.push({ kind: 'user', source: redact(source), referenced: true });
  ctx.log(`fetched referenced user config from "${redact(source)}"`);
  return parseOrThrow(bytes.toString('utf8'), redact(source), ctx.log);
}
