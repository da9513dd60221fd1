// Dispatch on the name the executable was invoked under (butane, ignition, ignition-validate, as
// symlinks or npm bins) or on a `kindling` subcommand. Returns exit codes; src/main.ts sets them.

import { basename } from 'node:path';
import { VERSION, type CliIo } from './io.ts';
import { runValidate } from './validate.ts';

const COMPAT_NAMES = ['ignition-validate', 'butane', 'ignition'] as const;
type CompatName = (typeof COMPAT_NAMES)[number];

const HELP = `Kindling ${VERSION}: first-boot provisioning compatible with Ignition and Butane

Usage:
  kindling validate [-format ignition|human|json] FILE|-    check an Ignition config (as ignition-validate)
  kindling transpile [butane flags] [FILE]                   Butane YAML to Ignition JSON (as butane)
  kindling version

The same executable answers to ignition-validate and butane when invoked under those names.
`;

/** The compat name this process was started as, if any (argv0 in a single executable, else the script path). */
export function invokedAs(argv0: string, script: string | undefined): CompatName | undefined {
  for (const candidate of [argv0, script ?? '']) {
    const name = basename(candidate).replace(/\.(c?js|mjs)$/, '');
    if ((COMPAT_NAMES as readonly string[]).includes(name)) return name as CompatName;
  }
  return undefined;
}

export async function main(argv: string[], io: CliIo, as: CompatName | undefined): Promise<number> {
  if (as === 'ignition-validate') return runValidate(argv, io, 'ignition-validate');
  if (as === 'butane') return runTranspile(argv, io, 'butane');
  if (as === 'ignition') {
    io.stderr.write('the ignition runner entry point is not available in this build yet\n');
    return 1;
  }
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io, 'kindling validate');
    case 'transpile':
      return runTranspile(rest, io, 'kindling-transpile');
    case 'version':
    case '--version':
    case '-version':
      io.stdout.write(`Kindling ${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    default:
      io.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 1;
  }
}

async function runTranspile(argv: string[], io: CliIo, defaultCommand: 'butane' | 'kindling-transpile'): Promise<number> {
  const { runButane } = await import('./butane.ts');
  return runButane(argv, { ...io, defaultCommand });
}
