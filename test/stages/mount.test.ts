// The mount and umount stages without root: the checks that run before any mount command.
// Real mounts are covered in test/privileged/mount.test.ts.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { runMount } from '../../src/stages/mount.ts';
import { umountStage } from '../../src/stages/umount.ts';
import { testContext } from './disks/context.ts';
import { failure } from '../helpers/failure.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kindling-mount-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function config(filesystems: Record<string, unknown>[]): Config {
  return { ignition: { version: '3.7.0-experimental' }, storage: { filesystems } } as Config;
}

test.each([
  { name: 'a symlink', make: () => symlinkSync('/tmp', join(root, 'var')) },
  { name: 'a regular file', make: () => writeFileSync(join(root, 'var'), '') },
])('$name in the mount path fails before anything is mounted', async ({ make }) => {
  mkdirSync(join(root, 'srv'));
  make();
  const ctx = testContext(root);
  const error = await failure(() =>
    runMount(
      config([
        { device: '/dev/null', format: 'ext4', path: '/var/lib' },
        { device: '/dev/null', format: 'swap', path: '/var' },
      ]),
      ctx,
    ),
  );
  expect([error.code, error.path, error.message]).toEqual([
    'MOUNT_NON_DIRECTORY',
    ['storage', 'filesystems', 0, 'path'],
    'mount path "/var/lib" contains non-directory component "/var"',
  ]);
  expect(ctx.lines.some((l) => l.includes('executing'))).toBe(false);
});

test('nothing to mount: no filesystems with a mountable format and a path', async () => {
  const ctx = testContext(root);
  const outcome = await runMount(config([{ device: '/dev/x', format: 'swap', path: '/swap' }, { device: '/dev/y', format: 'ext4' }]), ctx);
  expect(outcome.createdDirectories).toEqual([]);
  expect(ctx.lines).toEqual([]);
});

test('umount of filesystems that are not mounted runs no command and succeeds', async () => {
  const ctx = testContext(root);
  await umountStage(config([{ device: '/dev/x', format: 'ext4', path: '/var' }]), ctx);
  expect(ctx.lines.some((l) => l.includes('is not mounted'))).toBe(true);
  expect(ctx.lines.some((l) => l.includes('executing'))).toBe(false);
});
