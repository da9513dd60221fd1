// Filesystem creation and reuse on sparse image files with the real mkfs tools and blkid
// (no root needed: both work on regular files). Results are read back with `blkid -p`.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ProvisionError } from '../../../src/report.ts';
import { toolsFromEnv } from '../../../src/system/distro.ts';
import { createFilesystem, matchesExisting, mkfsCommand } from '../../../src/stages/disks/filesystems.ts';
import type { FilesystemSpec } from '../../../src/stages/disks/spec.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { testContext } from './context.ts';
import { failure } from '../../helpers/failure.ts';
import { runSync } from '../../helpers/process.ts';

const PATH = ['storage', 'filesystems', 0];
const tools = toolsFromEnv();

describe('mkfsCommand', () => {
  test.each<{ fs: Omit<FilesystemSpec, 'device'>; argv: string[] }>([
    { fs: { format: 'ext4', label: 'root', uuid: 'U', options: ['-b', '4096'] }, argv: [tools.mkfsExt4, '-b', '4096', '-F', '-U', 'U', '-L', 'root', '/dev/x'] },
    { fs: { format: 'btrfs', uuid: 'U' }, argv: [tools.mkfsBtrfs, '--force', '-U', 'U', '/dev/x'] },
    { fs: { format: 'xfs', label: 'var', uuid: 'U' }, argv: [tools.mkfsXfs, '-f', '-m', 'uuid=U', '-L', 'var', '/dev/x'] },
    { fs: { format: 'swap', label: 's' }, argv: [tools.mkswap, '-f', '-L', 's', '/dev/x'] },
    { fs: { format: 'vfat', label: 'EFI', uuid: '1234-ABCD' }, argv: [tools.mkfsFat, '-i', '1234ABCD', '-n', 'EFI', '/dev/x'] },
    { fs: { format: 'ext4', label: '', uuid: '' }, argv: [tools.mkfsExt4, '-F', '/dev/x'] },
  ])('$fs.format $fs.label', ({ fs, argv }) => {
    const command = mkfsCommand(tools, { device: '/dev/x', ...fs }, '/dev/x');
    expect(command === undefined ? [] : [command[0], ...command[1]]).toEqual(argv);
  });

  test('none runs no mkfs', () => {
    expect(mkfsCommand(tools, { device: '/dev/x', format: 'none' }, '/dev/x')).toBeUndefined();
  });
});

describe('matchesExisting', () => {
  test.each([
    { name: 'same type, no label or uuid asked', fs: { format: 'ext4' }, found: { TYPE: 'ext4', LABEL: 'x' }, ok: true },
    { name: 'other type', fs: { format: 'ext4' }, found: { TYPE: 'xfs' }, ok: false },
    { name: 'label differs', fs: { format: 'ext4', label: 'a' }, found: { TYPE: 'ext4', LABEL: 'b' }, ok: false },
    { name: 'uuid case-insensitive', fs: { format: 'ext4', uuid: 'AB-CD' }, found: { TYPE: 'ext4', UUID: 'ab-cd' }, ok: true },
    { name: 'vfat serial without dash', fs: { format: 'vfat', uuid: '1234abcd' }, found: { TYPE: 'vfat', UUID: '1234-ABCD' }, ok: true },
    { name: 'none on a blank device', fs: { format: 'none' }, found: {}, ok: true },
    { name: 'none on a formatted device', fs: { format: 'none' }, found: { TYPE: 'ext4' }, ok: false },
  ])('$name', ({ fs, found, ok }) => {
    expect(matchesExisting({ device: '/dev/x', ...fs }, found as Record<string, string>)).toBe(ok);
  });
});

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-fs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function image(mib: number): string {
  const file = join(dir, 'fs.img');
  writeFileSync(file, '');
  truncateSync(file, mib * 1024 * 1024);
  return file;
}

function blkid(file: string): Record<string, string> {
  try {
    const out = runSync('blkid', ['-p', '-o', 'export', file], { check: true }).stdout;
    return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  } catch {
    return {};
  }
}

