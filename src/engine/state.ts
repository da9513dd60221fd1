// The JSON handed from one stage process to the next (ignition-spec.md §12): which configs were
// fetched, and where the fetch stage put every resource it downloaded and verified.

import { readFile } from 'node:fs/promises';
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
}

export const emptyState = (): RunState => ({ fetchedConfigs: [], resources: {} });

export async function loadState(file: string): Promise<RunState> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<RunState>;
    return { fetchedConfigs: parsed.fetchedConfigs ?? [], resources: parsed.resources ?? {} };
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
