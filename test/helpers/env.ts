// Facts about the machine a test runs on. Tests that need root, loop devices or a tool decide
// with these; in CI (CI=true) a missing capability is a failure, never a silent skip.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const inCI = process.env.CI === 'true';
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
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
