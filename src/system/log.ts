// Logging for the runner: one line per operation (stage, op number, what, path or device, result).
// Lines carry syslog `<N>` priority prefixes when they go to the journal or kmsg, which parse them,
// and are plain on stdout. Callers never pass secrets here; exec redacts arguments it is told to.

import { writeSync } from 'node:fs';

export type LogLevel = 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

/** syslog(3) priorities, as journald and /dev/kmsg read them from a `<N>` prefix. */
const PRIORITY: Record<LogLevel, number> = { crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

/** Where finished lines go. `priority` is the syslog level of the line. */
export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  readonly stage: string;
  crit(message: string): void;
  err(message: string): void;
  warning(message: string): void;
  notice(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /**
   * Runs one operation and logs one line when it ends: `<stage>: op(N): <what> "<target>": done`
   * or `...: failed: <error>`. The error is rethrown unchanged.
   */
  op<T>(what: string, target: string, run: () => Promise<T>): Promise<T>;
  /** Number of operations started so far (the N of the next op is this + 1). */
  readonly opCount: number;
}

export interface LoggerOptions {
  stage: string;
  sink?: LogSink;
  /** Called after every op (success or failure) with its number; tests and crash hooks use it. */
  afterOp?: (n: number) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? stdoutSink;
  const prefix = `${options.stage}: `;
  let count = 0;
  const emit = (level: LogLevel, message: string): void => sink(prefix + message, level);
  return {
    stage: options.stage,
    get opCount() {
      return count;
    },
    crit: (m) => emit('crit', m),
    err: (m) => emit('err', m),
    warning: (m) => emit('warning', m),
    notice: (m) => emit('notice', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
    async op<T>(what: string, target: string, run: () => Promise<T>): Promise<T> {
      const n = ++count;
      const head = `op(${n}): ${what}${target === '' ? '' : ` ${JSON.stringify(target)}`}`;
      try {
        const value = await run();
        emit('info', `${head}: done`);
        return value;
      } catch (error) {
        emit('err', `${head}: failed: ${describeError(error)}`);
        throw error;
      } finally {
        options.afterOp?.(n);
      }
    },
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Writes to file descriptor `fd` with write(2) itself rather than through process.stdout or
 * process.stderr: Node builds those streams on first use, which for a terminal loads node:tty
 * (about 1.3 ms of a stage on the host, and 40 times that in an emulated boot; 0.3 ms for a pipe;
 * bench/RESULTS.md). Node writes to files, pipes and terminals synchronously on Linux too, so the
 * order of lines is the same. A short write or any error (EAGAIN on a descriptor someone made
 * non-blocking, EPIPE) hands the rest, and every later write, to `stream`, which then behaves as
 * it always did.
 */
export function fdWriter(fd: number, stream: () => NodeJS.WritableStream): (text: string) => void {
  let viaStream = false;
  return (text) => {
    if (!viaStream) {
      // The string itself goes to write(2): a Buffer per line cost more than the write on a
      // thousand-file stage. Only a short write, which is rare, needs the bytes.
      let written = 0;
      try {
        written = writeSync(fd, text);
      } catch {
        written = 0;
      }
      if (written === Buffer.byteLength(text)) return;
      viaStream = true;
      const fallback = stream();
      fallbackStreams.add(fallback);
      fallback.write(Buffer.from(text).subarray(written));
      return;
    }
    stream().write(text);
  };
}

/**
 * A command's output on file descriptor `fd`, for the CLI (src/main.ts): only write() of text, with
 * `write` the descriptor's one fdWriter (writeStdout or writeStderr), so command output and log
 * lines on the same descriptor share its fallback and keep their order; and isTTY, which asks the
 * descriptor itself instead of building the stream.
 */
export function fdOutput(fd: number, write: (text: string) => void): { write(text: string): boolean; readonly isTTY: boolean } {
  return {
    write(text) {
      write(text);
      return true;
    },
    get isTTY() {
      return process.getBuiltinModule('node:tty').isatty(fd);
    },
  };
}

/** The streams fdWriter fell back to: they may still hold output when the process wants to exit. */
const fallbackStreams = new Set<NodeJS.WritableStream>();

/** True while a stream the log fell back to still holds output (src/main.ts waits for it then). */
export function logOutputPending(): boolean {
  return [...fallbackStreams].some((stream) => (stream as NodeJS.WriteStream).writableLength > 0);
}

/** The process's one writer per standard descriptor, for the log's sinks and the CLI's output. */
export const writeStdout = fdWriter(1, () => process.stdout);
export const writeStderr = fdWriter(2, () => process.stderr);

/** Plain lines on stdout (`--log-to-stdout`). */
export const stdoutSink: LogSink = (line) => {
  writeStdout(`${line}\n`);
};

/** `<N>`-prefixed lines for a stream that journald reads (a unit's stdout/stderr) or for /dev/kmsg. */
export function prioritySink(write: (text: string) => void): LogSink {
  return (line, level) => write(`<${PRIORITY[level]}>${line}\n`);
}

/** journald's stream protocol when the process runs under systemd, stdout otherwise. */
export function defaultSink(env: NodeJS.ProcessEnv = process.env): LogSink {
  if (env.JOURNAL_STREAM !== undefined && env.JOURNAL_STREAM !== '') {
    return prioritySink(writeStderr);
  }
  return stdoutSink;
}

/** Collects lines in memory, with their `<N>` prefix, for tests and the CLI's failure dump. */
export function memorySink(): { sink: LogSink; lines: string[] } {
  const lines: string[] = [];
  return { lines, sink: (line, level) => lines.push(`<${PRIORITY[level]}>${line}`) };
}
