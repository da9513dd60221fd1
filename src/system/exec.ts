// Running external tools (useradd, sgdisk, mkfs, systemctl...): the only module that starts processes.
// Every command is logged as upstream does (`executing: "cmd" "arg"`) with secret arguments
// redacted; a failure becomes one ProvisionError carrying the underlying error as its cause.

// Plain child_process rather than a wrapper library: the runner starts a few short tools per
// stage, and loading and warming up execa cost each stage process more CPU than the tools did.

import { ProvisionError, type ConfigPath } from '../report.ts';
import { messageFor } from '../messages.ts';
import type { Logger } from './log.ts';

export interface ExecOptions {
  /** Indexes into `args` whose values must never be logged or put into error messages. */
  redact?: readonly number[];
  /** Data for the command's standard input. */
  input?: string | Buffer;
  /** Extra environment variables; the rest of the environment is inherited. */
  env?: Record<string, string>;
  cwd?: string;
  /** false: a non-zero exit is returned in the result instead of thrown. Default true. */
  reject?: boolean;
  /** The config entry to blame in the ProvisionError. */
  path?: ConfigPath;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export const REDACTED = '<redacted>';

/** The command line as it may appear in logs and errors. */
export function displayCommand(file: string, args: readonly string[], redact: readonly number[] = []): string {
  const shown = args.map((arg, i) => (redact.includes(i) ? REDACTED : arg));
  return [file, ...shown].map((word) => JSON.stringify(word)).join(' ');
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join(REDACTED);
  return out;
}

/** What a finished (or never started) process left behind. */
interface Outcome {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** Why the process did not start (ENOENT, EACCES...). */
  startError?: Error;
}

/** A terminated process that ignores SIGTERM is killed for good after this long. */
const FORCE_KILL_AFTER_MS = 5000;

function run(file: string, args: readonly string[], options: ExecOptions): Promise<Outcome> {
  return new Promise((settle) => {
    // Looked up on the first command, not imported at module load: the npm bins then load
    // node:child_process (with node:net and node:dgram) only in a process that runs a tool. The
    // single executable's startup snapshot holds it already (src/warm.ts).
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      // Extra variables extend the inherited environment instead of replacing it.
      env: options.env === undefined ? undefined : { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A tool that exits without reading its input must not turn into an EPIPE failure.
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
      timer = setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS).unref();
      }, options.timeoutMs);
    }
    let startError: Error | undefined;
    child.on('error', (error) => {
      startError ??= error;
    });
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      child.stdin.destroy();
      settle({
        // A process that never started has no exit status (node reports the negative errno).
        exitCode: startError !== undefined ? undefined : (code ?? undefined),
        signal: signal ?? undefined,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        startError,
      });
    });
  });
}

export function createExec(log: Logger): Exec {
  return async (file, args, options = {}) => {
    const redact = options.redact ?? [];
    const shown = displayCommand(file, args, redact);
    const secrets = redact.map((i) => args[i] ?? '');
    log.debug(`executing: ${shown}`);
    let result: Outcome;
    try {
      result = await run(file, args, options);
    } catch (error) {
      throw new ProvisionError({
        code: 'COMMAND_FAILED',
        message: messageFor('COMMAND_FAILED', shown, scrub(String(error), secrets)),
        path: options.path,
        cause: error,
      });
    }
    const outcome: ExecResult = { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
    const failed = result.startError !== undefined || result.exitCode !== 0;
    if (failed && options.reject !== false) {
      const detail = result.startError !== undefined
        ? `${(result.startError as NodeJS.ErrnoException).code ?? 'spawn failed'}: ${result.startError.message}`
        : result.exitCode !== undefined
          ? `exit status ${result.exitCode}: ${outcome.stderr.trim()}`
          : (result.signal ?? 'killed');
      throw new ProvisionError({
        code: 'COMMAND_FAILED',
        message: messageFor('COMMAND_FAILED', shown, scrub(detail, secrets)),
        path: options.path,
        // Only safe facts: never the argv, which may hold a secret.
        cause: { exitCode: outcome.exitCode, stderr: scrub(outcome.stderr, secrets), signal: result.signal },
      });
    }
    return outcome;
  };
}
