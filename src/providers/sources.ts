// The order the fetch stages try user-config sources in (ignition-spec.md §7.1): the kernel
// command line (ignition.config.url, else ignition.config.device + .path), then a local user.ign,
// then the platform. Base configs are read separately (system.ts) and merged underneath.
import { join } from 'node:path';
import { entry } from '../report.ts';
import type { KernelParams } from './cmdline.ts';
import { readFromDrive, waitForDrive } from './config-drive.ts';
import type { FetchedConfig, ProviderContext } from './types.ts';

export type UserConfigSource =
  | { kind: 'cmdline-url'; url: string }
  | { kind: 'cmdline-device'; label: string; path: string }
  | { kind: 'system'; dirs: readonly string[] }
  | { kind: 'platform'; platform: string };

/** Upstream waits this long for /dev/disk/by-label/<ignition.config.device>. */
export const CONFIG_DEVICE_WAIT_MS = 30_000;

/** The sources to try, first to last; the first that has a config wins. */
export function userConfigSources(params: KernelParams | undefined, systemDirs: readonly string[], platform: string): UserConfigSource[] {
  const out: UserConfigSource[] = [];
  if (params?.configUrl !== undefined) {
    out.push({ kind: 'cmdline-url', url: params.configUrl });
  } else if (params?.configDevice !== undefined || params?.configPath !== undefined) {
    if (params.configDevice === undefined || params.configPath === undefined) throw entry('error', 'CMDLINE_DEVICE_INCOMPLETE', undefined);
    if (params.configDevice.includes('/') || params.configDevice === '.' || params.configDevice === '..') {
      throw entry('error', 'CMDLINE_DEVICE_LABEL_INVALID', undefined, params.configDevice);
    }
    out.push({ kind: 'cmdline-device', label: params.configDevice, path: params.configPath });
  }
  out.push({ kind: 'system', dirs: systemDirs }, { kind: 'platform', platform });
  return out;
}

/** ignition.config.device/path: waits up to 30 s for the labelled filesystem, mounts it ro, reads the file. */
export async function readConfigDevice(ctx: ProviderContext, label: string, path: string): Promise<FetchedConfig> {
  const appeared = await waitForDrive(ctx, [label], [], CONFIG_DEVICE_WAIT_MS);
  if (!appeared.found) throw entry('error', 'DEVICE_TIMEOUT', undefined, join('/dev/disk/by-label', label), CONFIG_DEVICE_WAIT_MS / 1000);
  const read = await readFromDrive(ctx, [label], [path.replace(/^\/+/, '')]);
  if (!read.found || read.data === undefined) {
    throw entry('error', 'CONFIG_DRIVE_FAILED', undefined, label, `no file ${path} on ${appeared.device}`);
  }
  return { text: read.data.toString('utf8'), source: `${read.device}:${path}` };
}
