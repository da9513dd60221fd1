// The resume journal: records survive a reopen, a record cut short by a kill is ignored and does
// not swallow the records written after it, and finish removes the file.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openJournal } from '../../../src/stages/files/journal.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function path(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-journal-'));
  dirs.push(dir);
  return join(dir, 'journal');
}

describe('journal', () => {
  test('a fresh journal is not a resume; records are read back after reopening', async () => {
    const file = path();
    const first = await openJournal(file);
    expect(first.resumed).toBe(false);
    await first.add({ kind: 'start', previousResult: null });
    await first.add({ kind: 'content', key: 'file:/a', stamp: 'abc' });
    await first.add({ kind: 'done', key: 'user:core' });
    await first.add({ kind: 'preset', content: 'enable a.service\n', disable: [] });
    const second = await openJournal(file);
    expect(second.resumed).toBe(true);
    expect(second.contentFor('file:/a')).toBe('abc');
    expect(second.isDone('user:core')).toBe(true);
    expect(second.isDone('user:other')).toBe(false);
    expect(second.preset()?.content).toBe('enable a.service\n');
  });

  test('a torn last record is skipped and later records still count', async () => {
    const file = path();
    writeFileSync(file, '{"kind":"start","previousResult":null}\n{"kind":"content","key":"file:/b","sha');
    const journal = await openJournal(file);
    expect(journal.resumed).toBe(true);
    expect(journal.contentFor('file:/b')).toBeUndefined();
    await journal.add({ kind: 'content', key: 'file:/c', stamp: 'def' });
    expect(readFileSync(file, 'utf8').split('\n').at(-2)).toBe('{"kind":"content","key":"file:/c","stamp":"def"}');
    expect((await openJournal(file)).contentFor('file:/c')).toBe('def');
  });

  test('finish removes the journal', async () => {
    const file = path();
    const journal = await openJournal(file);
    await journal.add({ kind: 'start', previousResult: 'x' });
    await journal.finish();
    expect(existsSync(file)).toBe(false);
  });
});

describe('filesStageInterrupted', () => {
  test('true only while a journal with a start record is in the root', async () => {
    const { filesStageInterrupted } = await import('../../../src/stages/files/index.ts');
    const root = mkdtempSync(join(tmpdir(), 'kindling-interrupted-'));
    dirs.push(root);
    expect(await filesStageInterrupted(root)).toBe(false);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/.kindling-files-journal'), '{"kind":"start","previousResult":null}\n');
    expect(await filesStageInterrupted(root)).toBe(true);
  });
});
