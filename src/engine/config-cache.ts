// The config cache handed from the fetch stage to the later stages: the fetch stage records the
// sha256 of the bytes it wrote in the state file, and a later stage that reads back exactly those
// bytes takes them as the config it validated, instead of parsing and validating megabytes again.

import { hash } from 'node:crypto';
import type { Config } from '../config/index.ts';

/**
 * sha256 of the cache's bytes: the fetch stage hashes the text it writes (as UTF-8), a later stage
 * the bytes it reads, which skips converting megabytes of text back to UTF-8 just to hash them.
 */
export function cacheDigest(content: string | Buffer): string {
  return hash('sha256', content, 'hex');
}

/**
 * The cached config when `bytes` are what the fetch stage wrote (its digest matches `recorded`), or
 * undefined: a cache written by anything else, or edited since, takes the full parse and
 * validation with its exact reports.
 */
export function validatedCachedConfig(bytes: Buffer, recorded: string | undefined): Config | undefined {
  if (recorded === undefined || cacheDigest(bytes) !== recorded) return undefined;
  // The fetch stage serialised this config after validating it, so plain JSON gives it back.
  return JSON.parse(bytes.toString('utf8')) as Config;
}
