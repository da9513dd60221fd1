// Butane's pretty report: gutter, context lines, caret span, and the raw fallback.
import { describe, expect, test } from 'vitest';
import { entry } from '../../src/report.ts';
import { formatPretty, formatRaw } from '../../transpiler/report-format.ts';

const source = 'a: 1\nb:\n  c: value here\nd: 4\n';

describe('formatPretty', () => {
  test('two lines of context, carets to the next whitespace', () => {
    const e = entry('error', 'PATH_NOT_ABSOLUTE', ['b', 'c']);
    e.pos = { line: 3, col: 6 };
    expect(formatPretty(e, source, 'x.bu', false)).toBe(
      ['error[$.b.c]:', '  --> x.bu:3:6', '   |', ' 1 | a: 1', ' 2 | b:', ' 3 |   c: value here', '   |      ^^^^^ path not absolute', ' 4 | d: 4', ' 5 | ', '   |'].join('\n'),
    );
  });

  test('the gutter widens with the last shown line number', () => {
    const long = `${'x: 1\n'.repeat(9)}y: 2\n`;
    const e = entry('warning', 'UNUSED_KEY', ['y'], 'y');
    e.pos = { line: 10, col: 1 };
    expect(formatPretty(e, long, 'f', false).split('\n').slice(2, 4)).toEqual(['    |', '  8 | x: 1']);
  });

  test('CRLF sources show without carriage returns', () => {
    const e = entry('warning', 'UNUSED_KEY', ['b'], 'b');
    e.pos = { line: 2, col: 1 };
    expect(formatPretty(e, 'a: 1\r\nb: 2\r\n', 'w.bu', false)).not.toContain('\r');
  });

  test('entries without a usable position fall back to the raw line', () => {
    const e = entry('error', 'BUTANE_SOURCE_INVALID', undefined);
    expect(formatPretty(e, source, 'x.bu', false)).toBe('error: source config is invalid');
    const far = entry('warning', 'UNUSED_KEY', ['q'], 'q');
    far.pos = { line: 99, col: 1 };
    expect(formatPretty(far, source, 'x.bu', false)).toBe(formatRaw(far));
    expect(formatRaw(far)).toBe('warning at $.q, line 99 col 1: unused key q');
  });
});
