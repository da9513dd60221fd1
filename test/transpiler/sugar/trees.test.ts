// storage.trees against real directories: empty directories, file types, ordering.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { transpile } from '../../../transpiler/index.ts';
import { runSync } from '../../helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindling-trees-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trees', () => {
  test('empty directories produce nothing before 1.7, and entries come in lexical order', () => {
    const files = join(dir, 'ordered');
    mkdirSync(join(files, 'tree/empty'), { recursive: true });
    mkdirSync(join(files, 'tree/b'), { recursive: true });
    writeFileSync(join(files, 'tree/b/z'), 'z');
    writeFileSync(join(files, 'tree/a'), 'a');
    writeFileSync(join(files, 'tree/B'), 'B');
    const r = transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  trees:\n    - local: tree\n', { filesDir: files });
    expect(r.report).toEqual([]);
    const config = r.config as { storage: { files: { path: string }[]; directories?: unknown } };
    expect(config.storage.files.map((f) => f.path)).toEqual(['/B', '/a', '/b/z']);
    expect(config.storage.directories).toBeUndefined();
  });

  test('1.7 with dir_mode emits every directory including the root and empty ones', () => {
    const files = join(dir, 'ordered');
    const r = transpile('variant: fcos\nversion: 1.7.0\nstorage:\n  trees:\n    - local: tree\n      path: /srv\n      dir_mode: 0700\n', { filesDir: files });
    const config = r.config as { storage: { directories: { path: string; mode: number }[] } };
    expect(config.storage.directories).toEqual([
      { path: '/srv', mode: 0o700 },
      { path: '/srv/b', mode: 0o700 },
      { path: '/srv/empty', mode: 0o700 },
    ]);
  });

  test.runIf(canRun('mkfifo', hasCommand('mkfifo')))('special files are rejected', () => {
    const files = join(dir, 'fifo');
    mkdirSync(join(files, 'tree'), { recursive: true });
    runSync('mkfifo', [join(files, 'tree/pipe')], { check: true });
    const r = transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  trees:\n    - local: tree\n', { filesDir: files });
    expect(r.error?.code).toBe('BUTANE_SOURCE_INVALID');
    expect(r.report.map((e) => [e.code, e.path, e.pos])).toEqual([['TREE_BAD_FILE_TYPE', ['storage', 'trees', 0], { line: 5, col: 7 }]]);
  });
});
