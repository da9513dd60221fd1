// The disks stage: partitions → RAID → LUKS → filesystems, each step waiting for the devices it
// uses; skipped when the config has no storage devices at all. The LUKS keys the files stage
// must store in the root are returned (base64 by volume name) with every volume's LUKS UUID, for
// the engine to hand to the files stage, which then need not probe devices.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config, LuksRecord, Stage, StageContext } from '../context.ts';
import { waitForDevice } from '../../system/devices.ts';
import { createFilesystem, isBlockFilesystem } from './filesystems.ts';
import { createLuks } from './luks.ts';
import { partitionDisk } from './partitions.ts';
import { createRaid } from './raid.ts';
import { storageOf } from './spec.ts';

export interface DisksOutcome {
  /** Upstream's `luksPersistKeyFiles`: key material of volumes without clevis. */
  luksKeys: Record<string, string>;
  /** LUKS UUID of every volume set up, by volume name, for its crypttab line. */
  luksUuids: Record<string, string>;
}

/** Whether `command` is an executable on PATH; synchronous, as the engine's small local I/O. */
function commandExists(command: string): boolean {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      continue;
    }
  }
  return false;
}

export async function runDisks(config: Config, ctx: StageContext): Promise<DisksOutcome> {
  const storage = storageOf(config);
  const outcome: DisksOutcome = { luksKeys: {}, luksUuids: {} };
  if (storage.disks.length + storage.raid.length + storage.luks.length + storage.filesystems.length === 0) return outcome;

  for (const [i, disk] of storage.disks.entries()) {
    const path = ['storage', 'disks', i];
    const node = await waitForDevice(ctx, disk.device, [...path, 'device']);
    await partitionDisk(ctx, disk, node, path);
  }
  for (const [i, raid] of storage.raid.entries()) await createRaid(ctx, raid, ['storage', 'raid', i]);

  const luksCtx = { ...ctx, hasClevis: async () => commandExists(ctx.tools.clevis) };
  for (const [i, luks] of storage.luks.entries()) {
    const path = ['storage', 'luks', i];
    const key = await createLuks(luksCtx, luks, path);
    if (key !== undefined) outcome.luksKeys[luks.name] = key.toString('base64');
    const node = await waitForDevice(ctx, luks.device, [...path, 'device']);
    const uuid = await ctx.exec(ctx.tools.cryptsetup, ['luksUUID', node], { path });
    outcome.luksUuids[luks.name] = uuid.stdout.trim();
  }

  // Filesystems are independent of each other, so they are made in parallel, as upstream does;
  // the first failure in config order is the one reported.
  const jobs = storage.filesystems.map((fs, i) => (isBlockFilesystem(fs) ? createFilesystem(ctx, fs, ['storage', 'filesystems', i]) : Promise.resolve()));
  const results = await Promise.allSettled(jobs);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return outcome;
}

export const disksStage: Stage = async (config, ctx) => {
  const outcome = await runDisks(config, ctx);
  const luks = Object.entries(outcome.luksUuids).map(([name, uuid]): LuksRecord => {
    const key = outcome.luksKeys[name];
    return key === undefined ? { name, uuid } : { name, uuid, key };
  });
  return { luks };
};
