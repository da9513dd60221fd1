// What a CLI module is handed instead of touching process globals, so tests can run it in-process.

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: CliOutput;
  stderr: CliOutput;
}

/**
 * Where a command writes its output: all it needs of a stream is write() of text, and isTTY for
 * Butane's colours. The process wires file descriptors 1 and 2 here directly (src/main.ts), tests
 * pass any stream or sink.
 */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Go's os.Open / read error text for the common cases, which upstream's CLIs print verbatim. */
export function describeOpenError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  // Go opens a directory fine and fails on the first read.
  if (code === 'EISDIR') return `read ${file}: is a directory`;
  const reason =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : ((error as Error).message ?? String(error));
  return `open ${file}: ${reason}`;
}

export const VERSION = '0.1.0';
