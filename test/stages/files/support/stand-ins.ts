// Stand-ins for the shadow tools: one shell script per tool in a fresh directory under `parent`,
// each counting the run's calls in a shared file (`$n` is this call's number) and then running the
// lines a test gives it before handing over to the real tool. Tests use them to fail a chosen call
// or to look at the root while the tools run.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tools } from '../../../../src/system/distro.ts';
import { mustRun } from './run.ts';

export interface StandIns {
  tools: Partial<Tools>;
  /** The stand-ins' directory, for files of the test's own. */
  dir: string;
  /** The file holding the number of calls so far. */
  counter: string;
}

/** `body(tool, real)` gives the shell lines run after counting, before `exec` of the real tool. */
export async function writeStandIns(
  parent: string,
  names: readonly (keyof Tools)[],
  body: (tool: keyof Tools, real: string, dir: string) => string[],
): Promise<StandIns> {
  const dir = mkdtempSync(join(parent, 'stand-in-'));
  const counter = join(dir, 'calls');
  writeFileSync(counter, '0\n');
  const tools: Partial<Tools> = {};
  for (const tool of names) {
    const real = (await mustRun('sh', ['-c', `command -v ${tool}`])).trim();
    const script = join(dir, tool);
    const lines = ['#!/bin/sh', `n=$(( $(cat '${counter}') + 1 ))`, `echo "$n" > '${counter}'`, ...body(tool, real, dir), `exec '${real}' "$@"`, ''];
    writeFileSync(script, lines.join('\n'));
    chmodSync(script, 0o755);
    tools[tool] = script;
  }
  return { tools, dir, counter };
}
