// Writes the runner's own files (cache, state, flags) on the host side: a temp file beside the
// target, then rename, so a killed process never leaves half a file for the next stage to read.

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  // A name no other writer picks: this process's id and a suffix from V8's generator. Not
  // randomUUID(): its first call seeds OpenSSL's random generator, 2 ms of the fetch stage's 12 ms
  // of work on the host, for a name that needs no secrecy ('wx' still refuses an existing file).
  const temp = join(dir, `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
