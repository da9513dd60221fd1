// Files, directories and links on temp roots: creation, appends, overwrite rules, owners and
// modes, processing order, conflicts after symlink chasing, and upstream's error messages.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { planNodes } from '../../../src/stages/files/nodes.ts';
import { canRun, isRoot } from '../../helpers/env.ts';
import { newRoot, removeRoots, runFiles, text } from './support/run.ts';

afterEach(removeRoots);

// Ownership needs chown; in CI this must run as root rather than skip.
const asRoot = canRun('root for chown in the files stage tests', isRoot);

const mode = (path: string): number => lstatSync(path).mode & 0o7777;

describe('files', () => {
  test('creates parents 0755 and the file 0644 with its contents', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/a/b/c.txt', contents: { source: text('hi\n') } }] } });
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('hi\n');
    expect([mode(join(root, 'a')), mode(join(root, 'a/b')), mode(join(root, 'a/b/c.txt'))]).toEqual([0o755, 0o755, 0o644]);
  });

  test('parents are 0755 even under a restrictive umask', async () => {
    const root = newRoot();
    const old = process.umask(0o077);
    try {
      await runFiles(root, { storage: { files: [{ path: '/u/m/f' }] } });
    } finally {
      process.umask(old);
    }
    expect([mode(join(root, 'u')), mode(join(root, 'u/m')), mode(join(root, 'u/m/f'))]).toEqual([0o755, 0o755, 0o644]);
  });

  test('contents and appends in order; append creates the file', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: {
        files: [
          { path: '/f1', contents: { source: text('a') }, append: [{ source: text('b') }, { source: text('c') }] },
          { path: '/f2', append: [{ source: text('only') }] },
        ],
      },
    });
    expect(readFileSync(join(root, 'f1'), 'utf8')).toBe('abc');
    expect(readFileSync(join(root, 'f2'), 'utf8')).toBe('only');
  });

  test('appending to an existing file keeps its owner and mode', async () => {
    const root = newRoot();
    chmodSync(join(root, 'etc/motd'), 0o600);
    await runFiles(root, { storage: { files: [{ path: '/etc/motd', append: [{ source: text('more\n') }] }] } });
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('welcome\nmore\n');
    expect(mode(join(root, 'etc/motd'))).toBe(0o600);
  });

  test('an existing file with a source and no overwrite is an error naming the path', async () => {
    const root = newRoot();
    await expect(runFiles(root, { storage: { files: [{ path: '/etc/hostname', contents: { source: text('x') } }] } })).rejects.toMatchObject({
      code: 'FILE_EXISTS',
      path: ['storage', 'files', 0],
      message: expect.stringContaining('A file exists there already and overwrite is false'),
    });
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('template\n');
  });

  test('a non-regular node is an error; overwrite replaces it', async () => {
    const root = newRoot();
    await expect(runFiles(root, { storage: { files: [{ path: '/srv/existing' }] } })).rejects.toMatchObject({ code: 'NON_REGULAR_FILE_EXISTS' });
    await runFiles(root, { storage: { files: [{ path: '/srv/existing', overwrite: true, contents: { source: text('now a file') } }] } });
    expect(readFileSync(join(root, 'srv/existing'), 'utf8')).toBe('now a file');
  });

  test('source null on an existing file keeps content and applies only the explicit mode', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/etc/hostname', mode: 0o640 }] } });
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('template\n');
    expect(mode(join(root, 'etc/hostname'))).toBe(0o640);
  });

  test('an empty source string is explicit empty content', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/etc/hostname', overwrite: true, contents: { source: '' } }] } });
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('');
  });

  test.runIf(asRoot)('set-id bits survive because the owner is set before the mode', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/usr/bin/tool', mode: 0o4755, user: { id: 2 }, group: { id: 3 }, contents: { source: text('x') } }] } });
    const st = statSync(join(root, 'usr/bin/tool'));
    expect(st.mode & 0o7777).toBe(0o4755);
    expect([st.uid, st.gid]).toEqual([2, 3]);
  });

  test.runIf(asRoot)('owner names come from the root, ids win over names', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: {
        files: [
          { path: '/o1', user: { name: 'olduser' }, group: { name: 'oldgroup' } },
          { path: '/o2', user: { id: 77, name: 'olduser' }, group: { id: 88 } },
        ],
      },
    });
    expect([statSync(join(root, 'o1')).uid, statSync(join(root, 'o1')).gid]).toEqual([1500, 1600]);
    expect([statSync(join(root, 'o2')).uid, statSync(join(root, 'o2')).gid]).toEqual([77, 88]);
  });

  test('unknown owner names fail with upstream wording', async () => {
    const root = newRoot();
    await expect(runFiles(root, { storage: { files: [{ path: '/x', user: { name: 'ghost' } }] } })).rejects.toMatchObject({
      code: 'NO_SUCH_USER',
      message: 'no such user "ghost"',
    });
    await expect(runFiles(root, { storage: { files: [{ path: '/y', group: { name: 'ghosts' } }] } })).rejects.toMatchObject({
      message: 'no such group "ghosts"',
    });
  });

  test('gzip resources are handed over decompressed by the context', async () => {
    const root = newRoot();
    const { gzipSync } = await import('node:zlib');
    const source = `data:;base64,${gzipSync(Buffer.from('zipped')).toString('base64')}`;
    await runFiles(root, { storage: { files: [{ path: '/z', contents: { source, compression: 'gzip' } }] } });
    expect(readFileSync(join(root, 'z'), 'utf8')).toBe('zipped');
  });

  test('no temp files are left behind', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/etc/t1', contents: { source: text('1') } }, { path: '/etc/motd', append: [{ source: text('2') }] }] } });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(root, 'etc')).filter((n) => n.startsWith('.kindling'))).toEqual([]);
  });
});