const FORMATS = [
  { format: 'ext4', tool: 'mkfs.ext4', mib: 16, label: 'root', uuid: '6e170389-d2de-4fc2-8529-fdcb567aef3b' },
  { format: 'xfs', tool: 'mkfs.xfs', mib: 300, label: 'var', uuid: '0b3b5e43-6c1d-4f43-9f0a-0a1c2d3e4f50' },
  { format: 'btrfs', tool: 'mkfs.btrfs', mib: 128, label: 'data', uuid: 'c5d0a3f6-2b4e-4f1a-8e7d-9a8b7c6d5e4f' },
  { format: 'vfat', tool: 'mkfs.fat', mib: 16, label: 'EFI', uuid: '1A2B-3C4D' },
  { format: 'swap', tool: 'mkswap', mib: 16, label: 'swap', uuid: 'aa4d2b1e-2f3c-4d5e-8f90-a1b2c3d4e5f6' },
];

describe.each(FORMATS)('$format on an image file', ({ format, tool, mib, label, uuid }) => {
  test.runIf(canRun(tool, hasCommand(tool)))('is created with its label and UUID, then reused as it is', async () => {
    const file = image(mib);
    const fs = { device: file, format, label, uuid };
    await createFilesystem(testContext(), fs, PATH);
    const made = blkid(file);
    expect(made).toMatchObject({ TYPE: format, LABEL: label });
    expect(made.UUID?.toLowerCase()).toBe(uuid.toLowerCase());

    const ctx = testContext();
    await createFilesystem(ctx, fs, PATH);
    expect(ctx.lines.some((l) => l.includes(`filesystem at "${file}" is already correctly formatted`))).toBe(true);
    expect(blkid(file)).toEqual(made);
  });
});

describe.runIf(canRun('mkfs.ext4', hasCommand('mkfs.ext4')))('reuse rules', () => {
  test('a different existing filesystem is refused without wipeFilesystem and the image is untouched', async () => {
    const file = image(16);
    runSync('mkfs.ext4', ['-q', '-L', 'keep', file], { check: true });
    const before = blkid(file);
    const error = await failure(() => createFilesystem(testContext(), { device: file, format: 'ext4', label: 'other' }, PATH));
    expect(error.code).toBe('FILESYSTEM_MISMATCH');
    expect(error.path).toEqual(PATH);
    expect(error.message).toBe(
      `filesystem at "${file}" is not of the correct type, label, or UUID (found ext4, "keep", ${before.UUID}) and a filesystem wipe was not requested`,
    );
    expect(blkid(file)).toEqual(before);
  });

  test('wipeFilesystem replaces whatever is there', async () => {
    const file = image(16);
    runSync('mkfs.ext4', ['-q', '-L', 'old', file], { check: true });
    await createFilesystem(testContext(), { device: file, format: 'vfat', label: 'NEW', wipeFilesystem: true }, PATH);
    expect(blkid(file)).toMatchObject({ TYPE: 'vfat', LABEL: 'NEW' });
  });

  test('format none wipes signatures only when asked, and refuses a filesystem otherwise', async () => {
    const file = image(16);
    runSync('mkfs.ext4', ['-q', file], { check: true });
    expect((await failure(() => createFilesystem(testContext(), { device: file, format: 'none' }, PATH))).code).toBe('FILESYSTEM_MISMATCH');
    await createFilesystem(testContext(), { device: file, format: 'none', wipeFilesystem: true }, PATH);
    expect(blkid(file)).toEqual({});
  });

  test('a failing mkfs is one error at the filesystem with the tool error as cause', async () => {
    const file = image(16);
    const error = await failure(() => createFilesystem(testContext(), { device: file, format: 'ext4', options: ['--no-such-option'] }, PATH));
    expect(error.code).toBe('DISKS_STEP_FAILED');
    expect(error.path).toEqual(PATH);
    expect(ProvisionError.is(error.cause)).toBe(true);
  });
});
