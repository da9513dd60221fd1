// The umount stage (ignition-spec.md §10.6): unmounts what the mount stage mounted, deepest
// first. It tries every filesystem even after one fails, and skips those that are not mounted
// (the mount stage may have failed half-way), then reports the first failure.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { mountOrder, mountPoints } from '../system/devices.ts';
import type { Stage } from './context.ts';

type Filesystem = { device: string; format?: string | null; path?: string | null };

/** The mount table lists resolved paths; the root itself may be reached through a symlink. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export const umountStage: Stage = async (config, ctx) => {
  const filesystems = (config.storage?.filesystems ?? []) as unknown as Filesystem[];
  let first: unknown;
  for (const { fs, index } of mountOrder(filesystems).reverse()) {
    const target = join(ctx.root, fs.path ?? '');
    if (!mountPoints().has(canonical(target))) {
      ctx.log.info(`"${target}" is not mounted; nothing to unmount`);
      continue;
    }
    try {
      await ctx.log.op('unmounting', target, () => ctx.exec(ctx.tools.umount, [target], { path: ['storage', 'filesystems', index] }));
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
};
