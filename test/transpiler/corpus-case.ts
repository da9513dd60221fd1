// One case of a recorded Butane corpus (../shared/conformance/*/cases/<name>: input.bu, args,
// expected.{json,yaml,stderr,exit}) run in-process through the Butane CLI entry point, so the
// flags, report format and exit codes are the ones a user gets, without a process per config.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runButane } from '../../src/cli/butane.ts';

export interface CaseRun {
  exit: number;
  stdout: string;
  stderr: string;
}

export interface Expected extends CaseRun {
  /** expected.json or expected.yaml, whichever upstream wrote. */
  outputFile?: string;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `butane ARGS input.bu` as run-oracle.sh does from inside the case directory. `filesDir`
 * replaces the value of --files-dir (the runner cds into the case; in-process relative names are
 * made absolute), and the case directory is cut from the report so file names read as upstream's.
 */
export async function runCase(dir: string, args: readonly string[], filesDir = join(dir, 'files')): Promise<CaseRun> {
  const argv = args.map((a, i) => (args[i - 1] === '--files-dir' || args[i - 1] === '-d' ? filesDir : a));
  const stdout = collect();
  const stderr = collect();
  const exit = await runButane([...argv, join(dir, 'input.bu')], {
    stdin: new PassThrough(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    defaultCommand: 'butane',
  });
  // PassThrough delivers its data events asynchronously.
  await new Promise((r) => setImmediate(r));
  return { exit, stdout: stdout.text(), stderr: stderr.text().split(`${dir}/`).join('') };
}

/** The flags recorded in the case's `args` file. */
export function argsOf(dir: string): string[] {
  return readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/).filter((a) => a !== '');
}

export function expectedOf(dir: string): Expected {
  const read = (name: string): string | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
  const outputFile = ['expected.json', 'expected.yaml'].find((f) => existsSync(join(dir, f)));
  return {
    exit: Number((read('expected.exit') ?? read('exit'))?.trim()),
    stdout: outputFile === undefined ? (read('expected.stdout') ?? '') : (read(outputFile) as string),
    stderr: read('expected.stderr') ?? '',
    outputFile,
  };
}
