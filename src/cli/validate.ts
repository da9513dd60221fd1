// `kindling validate` and the `ignition-validate` entry point. Output lines and exit codes follow
// upstream's ignition-validate (ignition-spec.md §13); `--format human|json` are Kindling's own.

import { readFileSync } from 'node:fs';
import { parseConfig } from '../config/index.ts';
import { formatIgnitionLine, isFatal, toJson } from '../report.ts';
import { formatHuman } from './excerpt.ts';
import { describeOpenError, readAll, VERSION, type CliIo } from './io.ts';
import { tuneJitForInput } from './jit-tuning.ts';

type Format = 'ignition' | 'human' | 'json';

const usage = (name: string): string =>
  `Usage:\n  ${name} [flags] config.ign\n\n  -version\n    \tprint the version of ${name}\n` +
  (name === 'ignition-validate' ? '' : `  -format ignition|human|json\n    \treport format (default ignition)\n`);

export async function runValidate(argv: string[], io: CliIo, name: 'ignition-validate' | 'kindling validate'): Promise<number> {
  let format: Format = 'ignition';
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // Go's flag package: one or two dashes, value inline or as the next argument; flags stop at
    // the first positional argument or at a lone "-" (stdin).
    if (positional.length > 0 || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === 'version') {
      io.stdout.write(`Kindling ${VERSION} (ignition-validate compatible)\n`);
      return 0;
    }
    if (flag === 'format' && name !== 'ignition-validate') {
      const value = inline ?? argv[++i];
      if (value !== 'ignition' && value !== 'human' && value !== 'json') {
        io.stderr.write(`invalid value "${value ?? ''}" for flag -format: expected ignition, human or json\n${usage(name)}`);
        return 1;
      }
      format = value;
      continue;
    }
    if (flag === 'help' || flag === 'h') {
      io.stderr.write(usage(name));
      return 0;
    }
    io.stderr.write(`flag provided but not defined: -${flag}\n${usage(name)}`);
    return 1;
  }
  if (positional.length !== 1) {
    io.stderr.write(usage(name));
    return 1;
  }
  const file = positional[0] as string;

  let text: string;
  try {
    // A synchronous read: nothing else is waiting, and the thread-pool round trip costs more.
    text = file === '-' ? await readAll(io.stdin) : readFileSync(file, 'utf8');
  } catch (error) {
    io.stderr.write(`couldn't read config: ${describeOpenError(file, error)}\n`);
    return 1;
  }

  tuneJitForInput(text.length);
  const result = parseConfig(text, { translate: false });
  if (format === 'json') {
    const entries = result.failure ? [result.failure] : result.report;
    const valid = result.failure === undefined && !isFatal(result.report);
    io.stdout.write(`${JSON.stringify({ valid, version: result.version ?? null, entries: entries.map(toJson) }, null, 2)}\n`);
    return valid ? 0 : 1;
  }
  if (result.failure !== undefined) {
    io.stderr.write(`couldn't parse config: ${result.failure.message}\n`);
    return 1;
  }
  const display = file === '-' ? '<stdin>' : file;
  for (const entry of result.report) {
    io.stdout.write(`${format === 'human' ? formatHuman(entry, text, display) : formatIgnitionLine(entry)}\n`);
  }
  return isFatal(result.report) ? 1 : 0;
}
