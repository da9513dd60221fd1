// The ordered table of stages that run against a finished config. The fetch stages are the
// engine's own work (acquire, render, prefetch) and are not in this table.

import type { Stage } from '../stages/context.ts';
import { disksStage } from '../stages/disks/index.ts';
import { filesStage } from '../stages/files/index.ts';
import { kargsStage } from '../stages/kargs.ts';
import { mountStage } from '../stages/mount.ts';
import { umountStage } from '../stages/umount.ts';
import type { StageName } from './options.ts';

export const CONFIG_STAGES: Readonly<Partial<Record<StageName, Stage>>> = {
  kargs: kargsStage,
  disks: disksStage,
  mount: mountStage,
  files: filesStage,
  umount: umountStage,
};
