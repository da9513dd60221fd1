// The config cache handed from the fetch stage to the later stages: the fetch stage records the
// sha256 of the bytes it wrote in the state file, and a later stage that reads back exactly those
// bytes takes them as the config it validated, instead of parsing and validating megabytes again.

import { createHash } from 'node:crypto';
import type { Config } from '../config/index.ts';

export function cacheDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The cached config when `text` is what the fetch stage wrote (its digest matches `recorded`), or
 * undefined: a cache written by anything else, or edited since, takes the full parse and
 * validation with its exact reports.
 */
export function validatedCachedConfig(text: string, recorded: string | undefined): Config | undefined {
  if (recorded === undefined || cacheDigest(text) !== recorded) return undefined;
  // The fetch stage serialised this config after validating it, so plain JSON gives it back.
  return JSON.parse(text) as Config;
}
