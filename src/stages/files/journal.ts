// Progress journal of one files-stage run. It makes a killed run resumable and a failed run
// undoable: it records what each non-idempotent step was about to make visible, and the state
// every node of the root had before the run first touched it (absent, saved to a backup, or its
// owner and mode). It lives in the target root, beside the nodes it describes, so it survives a
// reboot mid-provisioning and needs no storage outside the root; it is deleted when the stage
// finishes and, after a rollback, as the rollback's last step. A journal present at start means
// "resume", or "finish the rollback" when it holds a rollback record.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { errnoCode } from './atomic-write.ts';

export const JOURNAL_PATH = '/etc/.kindling-files-journal';

/** Paths in undo records are relative to the root (leading slash), so a moved mount still resolves. */
export type JournalRecord =
  | { kind: 'start'; previousResult: string | null; dirs?: string[] }
  /** `path` is set when the file did not exist before: its first touch, so undo removes it. */
  | { kind: 'content'; key: string; stamp: string; path?: string }
  | { kind: 'preset'; content: string; disable: string[] }
  | { kind: 'done'; key: string }
  | { kind: 'created'; path: string }
  | { kind: 'saved'; path: string; backup: string }
  | { kind: 'meta'; path: string; uid: number; gid: number; mode: number }
  | { kind: 'links'; links: [string, string][]; dirs?: [string, number, number, number][] }
  | { kind: 'rollback' };

export type Touch = 'meta' | 'full';

export interface Journal {
  /** True when a previous run was killed and this one continues it. */
  readonly resumed: boolean;
  readonly start: Extract<JournalRecord, { kind: 'start' }> | undefined;
  /** True when a previous run was killed while rolling back. */
  readonly rollingBack: boolean;
  readonly records: readonly JournalRecord[];
  /** The content stamp (atomic-write.ts contentStamp) journalled for `key`. */
  contentFor(key: string): string | undefined;
  isDone(key: string): boolean;
  preset(): Extract<JournalRecord, { kind: 'preset' }> | undefined;
  /** How far the run has already recorded the state `path` had before it. */
  touched(path: string): Touch | undefined;
  add(record: JournalRecord): Promise<void>;
  /** add, for the synchronous steps (parent directories are made in a loop of syscalls). */
  addSync(record: JournalRecord): void;
  finish(): Promise<void>;
}

export async function openJournal(hostPath: string): Promise<Journal> {
  let text: string | null = null;
  try {
    text = readFileSync(hostPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  const records: JournalRecord[] = [];
  const contents = new Map<string, string>();
  const done = new Set<string>();
  const touches = new Map<string, Touch>();
  let start: Extract<JournalRecord, { kind: 'start' }> | undefined;
  let preset: Extract<JournalRecord, { kind: 'preset' }> | undefined;
  let rollingBack = false;
  const apply = (record: JournalRecord): void => {
    records.push(record);
    if (record.kind === 'start') start = record;
    else if (record.kind === 'content') {
      contents.set(record.key, record.stamp);
      if (record.path !== undefined) touches.set(record.path, 'full');
    } else if (record.kind === 'preset') preset = record;
    else if (record.kind === 'done') done.add(record.key);
    else if (record.kind === 'created' || record.kind === 'saved') touches.set(record.path, 'full');
    else if (record.kind === 'meta') {
      if (!touches.has(record.path)) touches.set(record.path, 'meta');
    } else if (record.kind === 'rollback') rollingBack = true;
  };
  for (const line of (text ?? '').split('\n')) {
    // A kill can cut a line short; it describes a step that never became visible.
    let record: JournalRecord;
    try {
      if (line === '') continue;
      record = JSON.parse(line) as JournalRecord;
    } catch {
      continue;
    }
    apply(record);
  }
  let needsNewline = text !== null && text !== '' && !text.endsWith('\n');
  let fd: number | undefined;
  const addSync = (record: JournalRecord): void => {
    fd ??= openSync(hostPath, 'a', 0o600);
    // One write(2) per record with O_APPEND, so a kill never interleaves two records.
    writeSync(fd, `${needsNewline ? '\n' : ''}${JSON.stringify(record)}\n`);
    needsNewline = false;
    apply(record);
  };
  return {
    resumed: start !== undefined,
    get start() {
      return start;
    },
    get rollingBack() {
      return rollingBack;
    },
    records,
    contentFor: (key) => contents.get(key),
    isDone: (key) => done.has(key),
    preset: () => preset,
    touched: (path) => touches.get(path),
    async add(record) {
      addSync(record);
    },
    addSync,
    async finish() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      try {
        unlinkSync(hostPath);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
      }
    },
  };
}
