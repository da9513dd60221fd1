// Go's path.Clean/path.Join semantics and upstream's three path problems.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPath, isCleanAbsolute, joinPath, pathProblem } from '../../../src/config/rules/paths.ts';

describe('cleanPath', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/../a', '/a'],
    ['a/../..', '..'],
    ['../../x', '../../x'],
    ['./', '.'],
  ])('%j -> %j', (input, output) => expect(cleanPath(input)).toBe(output));
});

describe('joinPath', () => {
  it.each([
    [['/a/l', '../d'], '/a/d'],
    [['/l', ''], '/l'],
    [['', ''], ''],
    [['/x', 'y/'], '/x/y'],
  ])('%j -> %j', (parts, output) => expect(joinPath(...parts)).toBe(output));
});

describe('pathProblem', () => {
  it.each([
    ['', 'PATH_EMPTY'],
    ['etc/x', 'PATH_NOT_ABSOLUTE'],
    ['/etc/x/', 'PATH_NOT_SIMPLIFIED'],
    ['/etc/./x', 'PATH_NOT_SIMPLIFIED'],
    ['/etc/x', undefined],
    ['/', undefined],
  ])('%j -> %s', (input, problem) => expect(pathProblem(input)).toBe(problem));
});

describe('isCleanAbsolute', () => {
  it('holds exactly for absolute paths other than / that cleanPath leaves as they are', () => {
    const part = fc.constantFrom('', '.', '..', '...', 'a', '.a', 'a.', 'b..', ' ');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.boolean(), (parts, rooted) => {
        const path = `${rooted ? '/' : ''}${parts.join('/')}`;
        expect(isCleanAbsolute(path), path).toBe(path.startsWith('/') && path !== '/' && cleanPath(path) === path);
      }),
      { numRuns: 2000 },
    );
  });
});
