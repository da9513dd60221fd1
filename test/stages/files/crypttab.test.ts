// crypttab lines and LUKS key files from what the disks stage handed over (ctx.previous): the line
// for each kind of volume, key file and directory modes, appends to an existing crypttab, keys
// that never reach the log, and a rerun after a failure that neither appends twice nor trips
// over its own key files.
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { crypttabLine, type CrypttabLuks } from '../../../src/stages/files/crypttab.ts';
import { filesStage } from '../../../src/stages/files/index.ts';
import type { LuksRecord } from '../../../src/stages/context.ts';
import { testContext, type TestContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles } from './support/run.ts';

afterEach(removeRoots);

const UUID = '0b6d7a8c-4f1e-4c35-9a51-6a8f3d2e1c90';

describe('crypttab line', () => {
  test.each<{ name: string; luks: CrypttabLuks; line: string }>([
    { name: 'key file', luks: { name: 'data' }, line: `data UUID=${UUID} /etc/luks/data luks\n` },
    { name: 'empty clevis block', luks: { name: 'data', clevis: {} }, line: `data UUID=${UUID} /etc/luks/data luks\n` },
    { name: 'tang', luks: { name: 'net', clevis: { tang: [{ url: 'http://tang' }] } }, line: `net UUID=${UUID} none luks,_netdev\n` },
    { name: 'tpm2', luks: { name: 'tpm', clevis: { tpm2: true } }, line: `tpm UUID=${UUID} none luks\n` },
    { name: 'tpm2 and tang', luks: { name: 'both', clevis: { tpm2: true, tang: [{ url: 'http://tang' }] } }, line: `both UUID=${UUID} none luks,_netdev\n` },
    {
      name: 'custom pin needing the network',
      luks: { name: 'c', clevis: { custom: { pin: 'sss', needsNetwork: true } } },
      line: `c UUID=${UUID} none luks,_netdev\n`,
    },
    { name: 'custom pin offline', luks: { name: 'c', clevis: { custom: { pin: 'tpm2', needsNetwork: false } } }, line: `c UUID=${UUID} none luks\n` },
    // Persisted in the LUKS2 header by luksOpen --persistent, so they add nothing here.
    { name: 'discard and openOptions', luks: { name: 'd', discard: true, openOptions: ['--perf-no_read_workqueue'] } as CrypttabLuks, line: `d UUID=${UUID} /etc/luks/d luks\n` },
  ])('$name', ({ luks, line }) => {
    expect(crypttabLine(luks, UUID)).toBe(line);
  });
});

const KEY = Buffer.from('not-a-real-secret-but-unique-9f3c1');
const KEY_B64 = KEY.toString('base64');

function withPrevious(root: string, luks: LuksRecord[], options: Parameters<typeof testContext>[1] = {}): TestContext {
  return { ...testContext(root, options), previous: { luks, createdDirectories: [] } };
}

const mode = (path: string): number => lstatSync(path).mode & 0o7777;

async function failure(run: () => Promise<unknown>): Promise<{ code?: string; path?: unknown; message: string }> {
  try {
    await run();
  } catch (error) {
    return error as { code?: string; path?: unknown; message: string };
  }
  throw new Error('expected the stage to fail');
}

