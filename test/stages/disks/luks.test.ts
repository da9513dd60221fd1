// LUKS header creation and the reuse rules on a plain image file with the real cryptsetup
// (formatting needs no device-mapper; opening does, and is covered in test/privileged/).
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { clevisBinding, createLuks, luksFormatArgs, luksOpenArgs, prepareVolume, usesClevis } from '../../../src/stages/disks/luks.ts';
import type { LuksSpec } from '../../../src/stages/disks/spec.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { testContext } from './context.ts';
import { failure } from '../../helpers/failure.ts';
import { runSync } from '../../helpers/process.ts';

const PATH = ['storage', 'luks', 0];
// Cheap key derivation keeps each luksFormat well under a second.
const FAST = ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'];

describe('command lines', () => {
  test('luksFormat: LUKS2 with key file, label, UUID, then the extra options', () => {
    const luks: LuksSpec = { name: 'root', device: '/dev/x', label: 'l', uuid: 'u', options: ['--cipher', 'aes-xts-plain64'] };
    expect(luksFormatArgs(luks, '/k', '/dev/x')).toEqual([
      'luksFormat', '--type', 'luks2', '--batch-mode', '--key-file', '/k', '--label', 'l', '--uuid', 'u', '--cipher', 'aes-xts-plain64', '/dev/x',
    ]);
  });

  test('luksOpen: persistent, discards when asked, then openOptions', () => {
    const luks: LuksSpec = { name: 'root', device: '/dev/x', discard: true, openOptions: ['--perf-no_read_workqueue'] };
    expect(luksOpenArgs(luks, '/k', '/dev/x')).toEqual([
      'luksOpen', '/dev/x', 'root', '--key-file', '/k', '--persistent', '--allow-discards', '--perf-no_read_workqueue',
    ]);
  });
});

describe('clevis', () => {
  test.each([
    { name: 'nothing', clevis: {}, uses: false },
    { name: 'empty custom pin', clevis: { custom: { pin: '' } }, uses: false },
    { name: 'tpm2', clevis: { tpm2: true }, uses: true },
    { name: 'tang', clevis: { tang: [{ url: 'http://t' }] }, uses: true },
  ])('usesClevis: $name', ({ clevis, uses }) => {
    expect(usesClevis(clevis)).toBe(uses);
  });

  test('sss config in upstream key order, thp and adv only when set, tang omitted with tpm2 alone', () => {
    expect(clevisBinding({ tang: [{ url: 'http://a', thumbprint: 'T', advertisement: '{"k":1}' }, { url: 'http://b' }], threshold: 2 })).toEqual({
      pin: 'sss',
      config: '{"pins":{"tang":[{"url":"http://a","thp":"T","adv":{"k":1}},{"url":"http://b"}]},"t":2}',
    });
    expect(clevisBinding({ tpm2: true })).toEqual({ pin: 'sss', config: '{"pins":{"tpm2":{}},"t":1}' });
    expect(clevisBinding({ tpm2: true, tang: [{ url: 'http://a' }] }).config).toBe('{"pins":{"tang":[{"url":"http://a"}],"tpm2":{}},"t":1}');
    expect(clevisBinding({ custom: { pin: 'tpm2', config: '{"pcr_ids":"7"}' } })).toEqual({ pin: 'tpm2', config: '{"pcr_ids":"7"}' });
  });
});

let dir = '';
let image = '';
let key = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-luks-'));
  image = join(dir, 'luks.img');
  writeFileSync(image, '');
  truncateSync(image, 32 * 1024 * 1024);
  key = join(dir, 'key');
  writeFileSync(key, 'secret key material');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function dump(): string {
  return runSync('cryptsetup', ['luksDump', image], { check: true }).stdout;
}

describe.runIf(canRun('cryptsetup', hasCommand('cryptsetup')))('preparing a volume on an image file', () => {
  const spec = (extra: Partial<LuksSpec> = {}): LuksSpec => ({
    name: 'v',
    device: image,
    label: 'secret',
    uuid: '3f1c9b7e-4a2d-4e5f-8a6b-7c8d9e0f1a2b',
    options: FAST,
    ...extra,
  });

  test('formats LUKS2 with label and UUID that the key opens, then reuses it as is', async () => {
    expect(await prepareVolume(testContext(), spec(), image, key, true, PATH)).toBe('formatted');
    const header = dump();
    expect(header).toMatch(/^Version:\s+2$/m);
    expect(header).toMatch(/^Label:\s+secret$/m);
    expect(header).toMatch(/^UUID:\s+3f1c9b7e-4a2d-4e5f-8a6b-7c8d9e0f1a2b$/m);
    runSync('cryptsetup', ['luksOpen', '--test-passphrase', '--key-file', key, image], { check: true });

    expect(await prepareVolume(testContext(), spec(), image, key, true, PATH)).toBe('reused');
    expect(dump()).toBe(header);
  });

  test.each([
    { name: 'another label', extra: { label: 'other' }, mayReuse: true, keyText: 'secret key material' },
    { name: 'a wrong key', extra: {}, mayReuse: true, keyText: 'not the key' },
    { name: 'a discard flag the header lacks', extra: { discard: true }, mayReuse: true, keyText: 'secret key material' },
    { name: 'no key file or clevis', extra: {}, mayReuse: false, keyText: 'secret key material' },
  ])('an existing volume with $name is refused and left alone', async ({ extra, mayReuse, keyText }) => {
    await prepareVolume(testContext(), spec(), image, key, true, PATH);
    const header = dump();
    const other = join(dir, 'other-key');
    writeFileSync(other, keyText);
    const error = await failure(() => prepareVolume(testContext(), spec(extra), image, other, mayReuse, PATH));
    expect(error.code).toBe('LUKS_WRONG_TYPE');
    expect(error.path).toEqual(PATH);
    expect(dump()).toBe(header);
  });

  test('a filesystem is refused without wipeVolume and replaced with it', async () => {
    runSync('mkfs.ext4', ['-q', image], { check: true });
    const error = await failure(() => prepareVolume(testContext(), spec(), image, key, true, PATH));
    expect(error.message).toBe(`volume at "${image}" is not of the correct type (found ext4) and a volume wipe was not requested`);
    expect(await prepareVolume(testContext(), spec({ wipeVolume: true }), image, key, true, PATH)).toBe('formatted');
    expect(dump()).toMatch(/^Label:\s+secret$/m);
  });
});

describe('volumes Kindling refuses before touching the device', () => {
  test('cex secure keys', async () => {
    const ctx = { ...testContext(), hasClevis: async () => true };
    const error = await failure(() => createLuks(ctx, { name: 'c', device: image, cex: { enabled: true } }, PATH));
    expect([error.code, error.path]).toEqual(['LUKS_CEX_UNSUPPORTED', [...PATH, 'cex']]);
  });

  test('clevis when clevis is not installed', async () => {
    const ctx = { ...testContext(), hasClevis: async () => false };
    const error = await failure(() => createLuks(ctx, { name: 'c', device: image, clevis: { tpm2: true } }, PATH));
    expect([error.code, error.path]).toEqual(['CLEVIS_NOT_INSTALLED', [...PATH, 'clevis']]);
    const bytes = readFileSync(image);
    expect(bytes.equals(Buffer.alloc(bytes.length))).toBe(true);
  });
});
