// go-systemd's unit parser leniency and errors, including the bufio-dependent line-length check.
import { describe, expect, it } from 'vitest';
import { parseUnit } from '../../../src/config/rules/unit-file.ts';

const sections = (text: string): string[] | string => {
  const parsed = parseUnit(text);
  return 'error' in parsed ? parsed.error : parsed.options.map((o) => `${o.section}.${o.name}=${o.value}`);
};

describe('parseUnit', () => {
  it.each([
    ['', []],
    ['[Unit]', []],
    ['[Unit]\nDescription = hello world \n', ['Unit.Description=hello world']],
    ['ignored=1\n[A]\nB=c', ['A.B=c']],
    ['#c\n;c\n[A]\n# x=y\nB=c', ['A.B=c']],
    ['[A]\nB=one \\\n two', ['A.B=one \\\n two']],
    ['[A]\n#comment \\\ncontinued=1\nC=d', ['A.C=d']],
    ['[A]\r\nB=c\r\n', ['A.B=c']],
    ['[A]\nB=\nC=d', ['A.B=', 'A.C=d']],
    ['[A]]\nB=c', 'found garbage after section name : "]"'],
    ['[A] x\n', 'found garbage after section name : "x"'],
    ['[A] "q"\t\n', 'found garbage after section name : "\\"q\\""'],
    ['[A', 'unable to find end of section'],
    ['[A]\nB', 'EOF'],
    ['[A]\nB\n', 'unexpected newline encountered while parsing option name'],
    ['[A]\nB\r=c', 'unexpected newline encountered while parsing option name'],
  ])('%j', (text, expected) => expect(sections(text)).toEqual(expected));

  it('rejects a line of 2048 bytes without a newline in the buffered window', () => {
    expect(sections(`[A]\nB=${'x'.repeat(2046)}`)).toBe('line too long (max 2048 bytes)');
  });

  it('accepts a long line the 4096-byte buffer cannot see whole', () => {
    // After the first 4096 bytes are consumed the buffer holds less than 2048: no check happens.
    const text = `[A]\n${'B=c\n'.repeat(1000)}C=${'y'.repeat(2100)}`;
    expect(sections(text)).not.toBe('line too long (max 2048 bytes)');
  });

  it('counts bytes, not characters', () => {
    expect(sections(`[A]\nB=${'é'.repeat(1100)}`)).toBe('line too long (max 2048 bytes)');
    expect(sections(`[A]\nB=${'x'.repeat(1100)}`)).toEqual([`A.B=${'x'.repeat(1100)}`]);
  });
});
