// `kindling transpile` and the `butane` entry point: upstream Butane's flags, report formats,
// output rules and exit codes (butane.md §8), plus Kindling's `--format json` report.

import { readFileSync, writeFileSync } from 'node:fs';
import { messageFor } from '../messages.ts';
import { toJson, type ProvisionError } from '../report.ts';
import { formatPretty, formatRaw } from '../../transpiler/report-format.ts';
import { transpile } from '../../transpiler/index.ts';
import { describeOpenError, readAll, VERSION, type CliOutput } from './io.ts';

export interface ButaneIo {
  stdin: NodeJS.ReadableStream;
  stdout: CliOutput;
  stderr: CliOutput;
  defaultCommand: 'butane' | 'kindling-transpile';
}

/** The Butane release whose behaviour this entry point reproduces. */
const BUTANE_VERSION = 'v0.29.0';

interface Flags {
  check: boolean;
  filesDir?: string;
  help: boolean;
  output?: string;
  pretty: boolean;
  raw: boolean;
  rawErrors: boolean;
  colour: 'auto' | 'always' | 'never';
  strict: boolean;
  version: boolean;
  debug: boolean;
  format: 'butane' | 'json';
  positional: string[];
}

interface FlagDef {
  long: string;
  short?: string;
  value?: 'required' | 'optional';
  hidden?: boolean;
  help: string;
}

const FLAGS: readonly FlagDef[] = [
  { long: 'check', short: 'c', help: 'Check config only and don\'t output Ignition' },
  { long: 'color', value: 'optional', help: 'Colorize error output: auto, always, never (default "auto")' },
  { long: 'colour', value: 'optional', hidden: true, help: '' },
  { long: 'debug', short: 'D', hidden: true, help: '' },
  { long: 'files-dir', short: 'd', value: 'required', help: 'Allow embedding local files from this directory' },
  { long: 'format', value: 'required', help: 'Report format: butane (default) or json (Kindling)' },
  { long: 'help', short: 'h', help: 'Show usage and exit' },
  { long: 'input', value: 'required', hidden: true, help: '' },
  { long: 'output', short: 'o', value: 'required', help: 'Write to output file instead of stdout' },
  { long: 'pretty', short: 'p', help: 'Output formatted json' },
  { long: 'raw', short: 'r', help: 'Never wrap in a MachineConfig; force Ignition output' },
  { long: 'raw-errors', help: 'Output errors in raw format' },
  { long: 'strict', short: 's', help: 'Fail on any warning' },
  { long: 'version', short: 'V', help: 'Print the version and exit' },
];

function usage(name: string): string {
  const rows = FLAGS.filter((f) => !f.hidden).map((f) => {
    const head = `${f.short === undefined ? '    ' : `-${f.short}, `}--${f.long}${f.value === 'required' ? ' string' : f.value === 'optional' ? '[=WHEN]' : ''}`;
    return `  ${head.padEnd(24)} ${f.help}`;
  });
  return `Usage: ${name} [options] [input-file]\nOptions:\n${rows.join('\n')}\n`;
}

type Parsed = { flags: Flags } | { error: string };

/** pflag-style parsing: long flags with `=` or a separate value, bundled short flags, `--` ends flags. */
function parseFlags(argv: string[]): Parsed {
  const flags: Flags = {
    check: false,
    help: false,
    pretty: false,
    raw: false,
    rawErrors: false,
    colour: 'auto',
    strict: false,
    version: false,
    debug: false,
    format: 'butane',
    positional: [],
  };
  const apply = (def: FlagDef, value: string | undefined): string | undefined => {
    switch (def.long) {
      case 'check':
        flags.check = true;
        break;
      case 'files-dir':
        flags.filesDir = value;
        break;
      case 'help':
        flags.help = true;
        break;
      case 'output':
        flags.output = value;
        break;
      case 'input':
        flags.positional.push(value as string);
        break;
      case 'pretty':
        flags.pretty = true;
        break;
      case 'raw':
        flags.raw = true;
        break;
      case 'raw-errors':
        flags.rawErrors = true;
        break;
      case 'strict':
        flags.strict = true;
        break;
      case 'version':
        flags.version = true;
        break;
      case 'debug':
        flags.debug = true;
        break;
      case 'format':
        if (value !== 'butane' && value !== 'json') return `invalid argument "${value ?? ''}" for "--format" flag: must be butane or json`;
        flags.format = value;
        break;
      default: {
        const when = value ?? 'always';
        flags.colour = when === 'always' || when === 'yes' ? 'always' : when === 'auto' ? 'auto' : 'never';
      }
    }
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      flags.positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const def = FLAGS.find((f) => f.long === name);
      if (def === undefined) return { error: `unknown flag: --${name}` };
      let value = inline;
      if (def.value === 'required' && value === undefined) {
        value = argv[++i];
        if (value === undefined) return { error: `flag needs an argument: --${name}` };
      }
      if (def.value === undefined && inline !== undefined) return { error: `invalid argument "${inline}" for "--${name}" flag` };
      const problem = apply(def, value);
      if (problem !== undefined) return { error: problem };
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const def = FLAGS.find((f) => f.short === c);
        if (def === undefined) return { error: `unknown shorthand flag: '${c}' in ${arg}` };
        if (def.value === 'required') {
          let value: string | undefined = arg.slice(j + 1);
          if (value === '') value = argv[++i];
          if (value === undefined) return { error: `flag needs an argument: '${c}' in -${c}` };
          apply(def, value);
          break;
        }
        apply(def, undefined);
      }
      continue;
    }
    flags.positional.push(arg);
  }
  return { flags };
}

