// Runs a validator executable once per config file with a small pool of concurrent processes, and
// keeps exit code, stdout and stderr of each run.

import { run } from '../helpers/process.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command to completion; `input`, when given, is its whole stdin. */
export async function runOnce(command: string, args: string[], input?: string): Promise<Outcome> {
  const { exitCode, stdout, stderr } = await run(command, args, { input: input ?? '' });
  return { code: exitCode, stdout, stderr };
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
