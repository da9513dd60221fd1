// Running external tools (useradd, sgdisk, mkfs, systemctl...): the only module that imports execa.
// Every command is logged as upstream does (`executing: "cmd" "arg"`) with secret arguments
// redacted; a failure becomes one ProvisionError carrying the execa error as its cause.

import { execa } from 'execa';
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

export function createExec(log: Logger): Exec {
  return async (file, args, options = {}) => {
    const redact = options.redact ?? [];
    const shown = displayCommand(file, args, redact);
    const secrets = redact.map((i) => args[i] ?? '');
    log.debug(`executing: ${shown}`);
    let result;
    try {
      result = await execa(file, [...args], {
        reject: false,
        input: options.input,
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs,
        stripFinalNewline: false,
        encoding: 'utf8',
      });
    } catch (error) {
      throw new ProvisionError({
        code: 'COMMAND_FAILED',
        message: messageFor('COMMAND_FAILED', shown, scrub(String(error), secrets)),
        path: options.path,
        cause: error,
      });
    }
    const outcome: ExecResult = {
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
    };
    if (result.failed && options.reject !== false) {
      const detail = result.exitCode !== undefined
        ? `exit status ${result.exitCode}: ${outcome.stderr.trim()}`
        : (result.signal ?? result.shortMessage ?? 'killed');
      throw new ProvisionError({
        code: 'COMMAND_FAILED',
        message: messageFor('COMMAND_FAILED', shown, scrub(detail, secrets)),
        path: options.path,
        // The execa error's own message repeats the unredacted argv, so keep only safe facts.
        cause: { exitCode: outcome.exitCode, stderr: scrub(outcome.stderr, secrets), signal: result.signal },
      });
    }
    return outcome;
  };
}
