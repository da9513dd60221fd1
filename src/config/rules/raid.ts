// Rules for software RAID arrays (ignition-spec.md §4.8): level (required explicitly since 3.3),
// spares for levels that cannot have them, and the member devices.

import type { ConfigPath } from '../../report.ts';
import { atLeast } from '../versions.ts';
import { pathProblem } from './paths.ts';
import { error, items, num, plainStr, str, type Obj, type RuleContext } from './context.ts';

const STRIPED = ['linear', 'raid0', '0', 'stripe'];
const OTHER_LEVELS = ['raid1', '1', 'mirror', 'raid4', '4', 'raid5', '5', 'raid6', '6', 'raid10', '10'];

function checkLevel(ctx: RuleContext, raid: Obj, path: ConfigPath): void {
  const level = str(raid.level);
  // Before 3.3 the level is a plain string: an empty one is just an unknown level.
  if (atLeast(ctx.version, '3.3.0') && (level === undefined || level === '')) return error(ctx, 'RAID_LEVEL_REQUIRED', path);
  const value = level ?? '';
  if (STRIPED.includes(value)) {
    const spares = num(raid.spares);
    if (spares !== undefined && spares !== 0) error(ctx, 'RAID_SPARES_UNSUPPORTED', path);
  } else if (!OTHER_LEVELS.includes(value)) {
    error(ctx, 'RAID_LEVEL_UNKNOWN', path);
  }
}

/** Raid.Validate, then each member device as a path. */
export function checkRaid(ctx: RuleContext, raid: Obj, path: ConfigPath): void {
  checkLevel(ctx, raid, [...path, 'level']);
  const devices = items(raid.devices);
  if (devices.length === 0) error(ctx, 'RAID_DEVICES_REQUIRED', [...path, 'devices']);
  devices.forEach((device, i) => {
    const problem = pathProblem(plainStr(device));
    if (problem !== undefined) error(ctx, problem, [...path, 'devices', i]);
  });
}
