// The mount stage (ignition-spec.md §10.4): mounts every filesystem with a path under the root,
// shallowest first, creating missing mount points 0755. If one mount fails, the ones already
// made are undone before the error is reported, so a failed stage leaves nothing mounted. The
// created mount points are handed on, so the files stage can give those in a home to its user.
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { entry, type ConfigPath } from '../report.ts';
import { mountOrder, waitForDevice } from '../system/devices.ts';
import type { Config, Stage, StageContext } from './context.ts';

type Filesystem = { device: string; format?: string | null; path?: string | null; mountOptions?: string[] | null };

export interface MountOutcome {
  /** Mount points this stage created, relative to the root (upstream's notated directories). */
  createdDirectories: string[];
}

/**
 * Creates the mount point's missing components; any existing non-directory (even a symlink) fails.
 * Synchronous, as the engine's own small local I/O: a thread-pool round trip per component would
 * also start libuv's worker threads in a stage that otherwise never needs them.
 */
function ensureMountPoint(root: string, mountPath: string, path: ConfigPath, created: string[]): void {
  let relative = '';
  for (const component of mountPath.split('/').filter((c) => c !== '')) {
    relative = `${relative}/${component}`;
    const info = lstatSync(join(root, relative), { throwIfNoEntry: false });
    if (info === undefined) {
      mkdirSync(join(root, relative), { mode: 0o755 });
      created.push(relative);
    } else if (!info.isDirectory()) {
      throw entry('error', 'MOUNT_NON_DIRECTORY', path, mountPath, relative);
    }
  }
}

export async function runMount(config: Config, ctx: StageContext): Promise<MountOutcome> {
  const filesystems = (config.storage?.filesystems ?? []) as unknown as Filesystem[];
  const outcome: MountOutcome = { createdDirectories: [] };
  const mounted: string[] = [];
  try {
    for (const { fs, index } of mountOrder(filesystems)) {
      const path = ['storage', 'filesystems', index];
      const mountPath = fs.path ?? '';
      const target = join(ctx.root, mountPath);
      await ctx.log.op('mounting', target, async () => {
        ensureMountPoint(ctx.root, mountPath, [...path, 'path'], outcome.createdDirectories);
        // A virtiofs device is a tag of the host share, not a node to wait for.
        const device = fs.format === 'virtiofs' ? fs.device : await waitForDevice(ctx, fs.device, [...path, 'device']);
        const options = (fs.mountOptions ?? []).join(',');
        await ctx.exec(ctx.tools.mount, ['-o', options, '-t', fs.format ?? '', device, target], { path });
      });
      mounted.push(target);
    }
  } catch (error) {
    for (const target of mounted.reverse()) {
      const result = await ctx.exec(ctx.tools.umount, [target], { reject: false });
      if (result.exitCode !== 0) ctx.log.warning(`unmounting "${target}" after a failed mount: ${result.stderr.trim()}`);
    }
    throw error;
  }
  return outcome;
}

export const mountStage: Stage = async (config, ctx) => {
  const outcome = await runMount(config, ctx);
  return { createdDirectories: outcome.createdDirectories };
};
