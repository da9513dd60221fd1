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

/**
 * The flags for the V8 of `v8Version`, in the form V8 takes them. V8 prints an error on stderr for
 * a flag it does not know, so each flag is given only where it exists: the Turbofan ones in every
 * V8 Node >= 20 has, the interrupt budget only in V8 11 (Node 20), where it was measured; later V8s
 * (Node 26's, in the single executable) count invocations instead and have no such flag.
 */
export function transpileV8Flags(v8Version: string): string[] {
  const major = Number(v8Version.split('.')[0]);
  return ['--no-turbo-inlining', '--no-turbo-loop-peeling', ...(major === 11 ? ['--interrupt-budget=300000'] : [])];
}

/** This process's flags; exported for the code cache key (src/cli/code-cache.ts). */
export const TRANSPILE_V8_FLAGS: readonly string[] = transpileV8Flags(process.versions.v8);

let applied = false;

/** Sets TRANSPILE_V8_FLAGS once per process. */
export function tuneJitForTranspile(): void {
  if (applied) return;
  applied = true;
  for (const flag of TRANSPILE_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * Interpreter only: what the stage runner's processes use (src/main.ts). A short process spends
 * more CPU in V8's baseline and optimising compilers, on a background thread, than their code wins
 * back before it exits (bench/RESULTS.md, "Boot to provisioned").
 */
export const INTERPRETER_ONLY_V8_FLAGS = '--no-opt --no-maglev --no-sparkplug';

/**
 * Up to this many characters of config, `validate` runs interpreted too. Measured with the single
 * executable (CPU per process, bench/RESULTS.md, "Start-up of the single executable"): a one-file
 * config 1.5 ms less, 1000 files (110 kB) 84-89 against 105 ms, 3000 files (310 kB) even, and
 * 10000 files (1 MB) 0.20 against 0.11 s, where the compilers pay off.
 */
export const SMALL_INPUT_CHARS = 256 * 1024;

/** Sets INTERPRETER_ONLY_V8_FLAGS for the rest of the process when its input is small. */
export function tuneJitForInput(chars: number): void {
  if (chars <= SMALL_INPUT_CHARS) setFlagsFromString(INTERPRETER_ONLY_V8_FLAGS);
}
