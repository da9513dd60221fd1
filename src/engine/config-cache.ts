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

import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import type { Config } from '../config/index.ts';

/** The stamp of a cache file: device, inode, size, and modification and change times in ns. */
export function cacheStamp(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/**
 * The cache's bytes and its stamp. The stamp is empty when the file changed while it was read (it
 * is taken before and after), so such bytes are never taken as validated.
 */
export function readCache(file: string): { bytes: Buffer; stamp: string } {
  const fd = openSync(file, 'r');
  try {
    const before = fstatSync(fd, { bigint: true });
    const bytes = Buffer.allocUnsafe(Number(before.size));
    let length = 0;
    while (length < bytes.length) {
      const n = readSync(fd, bytes, length, bytes.length - length, length);
      if (n === 0) break;
      length += n;
    }
    const stamp = cacheStamp(before);
    return { bytes: bytes.subarray(0, length), stamp: length === bytes.length && cacheStamp(fstatSync(fd, { bigint: true })) === stamp ? stamp : '' };
  } finally {
    closeSync(fd);
  }
}

/**
 * The cached config when `stamp` is the one the fetch stage recorded (`recorded`), or undefined: a
 * cache written by anything else, or changed since, takes the full parse and validation with its
 * exact reports.
 */
export function validatedCachedConfig(bytes: Buffer, stamp: string, recorded: string | undefined): Config | undefined {
  if (recorded === undefined || stamp === '' || stamp !== recorded) return undefined;
  // The fetch stage serialised this config after validating it, so plain JSON gives it back.
  return JSON.parse(bytes.toString('utf8')) as Config;
}
