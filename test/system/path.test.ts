// resolveInRoot on real temp trees: links re-rooted and clamped, the last component left alone
// unless asked, cycles refused, and no input that leads out of the root.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isInsideRoot, relativeToRoot, resolveInRoot } from '../../src/system/path.ts';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kindling-path-'));
  mkdirSync(join(root, 'etc/sub'), { recursive: true });
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  symlinkSync('/etc', join(root, 'abs'));
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('../../../../../../../../etc', join(root, 'usr/up'));
  symlinkSync('/proc/self/root', join(root, 'procself'));
  symlinkSync('/', join(root, 'slash'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  symlinkSync('/abs/sub', join(root, 'chain'));
  symlinkSync('/etc/passwd', join(root, 'etc/sub/last'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveInRoot', () => {
  test.each([
    ['plain path', '/etc/hostname', 'etc/hostname'],
    ['absolute link is re-rooted', '/abs/hostname', 'etc/hostname'],
    ['relative link', '/lib/modules', 'usr/lib/modules'],
    ['.. in a link clamps at the root', '/usr/up/x', 'etc/x'],
    ['.. in the path clamps at the root', '/../../etc/x', 'etc/x'],
    ['.. after a link walks the resolved tree', '/abs/../usr', 'usr'],
    ['link to / stays in the root', '/slash/etc/x', 'etc/x'],
    ['a /proc/self/root link is re-rooted, not followed on the host', '/procself/etc/passwd', 'proc/self/root/etc/passwd'],
    ['chained links', '/chain/file', 'etc/sub/file'],
    ['last component is not followed', '/etc/sub/last', 'etc/sub/last'],
    ['missing components are literal', '/no/such/dir/../file', 'no/such/file'],
  ])('%s', async (_name, path, expected) => {
    expect(await resolveInRoot(root, path)).toBe(join(root, expected));
  });

  test('followLast follows the final link inside the root', async () => {
    expect(await resolveInRoot(root, '/etc/sub/last', { followLast: true })).toBe(join(root, 'etc/passwd'));
    expect(await resolveInRoot(root, '/abs', { followLast: true })).toBe(join(root, 'etc'));
  });

  test('link cycles are an error, not a hang', async () => {
    await expect(resolveInRoot(root, '/loop1/x')).rejects.toMatchObject({ code: 'PATH_ESCAPES_ROOT' });
  });

  test('no path made of links, dots and names leaves the root', async () => {
    const part = fc.constantFrom('..', '.', 'abs', 'lib', 'usr', 'up', 'slash', 'procself', 'etc', 'sub', 'last', 'chain', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 8 }), fc.boolean(), async (parts, followLast) => {
        const host = await resolveInRoot(root, `/${parts.join('/')}`, { followLast });
        expect(isInsideRoot(root, host)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('relativeToRoot', () => {
  test('maps host paths back to config paths', () => {
    expect(relativeToRoot(root, join(root, 'etc/x'))).toBe('/etc/x');
    expect(relativeToRoot(root, root)).toBe('/');
  });

  test('refuses paths outside the root, including sibling prefixes', () => {
    expect(() => relativeToRoot(root, '/etc/passwd')).toThrow(/escapes/);
    expect(() => relativeToRoot(root, `${root}-other/x`)).toThrow(/escapes/);
  });
});

describe('resolveInRoot with a shared set of known directories', () => {
  const paths = ['/etc/hostname', '/abs/hostname', '/lib/modules', '/usr/up/x', '/../../etc/x', '/abs/../usr', '/slash/etc/x', '/procself/etc/passwd', '/chain/file', '/etc/sub/last', '/new/dir/file'];

  test('gives the same host paths as resolving each path alone, however often it is reused', async () => {
    const knownDirs = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (const path of paths) expect(await resolveInRoot(root, path, { knownDirs }), path).toBe(await resolveInRoot(root, path));
    }
  });

  test('any sequence of paths through links and dots resolves as without the set', async () => {
    const part = fc.constantFrom('..', '.', 'abs', 'lib', 'usr', 'up', 'slash', 'procself', 'etc', 'sub', 'last', 'chain', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(part, { maxLength: 8 }), { maxLength: 6 }), fc.boolean(), async (all, followLast) => {
        const knownDirs = new Set<string>();
        for (const parts of all) {
          const path = `/${parts.join('/')}`;
          expect(await resolveInRoot(root, path, { followLast, knownDirs })).toBe(await resolveInRoot(root, path, { followLast }));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('collects only real directories, never links or missing components', async () => {
    const knownDirs = new Set<string>();
    for (const path of paths) await resolveInRoot(root, path, { knownDirs });
    expect([...knownDirs].sort()).toEqual([join(root, 'etc'), join(root, 'etc/sub'), join(root, 'usr'), join(root, 'usr/lib')]);
  });

  test('trusts the set: a directory replaced by a link is followed only once the caller clears it', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'kindling-path-known-'));
    try {
      mkdirSync(join(tree, 'a'));
      mkdirSync(join(tree, 'b'));
      const knownDirs = new Set<string>();
      expect(await resolveInRoot(tree, '/a/x', { knownDirs })).toBe(join(tree, 'a/x'));
      rmSync(join(tree, 'a'), { recursive: true });
      symlinkSync('/b', join(tree, 'a'));
      expect(await resolveInRoot(tree, '/a/x', { knownDirs })).toBe(join(tree, 'a/x'));
      knownDirs.clear();
      expect(await resolveInRoot(tree, '/a/x', { knownDirs })).toBe(join(tree, 'b/x'));
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
