// The config cache handed from the fetch stage to the later stages: the fetch stage records the
// cache file's stamp in the state file, and a later stage that reads the very file it wrote,
// unchanged since, takes it as the config it validated instead of parsing and validating megabytes
// again.
//
// A stamp, not a digest of the bytes: it costs one fstat instead of hashing the whole cache, and
// it keeps node:crypto out of every stage that has nothing else to hash (src/warm.ts says why that
// matters). The fetch stage writes the cache through a new file and a rename, and stamps it after
// the rename; another file put there has another inode, and writing to this one moves its change
// time, which no utimes(2) call can set back.

import { closeSync, fstatSync, openSync, readFileSync, statSync, type BigIntStats } from 'node:fs';
import type { Config } from '../config/index.ts';

/** The stamp of a cache file: device, inode, size, and modification and change times in ns. */
export function cacheStamp(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/**
 * The stamp of the cache file as it is now, without reading it; undefined when it cannot be
 * stat'ed (reading it then reports why).
 */
export function currentCacheStamp(file: string): string | undefined {
  try {
    return cacheStamp(statSync(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

/**
 * The cache's bytes and its stamp. The stamp is empty when the file changed while it was read (it
 * is taken before and after), so such bytes are never taken as validated.
 */
export function readCache(file: string): { bytes: Buffer; stamp: string } {
  const fd = openSync(file, 'r');
  try {
    const stamp = cacheStamp(fstatSync(fd, { bigint: true }));
    const bytes = readFileSync(fd);
    return { bytes, stamp: cacheStamp(fstatSync(fd, { bigint: true })) === stamp ? stamp : '' };
  } finally {
    closeSync(fd);
  }
}

/** Whether `stamp` is that of the cache the fetch stage wrote (it recorded `recorded`). */
export function isFetchStageCache(stamp: string | undefined, recorded: string | undefined): boolean {
  return recorded !== undefined && stamp !== undefined && stamp !== '' && stamp === recorded;
}

/**
 * The cached config when `stamp` is the one the fetch stage recorded (`recorded`), or undefined: a
 * cache written by anything else, or changed since, takes the full parse and validation with its
 * exact reports.
 */
export function validatedCachedConfig(bytes: Buffer, stamp: string, recorded: string | undefined): Config | undefined {
  if (!isFetchStageCache(stamp, recorded)) return undefined;
  // The fetch stage serialised this config after validating it, so plain JSON gives it back.
  return JSON.parse(bytes.toString('utf8')) as Config;
}
