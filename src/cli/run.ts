// `kindling run`, the `ignition` entry point (upstream's Go-style flags, so dracut units and test
// harnesses written for Ignition call it unchanged), and `kindling apply` for image builders.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, readFile, rm } from '../system/fs-async.ts';
import { DEFAULT_OPTIONS, isStage, STAGES, type RunOptions } from '../engine/options.ts';
import { runStage } from '../engine/run.ts';
import { formatIgnitionLine, ProvisionError } from '../report.ts';
import { describeOpenError, VERSION, type CliIo } from './io.ts';

const VALUE_FLAGS = ['platform', 'stage', 'root', 'config-cache', 'state-file', 'neednet', 'fetch-timeout'] as const;
const BOOL_FLAGS = ['log-to-stdout', 'force', 'version', 'help', 'h'] as const;

interface Parsed {
  values: Partial<Record<(typeof VALUE_FLAGS)[number], string>>;
  bools: Set<string>;
  positional: string[];
}

/** Go's flag package: `-name value`, `-name=value`, `--name`; bool flags take no separate value. */
export function parseGoFlags(argv: readonly string[]): Parsed | { error: string } {
  const parsed: Parsed = { values: {}, bools: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if ((BOOL_FLAGS as readonly string[]).includes(name)) {
      if (inline === undefined || inline === 'true' || inline === '1') parsed.bools.add(name);
      else if (inline !== 'false' && inline !== '0') return { error: `invalid boolean value "${inline}" for -${name}` };
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) return { error: `flag provided but not defined: -${name}` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { error: `flag needs an argument: -${name}` };
    parsed.values[name as (typeof VALUE_FLAGS)[number]] = value;
  }
  return parsed;
}

/** Go's time.ParseDuration for the units a timeout uses (`2m`, `90s`, `1m30s`, `500ms`). */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (m === null) return undefined;
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

const usage = (name: string): string =>
  `Usage of ${name}:\n` +
  `  -platform string\n    \tcurrent platform (file, qemu, metal, aws, ...)\n` +
  `  -stage string\n    \texecution stage: ${STAGES.join(', ')}\n` +
  `  -root string\n    \troot of the filesystem (default "/")\n` +
  `  -config-cache string\n    \twhere to cache the config (default "/run/ignition.json")\n` +
  `  -state-file string\n    \twhere to store internal state (default "/run/ignition/state")\n` +
  `  -neednet string\n    \tflag file written when networking is needed (default "/run/ignition/neednet")\n` +
  `  -fetch-timeout duration\n    \tinitial duration for which to wait for the config (default 2m0s)\n` +
  `  -log-to-stdout\n    \tlog to stdout instead of the system log\n` +
  `  -force\n    \trun the files stage even on a root that was provisioned already\n` +
  `  -version\n    \tprint the version and exit\n`;

export async function runRunner(argv: readonly string[], io: CliIo, name: 'ignition' | 'kindling run'): Promise<number> {
  const parsed = parseGoFlags(argv);
  if ('error' in parsed) {
    io.stderr.write(`${parsed.error}\n${usage(name)}`);
    return 2;
  }
  if (parsed.bools.has('version')) {
    io.stdout.write(`Kindling ${VERSION} (Ignition compatible)\n`);
    return 0;
  }
  if (parsed.bools.has('help') || parsed.bools.has('h')) {
    io.stderr.write(usage(name));
    return 0;
  }
  const { values } = parsed;
  const stage = values.stage ?? '';
  if (!isStage(stage)) {
    io.stderr.write(stage === '' ? `'--stage' must be provided\n` : `invalid stage "${stage}": expected one of ${STAGES.join(', ')}\n`);
    return 2;
  }
  if (values.platform === undefined || values.platform === '') {
    io.stderr.write(`'--platform' must be provided\n`);
    return 2;
  }
  const fetchTimeoutMs = values['fetch-timeout'] === undefined ? DEFAULT_OPTIONS.fetchTimeoutMs : parseDuration(values['fetch-timeout']);
  if (fetchTimeoutMs === undefined) {
    io.stderr.write(`invalid value "${values['fetch-timeout']}" for flag -fetch-timeout: parse error\n`);
    return 2;
  }
  const options: RunOptions = {
    stage,
    platform: values.platform,
    root: values.root ?? DEFAULT_OPTIONS.root,
    configCache: values['config-cache'] ?? DEFAULT_OPTIONS.configCache,
    stateFile: values['state-file'] ?? DEFAULT_OPTIONS.stateFile,
    needNet: values.neednet ?? DEFAULT_OPTIONS.needNet,
    fetchTimeoutMs,
    logToStdout: parsed.bools.has('log-to-stdout'),
    force: parsed.bools.has('force'),
    env: process.env,
  };
  return runAndReport(options, io);
}

async function runAndReport(options: RunOptions, io: CliIo, configText?: { text: string; source: string }): Promise<number> {
  try {
    await runStage(options, configText === undefined ? {} : { configText });
    return 0;
  } catch (error) {
    // A ProvisionError that blames a config entry names its JSON path, as validation reports do.
    const message = ProvisionError.is(error)
      ? error.path === undefined || error.path.length === 0 ? error.message : formatIgnitionLine(error)
      : error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`${options.stage} failed: ${message}\n`);
    return 1;
  }
}

/**
 * `kindling apply CONFIG --root DIR`: the fetch and files stages in one go against a mounted image
 * or chroot. `toIgnition` turns Butane input into Ignition JSON (the CLI layer owns the transpiler).
 */
export async function runApply(
  argv: readonly string[],
  io: CliIo,
  toIgnition: (text: string, file: string) => Promise<{ json: string } | { exitCode: number }>,
): Promise<number> {
  const parsed = parseGoFlags(argv);
  if ('error' in parsed || parsed.positional.length !== 1 || parsed.values.root === undefined) {
    io.stderr.write(`${'error' in parsed ? `${parsed.error}\n` : ''}Usage: kindling apply [-force] [-log-to-stdout] -root DIR CONFIG\n`);
    return 2;
  }
  const file = parsed.positional[0] as string;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr.write(`couldn't read config: ${describeOpenError(file, error)}\n`);
    return 1;
  }
  const converted = await toIgnition(text, file);
  if ('exitCode' in converted) return converted.exitCode;
  const work = await mkdtemp(join(tmpdir(), 'kindling-apply-'));
  try {
    const common = {
      platform: 'file',
      root: parsed.values.root,
      configCache: join(work, 'config.json'),
      stateFile: join(work, 'state'),
      needNet: join(work, 'neednet'),
      fetchTimeoutMs: DEFAULT_OPTIONS.fetchTimeoutMs,
      logToStdout: true,
      force: parsed.bools.has('force'),
      env: process.env,
    };
    const fetched = await runAndReport({ ...common, stage: 'fetch' }, io, { text: converted.json, source: file });
    if (fetched !== 0) return fetched;
    return await runAndReport({ ...common, stage: 'files' }, io);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
