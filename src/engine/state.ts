// The JSON handed from one stage process to the next (ignition-spec.md §12): which configs were
// fetched, where the fetch stage put every resource, and what later stages hand on (LUKS volumes
// with their keys, created mount points). Keys make this file secret: it is always written 0600.

import { readFileSync } from 'node:fs';
import type { LuksRecord, StageOutputs } from '../stages/context.ts';
import type { StageName } from './options.ts';
import { writeFileAtomic } from './atomic.ts';

export interface FetchedConfigRecord {
  kind: 'base' | 'user';
  source: string;
  referenced: boolean;
}

export interface RunState {
  fetchedConfigs: FetchedConfigRecord[];
  /** Resource path in the final config (`$.storage.files.0.contents`) -> verified file in the cache. */
  resources: Record<string, string>;
  /** LUKS volumes from the disks stage; keys are dropped once the files stage stored them. */
  luks: LuksRecord[];
  /** Mount points the mount stage created, relative to the root. */
  createdDirectories: string[];
  /** The config cache's stamp as the fetch stage left it (config-cache.ts). */
  configCacheStamp?: string;
  /** Later stages with nothing to do for that config (idle.ts). */
  idle?: StageName[];
}

export const emptyState = (): RunState => ({ fetchedConfigs: [], resources: {}, luks: [], createdDirectories: [] });

export async function loadState(file: string): Promise<RunState> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunState>;
    return {
      fetchedConfigs: parsed.fetchedConfigs ?? [],
      resources: parsed.resources ?? {},
      luks: parsed.luks ?? [],
      createdDirectories: parsed.createdDirectories ?? [],
      ...(typeof parsed.configCacheStamp === 'string' ? { configCacheStamp: parsed.configCacheStamp } : {}),
      ...(Array.isArray(parsed.idle) ? { idle: parsed.idle } : {}),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
}

export async function saveState(file: string, state: RunState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state)}\n`, 0o600);
}

export function userConfigProvided(state: RunState): boolean {
  return state.fetchedConfigs.some((c) => c.kind === 'user');
}

/** The outputs of earlier stages, as a stage sees them: copies, so a stage cannot edit the state. */
export function previousOutputs(state: RunState): Readonly<Required<StageOutputs>> {
  return Object.freeze({
    luks: state.luks.map((record) => Object.freeze({ ...record })),
    createdDirectories: [...state.createdDirectories],
  });
}

/**
 * A stage's outputs merged into the state: a LUKS list replaces the old one (a rerun of the disks
 * stage set every volume up again), created directories are added once each, in order.
 */
export function mergeOutputs(state: RunState, outputs: StageOutputs | void): RunState {
  if (outputs === undefined) return state;
  const created = [...state.createdDirectories];
  for (const dir of outputs.createdDirectories ?? []) if (!created.includes(dir)) created.push(dir);
  return { ...state, luks: outputs.luks ?? state.luks, createdDirectories: created };
}
