// Go's path.Clean/path.Join semantics and upstream's three path problems.
import { describe, expect, it } from 'vitest';
import { cleanPath, joinPath, pathProblem } from '../../../src/config/rules/paths.ts';

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
