// Temp-file writes: the temp name is fixed per target (so a rerun reuses it), a stale temp file or
// planted symlink at that name is replaced rather than followed, and sweeping removes leftovers.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { resolveInRoot } from '../../../src/system/path.ts';
import { contentStamp, fileStamp, forgetKnownDirs, mkdirParents, nameDigest, removeNode, resolveNode, sweepTemps, tempPathFor, TEMP_PREFIX, writeAtomic } from '../../../src/stages/files/atomic-write.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kindling-atomic-'));
  dirs.push(d);
  return d;
}

const pieces = (...parts: string[]) => async function* () {
  for (const part of parts) yield Buffer.from(part);
};

describe('writeAtomic', () => {
  test('temp names are per target, in its directory, and short', () => {
    const long = `/r/etc/${'x'.repeat(255)}`;
    expect(tempPathFor('/r/etc/a')).toBe(tempPathFor('/r/etc/a'));
    expect(tempPathFor('/r/etc/a')).not.toBe(tempPathFor('/r/etc/b'));
    expect(tempPathFor(long).startsWith(`/r/etc/${TEMP_PREFIX}`)).toBe(true);
    expect(tempPathFor(long).length).toBeLessThan(60);
  });

  test('writes pieces in order, returns the stamp the renamed file has, and leaves no temp file', async () => {
    const d = dir();
    const seen: string[] = [];
    const stamp = await writeAtomic({ target: join(d, 'f'), mode: 0o640, pieces: pieces('a', 'b'), beforeRename: async (h) => void seen.push(h) });
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('ab');
    expect(lstatSync(join(d, 'f')).mode & 0o777).toBe(0o640);
    expect(seen).toEqual([stamp]);
    expect(stamp).toBe(contentStamp(lstatSync(join(d, 'f'), { bigint: true })));
    expect(stamp.startsWith('2:')).toBe(true);
    expect(fileStamp(join(d, 'f'))).toBe(stamp);
    expect(fileStamp(d)).toBeUndefined();
    expect(fileStamp(join(d, 'missing'))).toBeUndefined();
    expect(readdirSync(d)).toEqual(['f']);
  });

  test('the name digest is 16 hex digits and tells apart names that differ in one character or in order', () => {
    const names = new Set<string>();
    for (let i = 0; i < 20_000; i++) names.add(`unit-${i}.service`);
    for (const a of 'abcdefghij') for (const b of 'abcdefghij') names.add(`${a}${b}`);
    names.add('\u00e9t\u00e9');
    const digests = new Set([...names].map(nameDigest));
    expect(digests.size).toBe(names.size);
    for (const digest of digests) expect(digest).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a stale temp file or a symlink planted at the temp name is replaced, not followed', async () => {
    const d = dir();
    const victim = join(d, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, tempPathFor(join(d, 'f')));
    await writeAtomic({ target: join(d, 'f'), mode: 0o644, pieces: pieces('new') });
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('new');
  });

  test('sweepTemps removes only temp names', async () => {
    const d = dir();
    writeFileSync(join(d, `${TEMP_PREFIX}abc`), '');
    writeFileSync(join(d, 'keep'), '');
    await sweepTemps(d);
    expect(readdirSync(d)).toEqual(['keep']);
  });
});

describe('mkdirParents', () => {
  test('refuses to go through a symlink or leave the root', async () => {
    const root = dir();
    const outside = dir();
    symlinkSync(outside, join(root, 'link'));
    expect(() => mkdirParents(root, join(root, 'link/x'))).toThrow(/not a directory/);
    expect(() => mkdirParents(root, join(outside, 'y'))).toThrow(expect.objectContaining({ code: 'PATH_ESCAPES_ROOT' }));
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('writeAtomic failures', () => {
  test('a failing piece removes the temp file and leaves the target alone', async () => {
    const d = dir();
    writeFileSync(join(d, 'f'), 'old');
    const failing = async function* () {
      yield Buffer.from('partial');
      throw new Error('fetch failed');
    };
    await expect(writeAtomic({ target: join(d, 'f'), mode: 0o644, pieces: failing })).rejects.toThrow('fetch failed');
    expect(readdirSync(d)).toEqual(['f']);
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('old');
  });
});

describe('resolveNode', () => {
  /** A tree with links on the way to real directories: absolute, relative, to the root, chained. */
  function linkedTree(): string {
    const d = dir();
    mkdirSync(join(d, 'etc/sub'), { recursive: true });
    mkdirSync(join(d, 'usr/lib'), { recursive: true });
    symlinkSync('/etc', join(d, 'abs'));
    symlinkSync('usr/lib', join(d, 'lib'));
    symlinkSync('/', join(d, 'slash'));
    symlinkSync('/abs/sub', join(d, 'chain'));
    symlinkSync('/etc/sub/x', join(d, 'etc/last'));
    return d;
  }

  test('any sequence of clean paths resolves as resolveInRoot alone, parents remembered or not', async () => {
    const root = linkedTree();
    const part = fc.constantFrom('abs', 'lib', 'usr', 'slash', 'etc', 'sub', 'chain', 'last', 'x', 'new');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(part, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), async (all) => {
        forgetKnownDirs();
        for (const parts of [...all, ...all]) {
          const path = `/${parts.join('/')}`;
          expect(await resolveNode(root, path), path).toBe(await resolveInRoot(root, path));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('a parent replaced through removeNode is resolved again, through the new link', async () => {
    const root = linkedTree();
    forgetKnownDirs();
    expect(await resolveNode(root, '/usr/lib/f')).toBe(join(root, 'usr/lib/f'));
    removeNode(join(root, 'usr/lib'));
    symlinkSync('/etc', join(root, 'usr/lib'));
    expect(await resolveNode(root, '/usr/lib/f')).toBe(join(root, 'etc/f'));
  });

  test('a parent that was missing is looked up again once it exists as a link', async () => {
    const root = linkedTree();
    forgetKnownDirs();
    expect(await resolveNode(root, '/made/f')).toBe(join(root, 'made/f'));
    symlinkSync('/etc/sub', join(root, 'made'));
    expect(await resolveNode(root, '/made/f')).toBe(join(root, 'etc/sub/f'));
  });

  test('a parent that resolves to a root written with a trailing separator joins with one', async () => {
    const root = `${linkedTree()}/`;
    forgetKnownDirs();
    expect(await resolveNode(root, '/slash/f')).toBe(`${root}f`);
    expect(await resolveInRoot(root, '/slash/f')).toBe(`${root}f`);
  });
});
