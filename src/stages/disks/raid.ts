// RAID arrays with mdadm (ignition-spec.md §10.3): one `mdadm --create` per entry, then wait for
// the array's node, which mdadm itself creates under /dev/md when no udev is running.
import type { ConfigPath } from '../../report.ts';
import { waitForDevice, type DeviceContext } from '../../system/devices.ts';
import type { RaidSpec } from './spec.ts';
import { step } from './step.ts';

/** Where the array's device node appears: `/dev/md/<name>`, or the name itself if it is a path. */
export function raidNode(name: string): string {
  return name.startsWith('/dev') ? name : `/dev/md/${name}`;
}

export function mdadmArgs(raid: RaidSpec, devices: readonly string[]): string[] {
  const spares = raid.spares ?? 0;
  const args = ['--create', raid.name, '--force', '--run', '--homehost', 'any', '--level', raid.level];
  args.push('--raid-devices', String(devices.length - spares));
  if (spares > 0) args.push('--spare-devices', String(spares));
  return [...args, ...(raid.options ?? []), ...devices];
}

export async function createRaid(ctx: DeviceContext, raid: RaidSpec, path: ConfigPath): Promise<void> {
  const devices: string[] = [];
  for (const [i, device] of raid.devices.entries()) devices.push(await waitForDevice(ctx, device, [...path, 'devices', i]));
  await step(ctx.log, 'creating RAID array', raid.name, path, async () => {
    await ctx.exec(ctx.tools.mdadm, mdadmArgs(raid, devices), { path });
    await waitForDevice(ctx, raidNode(raid.name), path);
  });
}
