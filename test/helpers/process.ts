// The test harness's one way to run and supervise processes (QEMU guests, servers, both runners,
// shadow-utils, Go clients, the build). It sits on execa: a timeout escalates from SIGTERM to
// SIGKILL, children die with the test process, and a failure names the command, exit code and
// stderr. The boot path does not use it: src/system/exec.ts stays on spawn (docs/architecture.md
// says why).
//
// Every asynchronous child (from `run`, `runBinary` or `start`) is tracked until it exits.
// test/helpers/no-stragglers.ts, a vitest setup file, stops whatever a test left running and fails
// that test with the command line, so a forgotten server or guest fails the run instead of hanging it.
import { execa, execaSync, type Options, type ResultPromise, type SyncOptions } from 'execa';

export interface RunResult {
  exitCode: number;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending process.env. */
  extendEnv?: boolean;
  /** Standard input; without it the child reads /dev/null (`run`) or a pipe left open (`start`). */
  input?: string | Uint8Array;
  timeoutMs?: number;
  /** Binary stdout (e.g. gzip output) instead of text. */
  binary?: boolean;
  argv0?: string;
  /** Throw, naming the command, exit code and stderr, unless the command exits 0. */
  check?: boolean;
  /** Where stdout and stderr go: captured (the default), discarded, or shared with the test's own. */
  output?: 'pipe' | 'ignore' | 'inherit';
}

function commonOptions(options: RunOptions) {
  return {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    timeout: options.timeoutMs,
    reject: options.check ?? false,
    stripFinalNewline: false,
    encoding: options.binary ? 'buffer' : 'utf8',
    argv0: options.argv0,
    stdout: options.output ?? 'pipe',
    stderr: options.output ?? 'pipe',
    // Large outputs (a guest's console, a validator's corpus report) are kept whole.
    maxBuffer: 256 * 1024 * 1024,
  } as const;
}

function execaOptions(options: RunOptions, stdinOpen = false): Options {
  const stdin = options.input === undefined && !stdinOpen ? { stdin: 'ignore' as const } : {};
  return { ...commonOptions(options), ...stdin, forceKillAfterDelay: 2_000, cleanup: true };
}

function text(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return Buffer.from(value as Uint8Array).toString('latin1');
}

interface ExecaOutcome {
  exitCode?: number;
  signal?: string;
  stdout: unknown;
  stderr: unknown;
  timedOut: boolean;
  failed: boolean;
  isTerminated: boolean;
  message: string;
}

function resultOf(command: string, result: ExecaOutcome): RunResult {
  // No exit code, no signal, no timeout: the command never started (ENOENT, EACCES, bad cwd).
  if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isTerminated) {
    throw new Error(`could not start ${command}: ${result.message}`);
  }
  return {
    exitCode: result.exitCode ?? -1,
    signal: result.signal,
    stdout: text(result.stdout),
    stderr: result.stderr instanceof Uint8Array ? Buffer.from(result.stderr).toString('utf8') : text(result.stderr),
    timedOut: result.timedOut,
  };
}

interface Tracked {
  readonly sequence: number;
  readonly command: string;
  /** Started with `start` (a server, a guest) rather than awaited through `run`. */
  readonly supervised: boolean;
  stop(): Promise<unknown>;
}

let started = 0;
const live = new Set<Tracked>();

function track(command: string, args: readonly string[], subprocess: ResultPromise, supervised: boolean): Promise<ExecaOutcome> {
  const entry: Tracked = {
    sequence: ++started,
    command: [command, ...args].join(' '),
    supervised,
    stop: () => {
      subprocess.kill('SIGTERM');
      return settled;
    },
  };
  // With reject: true the promise rejects with an ExecaError, which carries the same fields.
  const settled: Promise<ExecaOutcome> = subprocess.then(
    (result) => result as ExecaOutcome,
    (error: unknown) => error as ExecaOutcome,
  );
  live.add(entry);
  void settled.then(() => live.delete(entry));
  return settled;
}

async function runTracked(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const outcome = await track(command, args, execa(command, args, execaOptions(options)), false);
  if (options.check && outcome.failed) throw outcome;
  return resultOf(command, outcome);
}

/** Runs a command to completion; never throws for a non-zero exit unless `check` is set. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runTracked(command, args, options);
}

/** Like run, but stdout as bytes. */
export async function runBinary(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult & { bytes: Buffer }> {
  const result = await runTracked(command, args, { ...options, binary: true });
  return { ...result, bytes: Buffer.from(result.stdout, 'latin1') };
}

/**
 * Like run, but blocking: for short tools (sgdisk, mkfs, blkid, cp) in fixtures and in
 * `describe.skipIf` conditions, where nothing else has to run meanwhile. A blocked test cannot
 * serve HTTP to its child: use `run` when the child talks back.
 */
export function runSync(command: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const stdin = options.input === undefined ? { stdin: 'ignore' as const } : {};
  const syncOptions: SyncOptions = { ...commonOptions(options), ...stdin };
  return resultOf(command, execaSync(command, args, syncOptions) as ExecaOutcome);
}

/** A supervised long-lived child (a server, a guest). */
export interface Child {
  readonly pid: number | undefined;
  readonly process: ResultPromise;
  /** Ends the child (SIGTERM, then SIGKILL after a grace period) and waits for it. */
  stop(): Promise<RunResult>;
  /** Waits for the child to exit by itself. */
  done(): Promise<RunResult>;
}

export function start(command: string, args: readonly string[], options: RunOptions = {}): Child {
  const subprocess = execa(command, args, execaOptions({ ...options, check: false }, true));
  const settled = track(command, args, subprocess, true).then((outcome) => resultOf(command, outcome));
  // A child that never started still settles; keep that rejection for whoever awaits it.
  settled.catch(() => undefined);
  return {
    pid: subprocess.pid,
    process: subprocess,
    stop() {
      subprocess.kill('SIGTERM');
      return settled;
    },
    done: () => settled,
  };
}

/** A mark in the sequence of started children: `stopAll(mark)` concerns only those started after it. */
export function startedSoFar(): number {
  return started;
}

/**
 * Stops every child still running and returns their command lines: empty when nothing was left
 * behind. `since` (a `startedSoFar()` mark) limits it to children started after the mark, and
 * `supervisedOnly` to those from `start`: a `run` may still be in flight at the end of a test
 * that queued work for the next ones (the differential tests' process pools).
 */
export async function stopAll(since = 0, options: { supervisedOnly?: boolean } = {}): Promise<string[]> {
  const stragglers = [...live].filter((entry) => entry.sequence > since && (entry.supervised || options.supervisedOnly !== true));
  await Promise.all(stragglers.map((entry) => entry.stop()));
  return stragglers.map((entry) => entry.command);
}
