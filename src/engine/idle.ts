// Which later stages have nothing to do for a config, decided once by the fetch stage from the
// final (base + user) config and recorded in the state file. Such a stage then ends after reading
// the state file and checking that the config cache is the one the fetch stage wrote, without
// parsing the config, reading the base configs or loading its own code. The fetch stage also
// leaves an empty marker file per idle stage in `idle/` beside the state file, so that the init
// system need not start the process at all (initrd/minimal/init, the dracut units'
// ConditionPathExists): under emulation every Node start costs seconds, and most configs touch
// neither kernel arguments nor disks.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { mountOrder } from '../system/devices.ts';
import type { StageName } from './options.ts';

export function idleStages(config: Config): StageName[] {
  const idle: StageName[] = [];
  const kargs = config.kernelArguments;
  if ((kargs?.shouldExist ?? []).length + (kargs?.shouldNotExist ?? []).length === 0) idle.push('kargs');
  const storage = config.storage;
  const filesystems = storage?.filesystems ?? [];
  if ((storage?.disks ?? []).length + (storage?.raid ?? []).length + (storage?.luks ?? []).length + filesystems.length === 0) idle.push('disks');
  // The umount stage only undoes the mount stage: both have work exactly when a filesystem is mounted.
  if (mountOrder(filesystems.map((fs) => ({ device: fs.device ?? '', format: fs.format, path: fs.path }))).length === 0) idle.push('mount', 'umount');
  return idle;
}

/** The directory of idle markers: `/run/ignition/idle/` for the default state file. */
export const idleDir = (stateFile: string): string => join(dirname(resolve(stateFile)), 'idle');

/** Replaces the markers of an earlier run with one empty file per idle stage. */
export async function writeIdleMarkers(stateFile: string, idle: readonly StageName[]): Promise<void> {
  const dir = idleDir(stateFile);
  rmSync(dir, { recursive: true, force: true }); // not the promise rm: see prefetch()
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const stage of idle) writeFileSync(join(dir, stage), '', { mode: 0o644 });
}
