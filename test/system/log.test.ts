// The runner's log: one line per operation with its number, target and result, syslog priority
// prefixes for the journal, plain lines for stdout.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger, defaultSink, fdOutput, fdWriter, logOutputPending, memorySink, prioritySink, stdoutSink } from '../../src/system/log.ts';

describe('createLogger', () => {
  test('an operation logs one line with its number, target and result', async () => {
    const { sink, lines } = memorySink();
    const log = createLogger({ stage: 'files', sink });
    await log.op('writing file', '/etc/x', async () => undefined);
    await expect(log.op('writing file', '/etc/y', async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(lines).toEqual(['<6>files: op(1): writing file "/etc/x": done', '<3>files: op(2): writing file "/etc/y": failed: disk full']);
    expect(log.opCount).toBe(2);
  });

  test('afterOp sees every operation, failed ones too', async () => {
    const seen: number[] = [];
    const log = createLogger({ stage: 'disks', sink: () => undefined, afterOp: (n) => seen.push(n) });
    await log.op('a', '', async () => 1);
    await log.op('b', '', async () => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(seen).toEqual([1, 2]);
  });

  test('levels map to syslog priorities', () => {
    const out: string[] = [];
    const log = createLogger({ stage: 'mount', sink: prioritySink((t) => out.push(t)) });
    log.crit('c');
    log.err('e');
    log.warning('w');
    log.notice('n');
    log.info('i');
    log.debug('d');
    expect(out).toEqual(['<2>mount: c\n', '<3>mount: e\n', '<4>mount: w\n', '<5>mount: n\n', '<6>mount: i\n', '<7>mount: d\n']);
  });
});

describe('defaultSink', () => {
  test('journal when JOURNAL_STREAM is set, plain stdout otherwise', () => {
    expect(defaultSink({})).toBe(stdoutSink);
    expect(defaultSink({ JOURNAL_STREAM: '8:1234' })).not.toBe(stdoutSink);
  });
});

describe('fdWriter', () => {
  /** A stream that keeps what it is given, and counts how often it was asked for. */
  function keepingStream(): { stream: () => NodeJS.WritableStream; text: () => string; asked: () => number } {
    const chunks: Buffer[] = [];
    let asked = 0;
    const writable = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    return { stream: () => (asked++, writable), text: () => Buffer.concat(chunks).toString(), asked: () => asked };
  }

  /** Runs `body` with a scratch directory, removed after. */
  function inScratchDir(body: (dir: string) => void): void {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-fd-writer-'));
    try {
      body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A descriptor open for reading only, on an empty file: write(2) to it fails with EBADF. */
  function readOnlyFd(dir: string): number {
    writeFileSync(join(dir, 'in'), '');
    return openSync(join(dir, 'in'), 'r');
  }

  test('writes straight to the descriptor, in order, without building the stream', () =>
    inScratchDir((dir) => {
      const fd = openSync(join(dir, 'out'), 'w');
      const kept = keepingStream();
      const write = fdWriter(fd, kept.stream);
      write('files: op(1): writing file "/etc/ä": done\n');
      write('files: files passed\n');
      closeSync(fd);
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('files: op(1): writing file "/etc/ä": done\nfiles: files passed\n');
      expect(kept.asked()).toBe(0);
    }));

  test('after an error the line and every later one go to the stream instead', () =>
    inScratchDir((dir) => {
      const fd = readOnlyFd(dir);
      const kept = keepingStream();
      const write = fdWriter(fd, kept.stream);
      write('one\n');
      write('two\n');
      closeSync(fd);
      expect(kept.text()).toBe('one\ntwo\n');
      // Written through at once, so nothing holds the process back from exiting.
      expect(logOutputPending()).toBe(false);
      expect(readFileSync(join(dir, 'in'), 'utf8')).toBe('');
    }));

  test('a stream that has not taken its output yet holds the exit back', () =>
    inScratchDir((dir) => {
      const fd = readOnlyFd(dir);
      // A stream that never finishes a write, like a pipe nobody reads.
      const stuck = new Writable({ highWaterMark: 1, write: () => undefined });
      fdWriter(fd, () => stuck)('line\n');
      closeSync(fd);
      expect(stuck.writableLength).toBeGreaterThan(0);
      expect(logOutputPending()).toBe(true);
    }));

  test('fdOutput writes command output to the descriptor and answers isTTY without the stream', () =>
    inScratchDir((dir) => {
      const fd = openSync(join(dir, 'out'), 'w');
      const kept = keepingStream();
      const output = fdOutput(fd, fdWriter(fd, kept.stream));
      expect(output.write('Kindling 0.1.0\n')).toBe(true);
      expect(output.isTTY).toBe(false);
      closeSync(fd);
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('Kindling 0.1.0\n');
      expect(kept.asked()).toBe(0);
      const readOnly = readOnlyFd(dir);
      fdOutput(readOnly, fdWriter(readOnly, kept.stream)).write('refused\n');
      closeSync(readOnly);
      expect(kept.text()).toBe('refused\n');
    }));

  test('command output and log lines on one descriptor share its writer: once it falls back, both follow in order', () =>
    inScratchDir((dir) => {
      const readOnly = readOnlyFd(dir);
      const kept = keepingStream();
      const write = fdWriter(readOnly, kept.stream);
      const log = prioritySink(write);
      log('fetching', 'info');
      fdOutput(readOnly, write).write('result\n');
      log('done', 'info');
      closeSync(readOnly);
      expect(kept.text()).toBe('<6>fetching\nresult\n<6>done\n');
    }));
});
