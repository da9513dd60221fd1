// The executable's entry: wires the process to the dispatcher and sets the exit code. Nothing
// else in Kindling touches process.exit or process.exitCode.

import { invokedAs, main } from './cli/dispatch.ts';
import type { CliIo } from './cli/io.ts';

const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

main(process.argv.slice(2), io, invokedAs(process.argv0, process.argv[1])).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`internal error: ${detail}\nplease report this\n`);
    process.exitCode = 70;
  },
);
