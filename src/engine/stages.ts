// The ordered table of stages that run against a finished config. The fetch stages are the
// engine's own work (acquire, render, prefetch) and are not in this table. Each entry loads its
// stage on demand, so one stage's process does not load (and compile) the others.

import type { Stage } from '../stages/context.ts';
import type { StageName } from './options.ts';

export const CONFIG_STAGES: Readonly<Partial<Record<StageName, () => Promise<Stage>>>> = {
  kargs: async () => (await import('../stages/kargs.ts')).kargsStage,
  disks: async () => (await import('../stages/disks/index.ts')).disksStage,
  mount: async () => (await import('../stages/mount.ts')).mountStage,
  files: async () => (await import('../stages/files/index.ts')).filesStage,
  umount: async () => (await import('../stages/umount.ts')).umountStage,
};
