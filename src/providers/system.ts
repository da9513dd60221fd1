// The system config directories (ignition-spec.md §7.3): user.ign from the first directory that has
// one, and base.d / base.platform.d/<platform> files where each name is claimed by the directory of
// highest priority (/run/ignition > /etc/ignition > /usr/lib/ignition), merged in file-name order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entry } from '../report.ts';
import type { FetchedConfig } from './types.ts';

export const DEFAULT_SYSTEM_DIRS = {
  runtime: '/run/ignition',
  local: '/etc/ignition',
  system: '/usr/lib/ignition',
} as const;

/** The directories in priority order, each overridable by upstream's environment variable. */
export function systemConfigDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const pick = (name: string, fallback: string) => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  return [
    pick('IGNITION_SYSTEM_RUNTIME_CONFIG_DIR', DEFAULT_SYSTEM_DIRS.runtime),
    pick('IGNITION_SYSTEM_LOCAL_CONFIG_DIR', DEFAULT_SYSTEM_DIRS.local),
    pick('IGNITION_SYSTEM_CONFIG_DIR', DEFAULT_SYSTEM_DIRS.system),
  ];
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw entry('error', 'SYSTEM_CONFIG_READ_FAILED', undefined, file, (error as Error).message);
  }
}

/** The local user config: the first `user.ign` found, or undefined. */
export async function readSystemUserConfig(dirs: readonly string[]): Promise<FetchedConfig | undefined> {
  for (const dir of dirs) {
    const file = join(dir, 'user.ign');
    const text = await readOrUndefined(file);
    if (text !== undefined) return { text, source: file };
  }
  return undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw entry('error', 'SYSTEM_CONFIG_READ_FAILED', undefined, dir, (error as Error).message);
  }
}

/** Every file of `sub` across the directories, each name from its highest-priority directory, sorted by name. */
async function layered(dirs: readonly string[], sub: string): Promise<FetchedConfig[]> {
  const claimed = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of await listFiles(join(dir, sub))) {
      if (!claimed.has(name)) claimed.set(name, join(dir, sub, name));
    }
  }
  const names = [...claimed.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: FetchedConfig[] = [];
  for (const name of names) {
    const file = claimed.get(name)!;
    const text = await readOrUndefined(file);
    if (text !== undefined) out.push({ text, source: file });
  }
  return out;
}

/** Base configs in merge order: base.d, then base.platform.d/<platform>; each merged under the next. */
export async function readBaseConfigs(dirs: readonly string[], platform: string): Promise<FetchedConfig[]> {
  return [...(await layered(dirs, 'base.d')), ...(await layered(dirs, join('base.platform.d', platform)))];
}
