// `kindling apply` through the built executable: a config the plan step rejects exits 1 naming the
// entry's JSON path, and a run that fails at its last step (setfiles) exits 1; both leave the
// root's manifest as it was, and the same apply on the same root then succeeds.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand, isRoot } from '../helpers/env.ts';
import { diffTrees, outsideManifest, snapshotTree } from '../helpers/manifest.ts';
import { run } from '../helpers/process.ts';
import { makeTemplateRoot } from '../stages/files/support/template-root.ts';

const BUNDLE = resolve(import.meta.dirname, '../../dist/esm/kindling.js');
const runnable = canRun('root and useradd for kindling apply on a root', isRoot && hasCommand('useradd'));
const text = (s: string): string => `data:,${encodeURIComponent(s)}`;

let work: string;

beforeAll(async () => {
  if (!runnable) return;
  if (!existsSync(BUNDLE)) await run('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '../..') });
  work = mkdtempSync(join(tmpdir(), 'kindling-apply-rollback-'));
});
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function scene(name: string, config: object): { root: string; file: string } {
  const dir = join(work, name);
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  makeTemplateRoot(root);
  const file = join(work, `${name}.ign`);
  writeFileSync(file, JSON.stringify({ ignition: { version: '3.4.0' }, ...config }));
  return { root, file };
}

const apply = (root: string, file: string, env: Record<string, string> = {}) => run(process.execPath, [BUNDLE, 'apply', '-root', root, file], { env });

describe.runIf(runnable)('kindling apply is all or nothing', () => {
  test('a conflict the plan step finds: exit 1 with the JSON path, nothing written', async () => {
    const { root, file } = scene('plan', {
      passwd: { users: [{ name: 'core' }] },
      storage: { files: [{ path: '/etc/ok', contents: { source: text('ok\n') } }, { path: '/etc/hostname', contents: { source: text('x\n') } }] },
    });
    const before = snapshotTree(root);
    const outside = outsideManifest(root);
    const result = await apply(root, file);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('files failed: error at $.storage.files.1: error creating file');
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
  });

  test('a failure at the last step: exit 1, rolled back; the same apply then succeeds', async () => {
    const { root, file } = scene('late', {
      passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA core'] }] },
      storage: { files: [{ path: '/etc/motd', append: [{ source: text('more\n') }] }], directories: [{ path: '/srv/existing', overwrite: true }] },
    });
    const before = snapshotTree(root);
    const failed = await apply(root, file, { KINDLING_SELINUX_RELABEL: 'true', KINDLING_SETFILES: 'false' });
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(failed.stderr).toContain('files failed:');
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    const done = await apply(root, file);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(existsSync(join(root, 'home/core/.ssh/authorized_keys.d/ignition'))).toBe(true);
    expect(existsSync(join(root, 'etc/.kindling-files-journal'))).toBe(false);
  });
});
