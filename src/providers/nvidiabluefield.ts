// NVIDIA BlueField DPUs: the config arrives through the boot FIFO exposed by the mlxbf_bootctl
// driver in sysfs; trailing NULs are padding. An empty FIFO means no config.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from '../system/fs-async.ts';
import type { Provider } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const BOOTFIFO = 'sys/bus/platform/devices/MLNXBF04:00/bootfifo';

export const nvidiabluefield: Provider = {
  id: 'nvidiabluefield',
  async fetchConfig(ctx) {
    const file = join(ctx.sysRoot, BOOTFIFO);
    if (!existsSync(file) && ctx.sysRoot === '/') await ctx.device.exec('modprobe', ['mlxbf_bootctl'], { reject: false });
    const raw = await readFile(file).catch(() => Buffer.alloc(0));
    let end = raw.length;
    while (end > 0 && raw[end - 1] === 0) end--;
    return userDataToConfig(ctx, raw.subarray(0, end), file);
  },
};
