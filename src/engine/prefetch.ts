// Everything the later stages will read, fetched and verified before any disk or file changes:
// file contents and append fragments, and LUKS key files. Remote ones are streamed into a cache
// directory beside the state file; inline ones (data: URLs) are verified where they are, in the
// config, and the later stage decodes them again (resource/inline.ts). Also tells whether the
// config needs networking at all.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rename } from '../system/fs-async.ts';
import type { Config } from '../config/index.ts';
import { fetchAll, type FetchContext, type Resource, type ResourceRef } from '../resource/index.ts';
import { isInline, readInline } from '../resource/inline.ts';
import { formatPath } from '../report.ts';

/** Every resource of the final config with a source to read, with its path for errors. */
export function collectResources(config: Config): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const add = (resource: Resource | null | undefined, path: (string | number)[]): void => {
    if (resource?.source != null) refs.push({ resource, path });
  };
  for (const [i, file] of (config.storage?.files ?? []).entries()) {
    add(file.contents, ['storage', 'files', i, 'contents']);
    for (const [j, fragment] of (file.append ?? []).entries()) add(fragment, ['storage', 'files', i, 'append', j]);
  }
  for (const [i, luks] of (config.storage?.luks ?? []).entries()) add(luks.keyFile, ['storage', 'luks', i, 'keyFile']);
  return refs;
}

/** Upstream's neednet walk (ignition-spec.md §10.1): remote resources, Tang without advertisement, custom pins that need it. */
export function needsNetwork(config: Config): boolean {
  if (resourcesNeedNetwork(config)) return true;
  for (const luks of config.storage?.luks ?? []) {
    if ((luks.clevis?.tang ?? []).some((t) => t.advertisement == null || t.advertisement === '')) return true;
    if (luks.clevis?.custom?.needsNetwork === true) return true;
  }
  return false;
}

export function resourcesNeedNetwork(config: Config): boolean {
  return collectResources(config).some((r) => !isInline(r.resource));
}

/**
 * Whether an inline resource needs reading to be verified: a hash to check or a gzip stream to
 * inflate. Without either, validation (checkConfig, which the config passed) already decoded its
 * data URL, so decoding it again here could not fail.
 */
function needsReading(resource: Resource): boolean {
  return resource.verification?.hash != null || resource.compression === 'gzip';
}

/**
 * Verifies every inline resource in place, fetches every remote one into `dir` (emptied first, so
 * a rerun after a crash starts clean) and returns the map from resource path to cached file, with
 * the number of inline resources verified. `config` has passed checkConfig.
 */
export async function prefetch(config: Config, ctx: FetchContext, dir: string, concurrency: number): Promise<{ cached: Record<string, string>; inline: number }> {
  // Synchronous: Node's promise rm loads its JavaScript rimraf module on first use, the native one
  // does not, and a config without remote resources then never starts libuv's thread pool.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const refs: ResourceRef[] = [];
  let inline = 0;
  for (const ref of collectResources(config)) {
    if (!isInline(ref.resource)) refs.push(ref);
    else {
      if (needsReading(ref.resource)) readInline(ref.resource, ref.path);
      inline++;
    }
  }
  const fetched = await fetchAll(refs, ctx, { dir, concurrency });
  const map: Record<string, string> = {};
  for (const [i, ref] of refs.entries()) {
    const file = join(dir, `resource-${i}`);
    await rename((fetched[i] as { file: string }).file, file);
    map[formatPath(ref.path)] = file;
  }
  return { cached: map, inline };
}