describe('files stage', () => {
  test('key files 0600 in a new 0700 /etc/luks, lines appended to the existing crypttab, no key in the log', async () => {
    const root = newRoot();
    writeFileSync(join(root, 'etc/crypttab'), '# existing\nold UUID=1 none luks\n');
    chmodSync(join(root, 'etc/crypttab'), 0o644);
    const ctx = withPrevious(root, [
      { name: 'data', uuid: UUID, key: KEY_B64 },
      { name: 'net', uuid: 'f00d' },
    ]);
    await runFiles(root, { storage: { luks: [{ name: 'data' }, { name: 'net', clevis: { tang: [{ url: 'http://tang' }] } }] } }, ctx);

    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(
      `# existing\nold UUID=1 none luks\ndata UUID=${UUID} /etc/luks/data luks\nnet UUID=f00d none luks,_netdev\n`,
    );
    expect(mode(join(root, 'etc/crypttab'))).toBe(0o600);
    expect(mode(join(root, 'etc/luks'))).toBe(0o700);
    expect(readFileSync(join(root, 'etc/luks/data'))).toEqual(KEY);
    expect(mode(join(root, 'etc/luks/data'))).toBe(0o600);
    // A clevis volume's key was removed from the header by the disks stage; nothing to keep.
    expect(() => lstatSync(join(root, 'etc/luks/net'))).toThrow();
    const log = ctx.lines.join('\n');
    expect(log).toContain('/etc/luks/data');
    expect(log).not.toContain(KEY_B64);
    expect(log).not.toContain(KEY.toString());
  });

  test('a new crypttab is 0600; only clevis volumes create no /etc/luks', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { luks: [{ name: 'tpm', clevis: { tpm2: true } }] } }, withPrevious(root, [{ name: 'tpm', uuid: UUID }]));
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(`tpm UUID=${UUID} none luks\n`);
    expect(mode(join(root, 'etc/crypttab'))).toBe(0o600);
    expect(() => lstatSync(join(root, 'etc/luks'))).toThrow();
  });

  test('an existing /etc/luks keeps its mode', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'etc/luks'));
    chmodSync(join(root, 'etc/luks'), 0o750);
    await runFiles(root, { storage: { luks: [{ name: 'data' }] } }, withPrevious(root, [{ name: 'data', uuid: UUID, key: KEY_B64 }]));
    expect(mode(join(root, 'etc/luks'))).toBe(0o750);
    expect(readFileSync(join(root, 'etc/luks/data'))).toEqual(KEY);
  });

  test('no luks entries: no crypttab at all', async () => {
    const root = newRoot();
    await runFiles(root, { storage: { files: [{ path: '/etc/x', contents: { source: 'data:,x' } }] } }, withPrevious(root, [{ name: 'stale', uuid: UUID, key: KEY_B64 }]));
    expect(() => lstatSync(join(root, 'etc/crypttab'))).toThrow();
  });

  test('a key file already in the root fails, blaming the luks entry, as upstream without overwrite', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'etc/luks'));
    writeFileSync(join(root, 'etc/luks/data'), 'someone else');
    const error = await failure(() =>
      runFiles(root, { storage: { luks: [{ name: 'data' }] } }, withPrevious(root, [{ name: 'data', uuid: UUID, key: KEY_B64 }])),
    );
    expect(error).toMatchObject({ code: 'FILE_EXISTS', path: ['storage', 'luks', 0] });
    expect(readFileSync(join(root, 'etc/luks/data'), 'utf8')).toBe('someone else');
  });

  test.each([
    { name: 'no record of the volume', records: [] as LuksRecord[], code: 'LUKS_NOT_RECORDED', message: 'no record of luks device "data"' },
    { name: 'no key for a volume without clevis', records: [{ name: 'data', uuid: UUID }], code: 'LUKS_KEY_NOT_RECORDED', message: 'no key for luks device "data"' },
  ])('$name: the stage fails instead of probing devices', async ({ records, code, message }) => {
    const root = newRoot();
    const error = await failure(() => runFiles(root, { storage: { luks: [{ name: 'data' }] } }, withPrevious(root, records)));
    expect(error).toMatchObject({ code, path: ['storage', 'luks', 0] });
    expect(error.message).toContain(message);
    expect(() => lstatSync(join(root, 'etc/crypttab'))).toThrow();
  });

  test('the keys leave the state: the stage hands back the volumes without them', async () => {
    const root = newRoot();
    const outputs = await filesStage(
      { ignition: { version: '3.7.0-experimental' }, storage: { luks: [{ name: 'data' }] } },
      withPrevious(root, [{ name: 'data', uuid: UUID, key: KEY_B64 }]),
    );
    expect(outputs).toEqual({ luks: [{ name: 'data', uuid: UUID }] });
  });

  test('a run failing after the crypttab step rolls crypttab and the key file back; the rerun appends once', async () => {
    const root = newRoot();
    writeFileSync(join(root, 'etc/crypttab'), 'old UUID=1 none luks\n');
    const body = { storage: { luks: [{ name: 'data' }] } };
    const records = [{ name: 'data', uuid: UUID, key: KEY_B64 }];
    // The SELinux relabel runs last; a setfiles that exits non-zero fails the stage there.
    const ctx = withPrevious(root, records, { distro: { selinuxRelabel: true } });
    ctx.tools.setfiles = 'false';
    const first = await failure(() => runFiles(root, body, ctx));
    expect(first.message).toContain('failed to run "false" "-vF0"');
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe('old UUID=1 none luks\n');
    expect(() => lstatSync(join(root, 'etc/luks'))).toThrow();

    await runFiles(root, body, withPrevious(root, records));
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(`old UUID=1 none luks\ndata UUID=${UUID} /etc/luks/data luks\n`);
    expect(readFileSync(join(root, 'etc/luks/data'))).toEqual(KEY);
  });

  test('a crypttab that is a directory fails in the plan step: no key file is written', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'etc/crypttab'));
    const body = { storage: { luks: [{ name: 'data' }] } };
    const records = [{ name: 'data', uuid: UUID, key: KEY_B64 }];
    const first = await failure(() => runFiles(root, body, withPrevious(root, records)));
    expect(first).toMatchObject({ code: 'NON_REGULAR_FILE_EXISTS', path: ['storage', 'luks'] });
    expect(() => lstatSync(join(root, 'etc/luks'))).toThrow();
    rmSync(join(root, 'etc/crypttab'), { recursive: true });

    await runFiles(root, body, withPrevious(root, records));
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(`data UUID=${UUID} /etc/luks/data luks\n`);
  });
});
