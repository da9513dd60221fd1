// Helpers for cloud-init style drives (NoCloud `cidata`, OpenStack `config-2`) shared by the
// drive-only platforms: waiting for a drive with a bound, reading a file from it as user data,
// and reading the small metadata files (NoCloud meta-data, OpenStack meta_data.json).
import { join } from 'node:path';
import { waitForDrive, findDrive, readIfPresent, withMounted } from './config-drive.ts';
import type { FetchedConfig, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

/** Waits for a drive (timeoutMs, Infinity = forever); no drive or no file means no config. */
export async function userDataFromDrive(
  ctx: ProviderContext,
  labels: readonly string[],
  file: string,
  timeoutMs: number,
): Promise<FetchedConfig | undefined> {
  const read = await waitForDrive(ctx, labels, [file], timeoutMs);
  if (!read.found) {
    ctx.device.log.info(`no config: no drive labelled ${labels.join(' or ')} appeared`);
    return undefined;
  }
  if (read.data === undefined) {
    ctx.device.log.info(`no config: ${read.device} has no ${file}`);
    return undefined;
  }
  return userDataToConfig(ctx, read.data, `${read.device}:/${file}`);
}

/** `key: value` lines of a NoCloud meta-data file (quotes removed; nested blocks ignored). */
export function parseNoCloudMeta(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
    if (m !== null) out[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** `ssh_authorized_keys:` list items of a #cloud-config document. */
export function cloudConfigKeys(text: string | undefined): string[] {
  if (text === undefined || !text.trimStart().startsWith('#cloud-config')) return [];
  const keys: string[] = [];
  let inList = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^ssh_authorized_keys:\s*$/.test(line)) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    const item = /^\s*-\s*(.+)$/.exec(line);
    if (item === null) {
      if (line.trim() !== '') inList = false;
      continue;
    }
    keys.push(item[1]!.trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  return keys;
}

/** Reads several files from a labelled drive at once, if attached; undefined when it is not. */
export async function readDriveFiles(ctx: ProviderContext, labels: readonly string[], files: readonly string[]): Promise<Record<string, string> | undefined> {
  const device = await findDrive(ctx, labels);
  if (device === undefined) return undefined;
  return withMounted(ctx, device, 'auto', async (dir) => {
    const out: Record<string, string> = {};
    for (const file of files) {
      const bytes = await readIfPresent(join(dir, file));
      if (bytes !== undefined) out[file] = bytes.toString('utf8');
    }
    return out;
  });
}
