// Loads a CommonJS bundle of ours with a V8 code cache kept on disk, so that a later start
// deserialises the bytecode of what the last run compiled instead of parsing and compiling the
// bundle again. Node 20 has no module.enableCompileCache; this is vm.Script's cachedData, which
// V8 checks against the source and its own version and flags before using it (a mismatch is only
// a slower start). The npm bin loads `transpile` this way (scripts/build.mjs, dist/esm/transpile.cjs).
//
// The cache never changes what the code does: at worst it is not used. A file that cannot be
// read, fails its checksum or is rejected by V8 is ignored and replaced after the run; a
// directory that cannot be written is left alone, silently. KINDLING_NO_CODE_CACHE=1 turns it off.
//
// Where: $XDG_CACHE_HOME/kindling, else $HOME/.cache/kindling (no HOME: no cache). One file per
// bundle content, Node and V8 version, architecture and V8 flags; writing one removes the
// bundle's older files there (so two installed versions used in turn keep replacing each other's,
// each run then costing what a run without the cache costs).
//
// The cache holds what the run that wrote it compiled, and is not rewritten while V8 accepts it:
// after a first run that only printed the version, a 1.5 MB transpile costs about 3 % more CPU
// than with a cache a transpile wrote (bench/RESULTS.md), still less than without one.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** What happened to the cache on load: used, absent, damaged (checksum), refused by V8, or not in play. */
export type CodeCacheStatus = 'hit' | 'miss' | 'corrupt' | 'rejected' | 'off';

export interface CachedModule<T> {
  exports: T;
  status: CodeCacheStatus;
  /** Writes the cache after a run when it was not used, so it holds what the run compiled. Never throws. */
  save(): void;
}

const MAGIC = Buffer.from('KNDLCC01');
const SUM_BYTES = 32;
const SUFFIX = '.v8cache';

/** The cache directory for this environment, or undefined when there is none or it is turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KINDLING_NO_CODE_CACHE !== undefined && env.KINDLING_NO_CODE_CACHE !== '' && env.KINDLING_NO_CODE_CACHE !== '0') return undefined;
  // The XDG base directory spec says a relative value is invalid and to be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'kindling');
  const home = env.HOME;
  return home !== undefined && isAbsolute(home) ? join(home, '.cache', 'kindling') : undefined;
}

/** Everything V8's code cache depends on, hashed: the source, Node, V8, the CPU and the flags in effect. */
function cacheKey(source: string, flags: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(source);
  hash.update(`\0${process.version}\0${process.versions.v8}\0${process.arch}\0${process.execArgv.join(' ')}\0${flags.join(' ')}`);
  return hash.digest('hex').slice(0, 32);
}

const checksum = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** The cached bytes if the file is there and whole; 'corrupt' if it is there but damaged. */
function readCache(path: string): Buffer | 'missing' | 'corrupt' {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return 'missing';
  }
  const header = MAGIC.length + SUM_BYTES;
  if (file.length <= header || !file.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  const data = file.subarray(header);
  return checksum(data).equals(file.subarray(MAGIC.length, header)) ? data : 'corrupt';
}

/** Temporary file and rename, so a reader never sees half a cache; then the bundle's stale files go. */
function writeCache(path: string, data: Buffer): void {
  const dir = dirname(path);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, Buffer.concat([MAGIC, checksum(data), data]));
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
    return;
  }
  const prefix = basename(path).replace(/[0-9a-f]+\.v8cache$/, '');
  try {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && name.endsWith(SUFFIX) && name !== basename(path)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // Stale files only take space; a later write tries again.
  }
}

/**
 * Runs the CommonJS file `file` as Node would require it (same wrapper, its own require), with
 * the code cache for `flags` (the V8 flags this process set at run time, which execArgv does not show).
 */
export function loadWithCodeCache<T>(file: string, env: NodeJS.ProcessEnv, flags: readonly string[] = []): CachedModule<T> {
  const source = readFileSync(file, 'utf8');
  const dir = codeCacheDir(env);
  const path = dir === undefined ? undefined : join(dir, `${basename(file).replace(/\W/g, '-')}-${cacheKey(source, flags)}${SUFFIX}`);
  const cached = path === undefined ? 'missing' : readCache(path);
  // Node's CommonJS wrapper, on the first line so positions in stack traces stay the file's own.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    cachedData: typeof cached === 'string' ? undefined : cached,
  });
  let status: CodeCacheStatus;
  if (path === undefined) status = 'off';
  else if (cached === 'missing') status = 'miss';
  else if (cached === 'corrupt') status = 'corrupt';
  else status = script.cachedDataRejected === true ? 'rejected' : 'hit';
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    status,
    save() {
      if (path === undefined || status === 'hit') return;
      try {
        writeCache(path, script.createCachedData());
      } catch {
        // A cache that cannot be made is no cache: the next start compiles, as this one did.
      }
    },
  };
}
