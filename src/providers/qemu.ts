// QEMU: the config is a fw_cfg blob (`-fw_cfg name=opt/com.coreos/config,file=...`, or Flatcar's
// opt/org.flatcar-linux/config) read from sysfs; on s390x and ppc64le, which have no fw_cfg, a
// virtio disk with serial `ignition`, padded with NULs. A missing key means no config.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entry } from '../report.ts';
import type { FetchedConfig, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const FW_CFG_KEYS = ['opt/com.coreos/config', 'opt/org.flatcar-linux/config'] as const;
export const FW_CFG_DIR = 'sys/firmware/qemu_fw_cfg';
export const VIRTIO_IGNITION = 'dev/disk/by-id/virtio-ignition';
const VIRTIO_POLL_MS = 5_000;
const VIRTIO_WAIT_MS = 5 * 60_000;

/** The `size` file of a fw_cfg key, or NaN when it cannot be read. */
function readSize(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return Number.NaN;
  }
}

/** Reads the first fw_cfg key present under `<sysRoot>/sys/firmware/qemu_fw_cfg/by_name`. */
export async function readFwCfg(ctx: ProviderContext): Promise<FetchedConfig | undefined> {
  const byName = join(ctx.sysRoot, FW_CFG_DIR, 'by_name');
  if (!existsSync(byName) && ctx.sysRoot === '/') {
    // The driver is a module on most kernels; without it the directory is missing.
    await ctx.device.exec('modprobe', ['qemu_fw_cfg'], { reject: false });
  }
  for (const key of FW_CFG_KEYS) {
    const dir = join(byName, key);
    if (!existsSync(join(dir, 'raw'))) continue;
    try {
      const size = readSize(join(dir, 'size'));
      const raw = readFileSync(join(dir, 'raw'));
      // sysfs may report a page-rounded length; the size file is authoritative when present.
      const bytes = Number.isInteger(size) && size > 0 && size < raw.length ? raw.subarray(0, size) : raw;
      return userDataToConfig(ctx, bytes, `fw_cfg ${key}`);
    } catch (error) {
      throw entry('error', 'FILE_CONFIG_READ_FAILED', undefined, join(dir, 'raw'), (error as Error).message);
    }
  }
  ctx.device.log.info('no config in QEMU fw_cfg (no opt/com.coreos/config or opt/org.flatcar-linux/config key)');
  return undefined;
}

/** s390x/ppc64le: waits for the virtio-ignition disk (every 5 s, up to 5 min) and strips trailing NULs. */
export async function readVirtioIgnition(ctx: ProviderContext): Promise<FetchedConfig | undefined> {
  const device = join(ctx.sysRoot, VIRTIO_IGNITION);
  const deadline = ctx.fetch.now() + VIRTIO_WAIT_MS;
  while (!existsSync(device)) {
    if (ctx.fetch.now() >= deadline) {
      ctx.device.log.info(`no config: ${device} did not appear`);
      return undefined;
    }
    await ctx.fetch.sleep(VIRTIO_POLL_MS);
  }
  const raw = readFileSync(device);
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  return userDataToConfig(ctx, raw.subarray(0, end), device);
}

export const qemu: Provider = {
  id: 'qemu',
  fetchConfig(ctx) {
    return process.arch === 's390x' || process.arch === 'ppc64' ? readVirtioIgnition(ctx) : readFwCfg(ctx);
  },
};
