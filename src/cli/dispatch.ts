// Dispatch on the name the executable was invoked under (butane, ignition, ignition-validate, as
// symlinks or npm bins) or on a `kindling` subcommand. Returns exit codes; src/main.ts sets them.

import { basename, dirname } from 'node:path';
import { VERSION, type CliIo } from './io.ts';
import { tuneJitForTranspile } from './jit-tuning.ts';

// Each command's module is loaded only when that command runs: start-up time is paid at every
// boot stage, and the runner's HTTP client and subprocess layer cost more to load than a
// validation takes.
const runValidate = async (...args: Parameters<typeof import('./validate.ts').runValidate>) => (await import('./validate.ts')).runValidate(...args);
const runRunner = async (...args: Parameters<typeof import('./run.ts').runRunner>) => (await import('./run.ts')).runRunner(...args);
const runApply = async (...args: Parameters<typeof import('./run.ts').runApply>) => (await import('./run.ts')).runApply(...args);

const COMPAT_NAMES = ['ignition-validate', 'butane', 'ignition'] as const;
/** Terraform runs a mirrored provider as terraform-provider-ct_vVERSION: any name with this prefix. */
const PROVIDER_NAME = 'terraform-provider-ct';
type CompatName = (typeof COMPAT_NAMES)[number] | typeof PROVIDER_NAME;

const HELP = `Kindling ${VERSION}: first-boot provisioning compatible with Ignition and Butane

Usage:
  kindling validate [-format ignition|human|json] FILE|-    check an Ignition config (as ignition-validate)
  kindling transpile [butane flags] [FILE]                   Butane YAML to Ignition JSON (as butane)
  kindling run -stage STAGE -platform ID [-root DIR] ...      run one first-boot stage (as ignition)
  kindling apply -root DIR CONFIG                            fetch and files stages on a mounted image (Ignition or Butane)
  kindling metadata (--provider ID | --cmdline) [--attributes FILE] [--ssh-keys USER] [--hostname FILE] [--check-in] [--flatcar]
                                                             cloud metadata as Afterburn does (docs/platforms.md)
  kindling terraform-mirror DIR                              install the ct Terraform provider into a filesystem mirror
  kindling terraform-provider                                serve the ct provider (Terraform starts it; docs/terraform.md)
  kindling version

The same executable answers to ignition-validate, butane, ignition and terraform-provider-ct* when
invoked under those names.
`;

/** The compat name this process was started as, if any (argv0 in a single executable, else the script path). */
export function invokedAs(argv0: string, script: string | undefined): CompatName | undefined {
  for (const candidate of [argv0, script ?? '']) {
    // String methods rather than a regular expression: the first RegExp a process runs costs it
    // the engine's one-time set-up, and `version` and a valid config need none otherwise.
    const base = basename(candidate);
    const ext = ['.cjs', '.mjs', '.js'].find((suffix) => base.endsWith(suffix));
    const name = ext === undefined ? base : base.slice(0, -ext.length);
    if ((COMPAT_NAMES as readonly string[]).includes(name)) return name as CompatName;
    if (name.startsWith(PROVIDER_NAME)) return PROVIDER_NAME;
  }
  return undefined;
}

/** True for the stage runner: `ignition`, or `kindling run`. */
export function isRunner(argv: readonly string[], as: CompatName | undefined): boolean {
  return as === 'ignition' || (as === undefined && argv[0] === 'run');
}

/** The commands endsWithResult names, when invoked as `kindling COMMAND`. */
const RESULT_COMMANDS = new Set(['transpile', 'validate', 'version', '--version', '-version']);

/**
 * True for a command that has nothing running once main() resolves, so the process may exit
 * then: the transpiler, the validator, `version`, and the runner, whose stages await every write,
 * tool and request before they resolve. A server leaves work behind and exits when it is done.
 */
export function endsWithResult(argv: readonly string[], as: CompatName | undefined): boolean {
  if (as === 'butane' || as === 'ignition-validate') return true;
  return (as === undefined && RESULT_COMMANDS.has(argv[0] ?? '')) || isRunner(argv, as);
}

export async function main(argv: string[], io: CliIo, as: CompatName | undefined): Promise<number> {
  if (as === 'ignition-validate') return runValidate(argv, io, 'ignition-validate');
  if (as === 'butane') return runTranspile(argv, io, 'butane');
  if (as === 'ignition') return runRunner(argv, io, 'ignition');
  if (as === PROVIDER_NAME) return runProvider(io);
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io, 'kindling validate');
    case 'transpile':
      return runTranspile(rest, io, 'kindling-transpile');
    case 'run':
      return runRunner(rest, io, 'kindling run');
    case 'apply':
      return runApply(rest, io, butaneToIgnition(io));
    case 'metadata':
      return (await import('./metadata.ts')).runMetadata(rest, io);
    case 'terraform-provider':
      return runProvider(io);
    case 'terraform-mirror':
      return runTerraformMirror(rest, io);
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

/** The provider's module (and gRPC with it) loads only here: Terraform starts it several times per plan. */
async function runProvider(io: CliIo): Promise<number> {
  const { serveProvider } = await import('../terraform/serve.ts');
  return serveProvider(process.env, io);
}

async function runTerraformMirror(argv: string[], io: CliIo): Promise<number> {
  if (argv.length !== 1 || argv[0] === undefined || argv[0].startsWith('-')) {
    io.stderr.write('usage: kindling terraform-mirror DIR\n');
    return 1;
  }
  const { writeMirror, PROVIDER_SOURCE } = await import('../terraform/mirror.ts');
  const { isSea } = await import('node:sea');
  try {
    const result = writeMirror(argv[0], VERSION, { execPath: process.execPath, script: process.argv[1], isSea: isSea() });
    io.stdout.write(`${result.file}\n`);
    io.stderr.write(`provider ${PROVIDER_SOURCE} version ${result.version} (${result.kind}); see docs/terraform.md for the CLI config\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`terraform-mirror: ${(error as Error).message}\n`);
    return 1;
  }
}

async function runTranspile(argv: string[], io: CliIo, defaultCommand: 'butane' | 'kindling-transpile'): Promise<number> {
  tuneJitForTranspile();
  const { runButane } = await import('./butane.ts');
  // Not a spread of io: that would read its stdin getter, and building process.stdin (for a file
  // or /dev/null, a file stream that loads node:fs/promises) costs every transpile of a named file.
  return runButane(argv, {
    get stdin() {
      return io.stdin;
    },
    stdout: io.stdout,
    stderr: io.stderr,
    defaultCommand,
  });
}

/** Lets `kindling apply` take Butane: anything that is not a JSON object is transpiled first. */
function butaneToIgnition(io: CliIo) {
  return async (text: string, file: string): Promise<{ json: string } | { exitCode: number }> => {
    if (text.trimStart().startsWith('{')) return { json: text };
    const { transpile } = await import('../../transpiler/index.ts');
    const { formatIgnitionLine } = await import('../report.ts');
    const result = transpile(text, { filesDir: dirname(file) });
    for (const finding of result.report) io.stderr.write(`${file}: ${formatIgnitionLine(finding)}\n`);
    if (result.output === undefined || result.config === undefined) {
      if (result.error !== undefined) io.stderr.write(`Error translating config: ${result.error.message}\n`);
      return { exitCode: 1 };
    }
    return { json: JSON.stringify(result.config) };
  };
}
