// Progress journal that makes a killed files stage resumable: it lives in the target root (so it
// survives a reboot mid-provisioning), records what each non-idempotent step was about to make
// visible, and is deleted when the stage finishes. A journal present at start means "resume".

import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { errnoCode } from './atomic-write.ts';

export const JOURNAL_PATH = '/etc/.kindling-files-journal';

export type JournalRecord =
  | { kind: 'start'; previousResult: string | null }
  | { kind: 'content'; key: string; sha256: string }
  | { kind: 'preset'; content: string; disable: string[] }
  | { kind: 'done'; key: string };

export interface Journal {
  /** True when a previous run was killed and this one continues it. */
  readonly resumed: boolean;
  readonly start: Extract<JournalRecord, { kind: 'start' }> | undefined;
  contentFor(key: string): string | undefined;
  isDone(key: string): boolean;
  preset(): Extract<JournalRecord, { kind: 'preset' }> | undefined;
  add(record: JournalRecord): Promise<void>;
  finish(): Promise<void>;
}

export async function openJournal(hostPath: string): Promise<Journal> {
  let text: string | null = null;
  try {
    text = await readFile(hostPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  const records: JournalRecord[] = [];
  for (const line of (text ?? '').split('\n')) {
    // A kill can cut a line short; it describes a step that never became visible.
    try {
      if (line !== '') records.push(JSON.parse(line) as JournalRecord);
    } catch {
      continue;
    }
  }
  const contents = new Map<string, string>();
  const done = new Set<string>();
  let start: Extract<JournalRecord, { kind: 'start' }> | undefined;
  let preset: Extract<JournalRecord, { kind: 'preset' }> | undefined;
  const apply = (record: JournalRecord): void => {
    if (record.kind === 'start') start = record;
    else if (record.kind === 'content') contents.set(record.key, record.sha256);
    else if (record.kind === 'preset') preset = record;
    else done.add(record.key);
  };
  records.forEach(apply);
  let needsNewline = text !== null && text !== '' && !text.endsWith('\n');
  let fd: number | undefined;
  return {
    resumed: start !== undefined,
    get start() {
      return start;
    },
    contentFor: (key) => contents.get(key),
    isDone: (key) => done.has(key),
    preset: () => preset,
    async add(record) {
      fd ??= openSync(hostPath, 'a', 0o600);
      // One write(2) per record with O_APPEND, so a kill never interleaves two records.
      writeSync(fd, `${needsNewline ? '\n' : ''}${JSON.stringify(record)}\n`);
      needsNewline = false;
      apply(record);
    },
    async finish() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      await unlink(hostPath).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
    },
  };
}