function useColour(flags: Flags, stderr: CliOutput): boolean {
  if (flags.colour === 'always') return true;
  if (flags.colour === 'never') return false;
  return stderr.isTTY === true && process.env.NO_COLOR === undefined;
}

/** Runs the Butane CLI; returns the exit code. */
export async function runButane(argv: string[], io: ButaneIo): Promise<number> {
  const name = io.defaultCommand === 'butane' ? 'butane' : 'kindling transpile';
  const args = io.defaultCommand === 'butane' && argv[0] === 'transpile' ? argv.slice(1) : argv;
  const parsed = parseFlags(args);
  if ('error' in parsed) {
    io.stderr.write(`Error: ${parsed.error}\n${usage(name)}`);
    return 2;
  }
  const flags = parsed.flags;
  if (flags.help) {
    io.stdout.write(usage(name));
    return 0;
  }
  if (flags.version) {
    io.stdout.write(`Butane ${BUTANE_VERSION} (Kindling ${VERSION})\n`);
    return 0;
  }
  if (flags.positional.length > 1) {
    io.stderr.write(usage(name));
    return 2;
  }

  const file = flags.positional[0];
  let text: string;
  try {
    // Synchronous file I/O: nothing else runs meanwhile, and an idle event loop would let V8 start
    // garbage-collection work that the process, about to exit, does not need.
    text = file === undefined || file === '-' ? await readAll(io.stdin) : readFileSync(file, 'utf8');
  } catch (error) {
    const shown = file === undefined || file === '-' ? '<stdin>' : file;
    io.stderr.write(file === undefined || file === '-' ? `failed to read ${shown}: ${(error as Error).message}\n` : `failed to open ${shown}: ${describeOpenError(shown, error)}\n`);
    return 1;
  }

  const result = transpile(text, { filesDir: flags.filesDir, raw: flags.raw, pretty: flags.pretty });
  if (flags.debug && result.config !== undefined) io.stderr.write(`${JSON.stringify(result.config)}\n`);
  writeReport(result.report, result.error, text, file === undefined || file === '-' ? '<stdin>' : file, flags, io.stderr);
  if (result.error !== undefined) {
    if (flags.format !== 'json') io.stderr.write(`Error translating config: ${result.error.message}\n`);
    return 1;
  }
  if (flags.strict && result.report.length > 0) {
    if (flags.format !== 'json') io.stderr.write(`${messageFor('BUTANE_STRICT')}\n`);
    return 1;
  }
  if (flags.check) return 0;
  const output = `${result.output ?? ''}\n`;
  if (flags.output !== undefined) {
    try {
      writeFileSync(flags.output, output, { mode: 0o644 });
    } catch (error) {
      io.stderr.write(`failed to write output: ${describeOpenError(flags.output, error)}\n`);
      return 1;
    }
    return 0;
  }
  io.stdout.write(output);
  return 0;
}

function writeReport(
  report: readonly ProvisionError[],
  error: ProvisionError | undefined,
  source: string,
  file: string,
  flags: Flags,
  stderr: CliOutput,
): void {
  if (flags.format === 'json') {
    stderr.write(`${JSON.stringify({ entries: report.map(toJson), error: error === undefined ? null : toJson(error) })}\n`);
    return;
  }
  if (report.length === 0) return;
  if (flags.rawErrors) {
    for (const e of report) stderr.write(`${formatRaw(e)}\n`);
    return;
  }
  const colour = useColour(flags, stderr);
  stderr.write(`${report.map((e) => formatPretty(e, source, file, colour)).join('\n\n')}\n`);
}
