// Facts about the machine a test runs on. Tests that need root, loop devices or a tool decide
// with these; in CI (CI=true) a missing capability is a failure, never a silent skip.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const inCI = process.env.CI === 'true';
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * True when an executable `name` is on PATH. It stays synchronous because tests call it in
 * `describe.skipIf` conditions at import time, and it looks at PATH itself instead of asking a
 * shell, so no process is started for it at all.
 */
export function hasCommand(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return true;
    } catch {
      // Not in this directory; try the next.
    }
  }
  return false;
}

export const hasLoopDevices = isRoot && existsSync('/dev/loop-control');

/**
 * True when a test that needs `what` can run. In CI it throws instead of returning false,
 * so that a machine without the capability fails the run rather than skipping the test.
 */
export function canRun(what: string, available: boolean): boolean {
  if (available) return true;
  if (inCI) throw new Error(`${what} is required in CI but not available on this machine`);
  return false;
}

/**
 * True when the running kernel has a driver a test needs (md, device-mapper). Unlike a missing
 * package, a missing driver cannot be installed by .ci/run: CI's kernel (a Firecracker guest
 * without modules) lacks md and dm. Such tests are skipped there with this reason, and the same
 * scenarios run inside the QEMU guest of test/boot/raid-luks.test.ts, whose Debian kernel has the drivers.
 */
export function kernelHas(driver: string, available: boolean): boolean {
  if (!available) console.warn(`skipping: this kernel has no ${driver}; test/boot/raid-luks.test.ts covers it in a QEMU guest`);
  return available;
}
