// The executable's entry: wires the process to the dispatcher and sets the exit code. Nothing
// else in Kindling touches process.exit or process.exitCode.
//
// In the single executable this file also runs once at build time, inside Node's snapshot
// builder (scripts/build-sea.mjs, useSnapshot): it then evaluates the code every command needs
// (src/warm.ts) and leaves `start` as the function each process runs, so a boot stage starts
// from a heap that already holds its modules instead of compiling the bundle again.

import { setFlagsFromString, startupSnapshot } from 'node:v8';
import { endsWithResult, invokedAs, isRunner, main } from './cli/dispatch.ts';
import type { CliIo } from './cli/io.ts';
import { INTERPRETER_ONLY_V8_FLAGS } from './cli/jit-tuning.ts';
import { fdOutput, logOutputPending, writeStderr, writeStdout } from './system/log.ts';

// A boot stage is a short process: the stage runner's processes only interpret (the flags only
// choose how V8 executes, never what the code does). Other commands (transpile's gzip, the
// Terraform provider) keep the compilers; `validate` decides by the size of its input.
function start(): void {
  const argv = process.argv.slice(2);
  const as = invokedAs(process.argv0, process.argv[1]);
  if (isRunner(argv, as)) setFlagsFromString(INTERPRETER_ONLY_V8_FLAGS);
  // Output goes to file descriptors 1 and 2 with write(2), as the log does: Node builds
  // process.stdout and process.stderr on first use, which costs every short command (a pipe's
  // socket, a file's or a terminal's stream module compiled at run time in the single executable).
  // stdin is a getter for the same reason: most commands never read it.
  const io: CliIo = {
    get stdin() {
      return process.stdin;
    },
    stdout: fdOutput(1, writeStdout),
    stderr: fdOutput(2, writeStderr),
  };
  main(argv, io, as).then(
    (code) => {
      process.exitCode = code;
      // A command whose result is all written has nothing left to do, but a natural exit first
      // runs V8's pending tasks (after a large transpile, a full garbage collection of a heap that
      // is about to go) and then tears the heap down, which costs a boot stage about 2 ms on the
      // host and more under emulation (bench/RESULTS.md). Exit at once then, unless a stream still
      // holds output (writes to files, pipes and terminals are synchronous on Linux, not everywhere).
      if (endsWithResult(argv, as) && !logOutputPending()) process.exit();
    },
    (error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`internal error: ${detail}\nplease report this\n`);
      process.exitCode = 70;
    },
  );
}

if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(start);
  void import('./warm.ts').then(({ warm }) => warm());
} else {
  start();
}
