// The test harness's one way to run and supervise processes (QEMU guests, servers, both runners,
// shadow-utils, Go clients). It sits on execa, which kills the whole process tree on timeout or
// failure and whose errors carry the command, exit code and stderr. The boot path does not use it:
// src/system/exec.ts stays on spawn (docs/architecture.md says why).
//
// Every child started through `start` is tracked; `stopAll` ends the stragglers and reports them,
// so that a test whose child outlives it fails instead of leaving the suite hanging.
import { execa, type Options, type ResultPromise } from 'execa';

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
  input?: string | Uint8Array;
  timeoutMs?: number;
  /** Binary stdout (e.g. gzip output) instead of text. */
  binary?: boolean;
  argv0?: string;
}

function execaOptions(options: RunOptions): Options {
  return {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    timeout: options.timeoutMs,
    reject: false,
    stripFinalNewline: false,
    encoding: options.binary ? 'buffer' : 'utf8',
    forceKillAfterDelay: 2_000,
    cleanup: true,
    argv0: options.argv0,
  };
}

/** Runs a command to completion; never throws for a non-zero exit (the result says so). */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(command, args, execaOptions(options));
  if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isTerminated) {
    throw new Error(`could not start ${command}: ${result.message}`);
  }
  return {
    exitCode: result.exitCode ?? -1,
    signal: result.signal,
    stdout: typeof result.stdout === 'string' ? result.stdout : Buffer.from(result.stdout as Uint8Array).toString('latin1'),
    stderr: String(result.stderr),
    timedOut: result.timedOut,
  };
}

/** Like run, but stdout as bytes. */
export async function runBinary(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult & { bytes: Buffer }> {
  const result = await execa(command, args, execaOptions({ ...options, binary: true }));
  const bytes = Buffer.from(result.stdout as Uint8Array);
  return {
    exitCode: result.exitCode ?? -1,
    signal: result.signal,
    stdout: bytes.toString('latin1'),
    bytes,
    stderr: Buffer.from(result.stderr as Uint8Array).toString('utf8'),
    timedOut: result.timedOut,
  };
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

const live = new Set<Child>();

export function start(command: string, args: readonly string[], options: RunOptions = {}): Child {
  const subprocess = execa(command, args, { ...execaOptions(options), buffer: true, all: false });
  const settled = subprocess.then((result) => ({
    exitCode: result.exitCode ?? -1,
    signal: result.signal,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    timedOut: result.timedOut,
  }));
  const child: Child = {
    pid: subprocess.pid,
    process: subprocess,
    async stop() {
      subprocess.kill('SIGTERM');
      const result = await settled;
      live.delete(child);
      return result;
    },
    async done() {
      const result = await settled;
      live.delete(child);
      return result;
    },
  };
  live.add(child);
  void settled.then(() => live.delete(child));
  return child;
}

/**
 * Stops every child still running and returns how many there were. Call it from afterEach or
 * afterAll and assert zero: a test that leaves a child behind then fails with its command line.
 */
export async function stopAll(): Promise<string[]> {
  const stragglers = [...live];
  const names = stragglers.map((c) => String(c.process.spawnargs?.join(' ') ?? c.pid));
  await Promise.all(stragglers.map((c) => c.stop()));
  return names;
}
