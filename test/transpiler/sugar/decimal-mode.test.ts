// The decimal-mode heuristic of butane.md §4.11.
import { describe, expect, test } from 'vitest';
import { isTypicalMode, looksDecimal } from '../../../transpiler/sugar/decimal-mode.ts';

describe('decimal modes', () => {
  test.each([0o644, 0o755, 0o600, 0o700, 0o444, 0o4755, 0])('octal %o is typical for a file', (mode) => {
    expect(isTypicalMode(mode, false)).toBe(true);
  });

  test.each([0o1204, 0o1363, 0o222, 0o066, 0o1644])('%o is not typical for a file', (mode) => {
    expect(isTypicalMode(mode, false)).toBe(false);
  });

  test('directories need execute and no setuid', () => {
    expect(isTypicalMode(0o755, true)).toBe(true);
    expect(isTypicalMode(0o644, true)).toBe(false);
    expect(isTypicalMode(0o1777, true)).toBe(true);
    expect(isTypicalMode(0o4755, true)).toBe(false);
  });

  test.each([
    [644, false, true],
    [755, false, true],
    [600, false, true],
    [420, false, false],
    [493, false, false],
    [755, true, true],
    [8888, false, false],
  ])('mode %d (directory %s) warns: %s', (mode, directory, warns) => {
    expect(looksDecimal(mode, directory)).toBe(warns);
  });
});
