// Runs a validator executable once per config file with a small pool of concurrent processes, and
// keeps exit code, stdout and stderr of each run.

import { execFile } from 'node:child_process';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command to completion; `input`, when given, is its whole stdin. */
export function runOnce(command: string, args: string[], input?: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    // A validator that exits before reading its stdin closes the pipe; that is not a failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Runs `run(item)` for every item, at most `concurrency` processes at a time, in item order. */
export async function runPool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<Outcome>): Promise<Outcome[]> {
  const results: Outcome[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