describe('directories', () => {
  test('created 0755 then the explicit mode; existing ones keep their mode', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { directories: [{ path: '/d/new', mode: 0o700 }, { path: '/srv/existing' }, { path: '/d/plain' }] } });
    expect(mode(join(root, 'd/new'))).toBe(0o700);
    expect(mode(join(root, 'd/plain'))).toBe(0o755);
    expect(mode(join(root, 'srv/existing'))).toBe(0o750);
  });

  test('a file in the way is an error unless overwrite', async () => {
    const root = newRoot();
    await expect(runFiles(root, { storage: { directories: [{ path: '/etc/motd' }] } })).rejects.toMatchObject({
      code: 'NON_DIRECTORY_EXISTS',
      message: expect.stringContaining('A non-directory already exists and overwrite is false'),
    });
    await runFiles(root, { storage: { directories: [{ path: '/etc/motd', overwrite: true }] } });
    expect(lstatSync(join(root, 'etc/motd')).isDirectory()).toBe(true);
  });
});

describe('links', () => {
  test('symlink targets are stored verbatim; an equal existing link is accepted', async () => {
    const root = newRoot();
    symlinkSync('/opt/../usr/share/zoneinfo/UTC', join(root, 'etc/localtime'));
    await runFiles(root, { storage: { links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }, { path: '/rel', target: '../x/./y' }] } });
    expect(readlinkSync(join(root, 'etc/localtime'))).toBe('/opt/../usr/share/zoneinfo/UTC');
    expect(readlinkSync(join(root, 'rel'))).toBe('../x/./y');
  });

  test('a different node is an error unless overwrite', async () => {
    const root = newRoot();
    await expect(runFiles(root, { storage: { links: [{ path: '/etc/hostname', target: '/x' }] } })).rejects.toMatchObject({ code: 'LINK_EXISTS' });
    await runFiles(root, { storage: { links: [{ path: '/etc/hostname', target: '/x', overwrite: true }] } });
    expect(readlinkSync(join(root, 'etc/hostname'))).toBe('/x');
  });

  test('hard links resolve their target inside the root and may point at deeper files', async () => {
    const root = newRoot();
    await runFiles(root, {
      storage: {
        links: [{ path: '/h', target: '/deep/er/file', hard: true }],
        files: [{ path: '/deep/er/file', contents: { source: text('same inode') } }],
      },
    });
    expect(statSync(join(root, 'h')).ino).toBe(statSync(join(root, 'deep/er/file')).ino);
    await runFiles(root, { storage: { links: [{ path: '/h', target: '/deep/er/file', hard: true }] } });
  });

  test.runIf(asRoot)('symlink owners are set on the link, not its target', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { links: [{ path: '/l', target: '/etc/motd', user: { id: 5 }, group: { id: 6 } }] } });
    expect([lstatSync(join(root, 'l')).uid, lstatSync(join(root, 'l')).gid]).toEqual([5, 6]);
    expect(statSync(join(root, 'etc/motd')).uid).toBe(0);
  });
});

describe('order and conflicts', () => {
  test('shallowest first, hard links last, stable within a depth', () => {
    const plan = planNodes({
      files: [{ path: '/a/b/c' }, { path: '/z' }],
      directories: [{ path: '/a/b' }, { path: '/a' }],
      links: [{ path: '/h', target: '/a/b/c', hard: true }, { path: '/s', target: 'x' }],
    });
    expect(plan.map((p) => p.entry.path)).toEqual(['/z', '/a', '/s', '/a/b', '/a/b/c', '/h']);
  });

  test('two entries resolving to one place fail with upstream wording', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'real'));
    symlinkSync('/real', join(root, 'alias'));
    await expect(runFiles(root, { storage: { files: [{ path: '/real/f' }, { path: '/alias/f' }] } })).rejects.toMatchObject({
      code: 'RESOLVED_CONFLICT',
      path: ['storage', 'files', 1],
      message: expect.stringContaining('after symlink chasing, but another entry with path /real/f also resolves there'),
    });
    expect(existsSync(join(root, 'real/f'))).toBe(false);
  });

  test('files land where the root\'s own symlinks point', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/lib/x.conf', contents: { source: text('lib') } }, { path: '/usr/local/etc/y', contents: { source: text('etc') } }] } });
    expect(readFileSync(join(root, 'usr/lib/x.conf'), 'utf8')).toBe('lib');
    expect(readFileSync(join(root, 'etc/y'), 'utf8')).toBe('etc');
  });
});
