// The runner's log: one line per operation with its number, target and result, syslog priority
// prefixes for the journal, plain lines for stdout.
import { describe, expect, test } from 'vitest';
import { createLogger, defaultSink, memorySink, prioritySink, stdoutSink } from '../../src/system/log.ts';

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
