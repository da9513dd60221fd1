// Writes the runner's own files (cache, state, flags) on the host side: a temp file beside the
// target, then rename, so a killed process never leaves half a file for the next stage to read.
// Synchronous, as are the stages' other local reads and writes: a stage has nothing to do while it
// waits for them, and a boot that fetches nothing remote then never starts libuv's thread pool
// (four threads, and a hand-off to one of them per call; docs/architecture.md).

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  // A name no other writer picks: this process's id and a suffix from V8's generator. Not
  // randomUUID(): its first call seeds OpenSSL's random generator, 2 ms of the fetch stage's 12 ms
  // of work on the host, for a name that needs no secrecy ('wx' still refuses an existing file).
  const temp = join(dir, `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, data, { mode, flag: 'wx' });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
