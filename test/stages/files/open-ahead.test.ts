// Temp files opened ahead of their turn (open-ahead.ts), on a real root: a config mixing plain
// files (in existing and missing directories, with modes, ids, overwrite and appends) with the
// nodes that stop the window (directories, links, a file through a link, a file below another,
// a hard link) must give the same tree and the same log with temp files opened ahead as with every
// file written the sequential way; and a file that fails while later ones are already opened must
// leave the root as it was, without a temp file anywhere.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { setOpenAheadDepth } from '../../../src/stages/files/open-ahead.ts';
import { TEMP_PREFIX } from '../../../src/stages/files/atomic-write.ts';
import type { Config } from '../../../src/stages/context.ts';
import { canRun, isRoot } from '../../helpers/env.ts';
import { failure } from '../../helpers/failure.ts';
import { diffTrees, outsideManifest, snapshotTree } from '../../helpers/manifest.ts';
import { decodeResource, testContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles, text } from './support/run.ts';
import { normalize } from './support/workload.ts';

const runnable = canRun('root for owners and modes of the open-ahead test', isRoot);

function storage(): Config['storage'] {
  const files: NonNullable<NonNullable<Config['storage']>['files']> = [];
  for (let i = 0; i < 24; i++) files.push({ path: `/srv/flat/f${i}`, mode: i % 3 === 0 ? 0o600 : undefined, contents: { source: text(`flat ${i}\n`) } });
  for (let i = 0; i < 12; i++) files.push({ path: `/srv/deep/d${i % 3}/g${i}`, user: { id: 1000 + i }, group: { id: 2000 }, mode: 0o640, contents: { source: text(`deep ${i}\n`) } });
  files.push(
    { path: '/opt/existing/kept', overwrite: true, contents: { source: text('replaced\n') } },
    { path: '/opt/existing/grown', append: [{ source: text('more\n') }] },
    { path: '/srv/via-link/through', contents: { source: text('through a link\n') } },
    { path: '/srv/tree/inner/leaf', contents: { source: text('below a directory\n') } },
    { path: '/srv/flat/sub/../dotted', contents: { source: text('unclean\n') } },
    { path: '/srv/empty' },
  );
  return {
    files,
    directories: [
      { path: '/srv/tree', mode: 0o750 },
      { path: '/srv/tree/inner', mode: 0o700, user: { id: 7 } },
    ],
    links: [
      { path: '/srv/via-link', target: '/srv/deep/d1' },
      { path: '/srv/to-flat', target: '/srv/flat/f3' },
      { path: '/srv/hard', target: '/srv/flat/f4', hard: true },
    ],
  };
}

/** A template root with the directory (and its files) the config overwrites and appends to. */
function prepared(): string {
  const root = newRoot();
  mkdirSync(join(root, 'opt/existing'), { recursive: true });
  writeFileSync(join(root, 'opt/existing/kept'), 'original\n');
  writeFileSync(join(root, 'opt/existing/grown'), 'start\n');
  return root;
}

/** Every temp file of the stage anywhere under `dir`. */
function temps(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.name.startsWith(TEMP_PREFIX)) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

const ops = (lines: string[]): string[] => lines.filter((line) => line.includes('op('));

describe.skipIf(!runnable)('files written with temp files opened ahead', () => {
  afterEach(() => setOpenAheadDepth(undefined));
  afterAll(removeRoots);

  test('give the tree and the log of the sequential run', async () => {
    setOpenAheadDepth(0);
    const sequential = prepared();
    const seqCtx = await runFiles(sequential, { storage: storage() });
    setOpenAheadDepth(4);
    const ahead = prepared();
    const aheadCtx = await runFiles(ahead, { storage: storage() });
    expect(diffTrees(snapshotTree(sequential, normalize), snapshotTree(ahead, normalize))).toEqual([]);
    expect(ops(aheadCtx.lines)).toEqual(ops(seqCtx.lines));
    expect(ops(aheadCtx.lines).length).toBeGreaterThan(40);
    expect(temps(ahead)).toEqual([]);
  });

  test('a file failing while later ones are opened ahead rolls everything back', async () => {
    setOpenAheadDepth(4);
    const root = prepared();
    // Plain files in a directory that exists before the run: the rollback would not remove temp
    // files left there, unlike those in directories the run made.
    mkdirSync(join(root, 'srv/flat'), { recursive: true });
    const before = snapshotTree(root);
    const outside = outsideManifest(root);
    let opened: string[] = [];
    const ctx = testContext(root, {
      readResource: async (resource) => {
        if (resource.source === text('flat 10\n')) {
          // Give the thread pool a moment to create the temp files of the next files, then fail.
          for (let k = 0; k < 200 && temps(join(root, 'srv/flat')).length < 4; k++) await new Promise((resolve) => setTimeout(resolve, 5));
          opened = temps(join(root, 'srv/flat'));
          throw Object.assign(new Error('read failed'), { code: 'EIO' });
        }
        return decodeResource(resource);
      },
    });
    const error = await failure(() => runFiles(root, { storage: storage() }, ctx));
    expect(error.message).toContain('read failed');
    expect(error.path).toEqual(['storage', 'files', 10]);
    // The temp file of the failing file and those of the files after it existed at the failure.
    expect(opened.length).toBeGreaterThan(1);
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
    expect(temps(root)).toEqual([]);
  });
});
