// V8 settings for `transpile` (and `butane`): a short, single job that runs most of its code once
// or a few thousand times, so the optimising compiler's work barely pays back before the process
// exits. Measured on the 1.5 MB bench config (bench/RESULTS.md, "Transpiler"): Turbofan without
// inlining or loop peeling compiles much less for the same hot loops, and a larger interrupt
// budget leaves code that runs only a while longer in the baseline tiers. These flags choose how
// V8 compiles, never what the code computes: the output is the same bytes either way.
//
// They are set before the transpiler's modules load, so that every function of theirs is compiled
// under them, and only for this command: a boot stage or the Terraform provider keeps V8's defaults.

import { setFlagsFromString } from 'node:v8';

/** The flags, in the form V8 takes them; exported for the code cache key (src/cli/code-cache.ts). */
export const TRANSPILE_V8_FLAGS = ['--no-turbo-inlining', '--no-turbo-loop-peeling', '--interrupt-budget=300000'] as const;

let applied = false;

/** Sets TRANSPILE_V8_FLAGS once per process. */
export function tuneJitForTranspile(): void {
  if (applied) return;
  applied = true;
  for (const flag of TRANSPILE_V8_FLAGS) setFlagsFromString(flag);
}
