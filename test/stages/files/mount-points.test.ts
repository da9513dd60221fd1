// Mount points the mount stage created (ctx.previous.createdDirectories) inside a configured
// user's home become that user's, mode 0700, after real useradd --root runs; everything else the
// mount stage made stays root's, and storage.directories entries still have the last word.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { insideHome } from '../../../src/stages/files/mount-points.ts';
import type { PasswdUser } from '../../../src/stages/context.ts';
import { canRun, hasCommand, isRoot } from '../../helpers/env.ts';
import { testContext, type TestContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles } from './support/run.ts';

afterEach(removeRoots);

test('insideHome: the home itself and what lies below it, not a sibling sharing the prefix', () => {
  expect(insideHome('/r', '/r/home/core', ['/home', '/home/core', '/home/core/data', '/home/corey', '/srv/core'])).toEqual([
    '/r/home/core',
    '/r/home/core/data',
  ]);
});

/** What the mount stage leaves behind: directories 0755 root:root, recorded relative to the root. */
function mountStageMade(root: string, dirs: string[]): string[] {
  for (const dir of dirs) {
    mkdirSync(join(root, dir));
    chmodSync(join(root, dir), 0o755);
  }
  return dirs;
}

function withCreated(root: string, createdDirectories: string[]): TestContext {
  return { ...testContext(root), previous: { luks: [], createdDirectories } };
}

const info = (path: string): [number, number, number] => {
  const s = lstatSync(path);
  return [s.mode & 0o7777, s.uid, s.gid];
};

const realTools = canRun('root and shadow-utils for useradd --root', isRoot && hasCommand('useradd'));

describe.runIf(realTools)('mount points in homes', () => {
  const core: PasswdUser = { name: 'core', uid: 1200 };

  test('a new user gets the mount points in their home, 0700; other mount points stay root 0755', async () => {
    const root = newRoot();
    const created = mountStageMade(root, ['/home/core', '/home/core/data', '/home/core/data/deep', '/srv/media', '/home/olduser/cache']);
    await runFiles(root, { passwd: { users: [core] } }, withCreated(root, created));
    expect(info(join(root, 'home/core'))).toEqual([0o700, 1200, 1200]);
    expect(info(join(root, 'home/core/data'))).toEqual([0o700, 1200, 1200]);
    expect(info(join(root, 'home/core/data/deep'))).toEqual([0o700, 1200, 1200]);
    expect(info(join(root, 'srv/media'))).toEqual([0o755, 0, 0]);
    // olduser exists in the root but is not in the config: upstream fixes only users it ensures.
    expect(info(join(root, 'home/olduser/cache'))).toEqual([0o755, 0, 0]);
    expect(info(join(root, 'home'))).toEqual([0o755, 0, 0]);
  });

  test('an existing user with a home elsewhere gets only what lies in that home', async () => {
    const root = newRoot();
    const created = mountStageMade(root, ['/home/olduser/cache', '/home/core']);
    await runFiles(root, { passwd: { users: [{ name: 'olduser' }] } }, withCreated(root, created));
    expect(info(join(root, 'home/olduser/cache'))).toEqual([0o700, 1500, 1500]);
    expect(info(join(root, 'home/core'))).toEqual([0o755, 0, 0]);
  });

  test('a storage.directories entry for the mount point overrides the default', async () => {
    const root = newRoot();
    const created = mountStageMade(root, ['/home/core', '/home/core/shared']);
    await runFiles(
      root,
      { passwd: { users: [core] }, storage: { directories: [{ path: '/home/core/shared', mode: 0o750, group: { id: 100 } }] } },
      withCreated(root, created),
    );
    expect(info(join(root, 'home/core/shared'))).toEqual([0o750, 1200, 100]);
  });
});
