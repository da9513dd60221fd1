// Stage outputs handed from one runner invocation to the next through the state file: LUKS
// volumes (UUID and key) from the disks stage to the files stage's crypttab, and mount points the
// mount stage created to the files stage, which gives those in a home to their user.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { StageName } from '../../src/engine/options.ts';
import { runStage } from '../../src/engine/run.ts';
import { scratchOptions } from './support.ts';
import { memorySink } from '../../src/system/log.ts';
import { canRun, hasCommand, isRoot, kernelHas } from '../helpers/env.ts';
import { attach, cleanUp, dmAvailable, loopAvailable, makeImage, newScratch, uniqueTag, type Scratch } from '../privileged/loop.ts';
import { makeTemplateRoot } from '../stages/files/support/template-root.ts';
import { runSync } from '../helpers/process.ts';

let scratch: Scratch;
let root = '';
beforeEach(() => {
  scratch = newScratch();
  root = join(scratch.dir, 'sysroot');
  mkdirSync(root);
  makeTemplateRoot(root);
});
afterEach(() => cleanUp(scratch));

const stateFile = (): string => join(scratch.dir, 'run', 'ignition', 'state');
const readState = (): Record<string, unknown> => JSON.parse(readFileSync(stateFile(), 'utf8')) as Record<string, unknown>;

async function stage(name: StageName, config: unknown): Promise<{ lines: string[]; error?: unknown }> {
  const configFile = join(scratch.dir, 'config.ign');
  writeFileSync(configFile, JSON.stringify(config));
  const { sink, lines } = memorySink();
  const options = scratchOptions(scratch.dir, name, { root });
  try {
    await runStage(options, { sink });
    return { lines };
  } catch (error) {
    return { lines, error };
  }
}

const KEY = 'handoff-key-material-5e1d';
const dataUrl = (text: string): string => `data:,${encodeURIComponent(text)}`;

describe('disks -> files through a state file written as the disks stage leaves it', () => {
  test('crypttab and key file from the recorded volumes; the keys leave the state afterwards', async () => {
    const uuid = '3f1c2b7a-9d0e-4c55-8a61-2b7e0c9d4f13';
    const config = {
      ignition: { version: '3.4.0' },
      storage: {
        luks: [
          { name: 'data', device: '/dev/disk/by-partlabel/data', keyFile: { source: dataUrl(KEY) }, discard: true },
          { name: 'net', device: '/dev/disk/by-partlabel/net', clevis: { tang: [{ url: 'http://tang.example', thumbprint: 'abc' }] } },
        ],
      },
    };
    expect((await stage('fetch', config)).error).toBeUndefined();
    // The disks stage needs device-mapper to open the volumes; its outputs are written by hand
    // here in the engine's format (the real disks -> files run is below, where dm exists).
    const fetched = readState();
    writeFileSync(
      stateFile(),
      JSON.stringify({ ...fetched, luks: [{ name: 'data', uuid, key: Buffer.from(KEY).toString('base64') }, { name: 'net', uuid: 'f00d-net' }] }),
      { mode: 0o600 },
    );

    const files = await stage('files', config);
    expect(files.error).toBeUndefined();
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(`data UUID=${uuid} /etc/luks/data luks\nnet UUID=f00d-net none luks,_netdev\n`);
    expect(readFileSync(join(root, 'etc/luks/data'), 'utf8')).toBe(KEY);
    expect(statSync(join(root, 'etc/luks/data')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'etc/luks')).mode & 0o777).toBe(0o700);
    expect(files.lines.join('\n')).not.toContain(KEY);

    const after = readState();
    expect(after.luks).toEqual([{ name: 'data', uuid }, { name: 'net', uuid: 'f00d-net' }]);
    expect(after.fetchedConfigs).toEqual(fetched.fetchedConfigs);
    expect(after.resources).toEqual(fetched.resources);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(stateFile(), 'utf8')).not.toContain(Buffer.from(KEY).toString('base64'));
  });

  test('a files stage without the disks stage\'s record fails before writing crypttab', async () => {
    const config = { ignition: { version: '3.4.0' }, storage: { luks: [{ name: 'data', device: '/dev/disk/by-partlabel/data', keyFile: { source: dataUrl(KEY) } }] } };
    expect((await stage('fetch', config)).error).toBeUndefined();
    const files = await stage('files', config);
    expect(String((files.error as Error).message)).toContain('the disks stage left no record of luks device "data"');
    expect(() => statSync(join(root, 'etc/crypttab'))).toThrow();
  });
});

const mountTools = loopAvailable && hasCommand('mkfs.ext4') && hasCommand('useradd');

describe.runIf(canRun('root with loop devices, mkfs.ext4 and useradd', isRoot && mountTools))('mount -> files', () => {
  test('mount points the mount stage made in a home belong to the user once the files stage ran', async () => {
    const image = makeImage(scratch, 'home.img', 16);
    runSync('mkfs.ext4', ['-q', '-F', image], { check: true });
    const loop = attach(scratch, image);
    const config = {
      ignition: { version: '3.4.0' },
      passwd: { users: [{ name: 'core', uid: 1300 }] },
      storage: { filesystems: [{ device: loop, format: 'ext4', path: '/home/core/data' }] },
    };
    expect((await stage('fetch', config)).error).toBeUndefined();
    expect((await stage('mount', config)).error).toBeUndefined();
    expect(readState().createdDirectories).toEqual(['/home/core', '/home/core/data']);

    expect((await stage('files', config)).error).toBeUndefined();
    for (const dir of ['home/core', 'home/core/data']) {
      const info = statSync(join(root, dir));
      expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o700, 1300, 1300]);
    }
    expect(statSync(join(root, 'home')).uid).toBe(0);
    // The files stage hands nothing on here, so the mount stage's record stays for a rerun.
    expect(readState().createdDirectories).toEqual(['/home/core', '/home/core/data']);
    expect((await stage('umount', config)).error).toBeUndefined();
  });
});

describe.runIf(canRun('root with loop devices', loopAvailable) && kernelHas('device-mapper', dmAvailable))('disks -> files with a real LUKS volume', () => {
  test('the crypttab line carries the UUID cryptsetup reports and the key opens the volume', async () => {
    const name = `h${uniqueTag()}`;
    const loop = attach(scratch, makeImage(scratch, 'luks.img', 64));
    scratch.mappings.push(name);
    const config = {
      ignition: { version: '3.4.0' },
      storage: {
        luks: [{ name, device: loop, keyFile: { source: dataUrl(KEY) }, wipeVolume: true, options: ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'] }],
      },
    };
    expect((await stage('fetch', config)).error).toBeUndefined();
    const disks = await stage('disks', config);
    expect(disks.error).toBeUndefined();
    expect(disks.lines.join('\n')).not.toContain(KEY);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);

    expect((await stage('files', config)).error).toBeUndefined();
    const uuid = runSync('cryptsetup', ['luksUUID', loop], { check: true }).stdout.trim();
    expect(readFileSync(join(root, 'etc/crypttab'), 'utf8')).toBe(`${name} UUID=${uuid} /etc/luks/${name} luks\n`);
    const keyFile = join(root, 'etc/luks', name);
    runSync('cryptsetup', ['luksOpen', '--test-passphrase', '--key-file', keyFile, loop], { check: true });
    expect(readState().luks).toEqual([{ name, uuid }]);
  });
});

test('the state file of a fresh fetch carries no outputs of an earlier run', async () => {
  mkdirSync(join(scratch.dir, 'run', 'ignition'), { recursive: true });
  writeFileSync(stateFile(), JSON.stringify({ fetchedConfigs: [], resources: {}, luks: [{ name: 'old', uuid: 'u', key: 'a2V5' }], createdDirectories: ['/old'] }));
  expect((await stage('fetch', { ignition: { version: '3.4.0' } })).error).toBeUndefined();
  expect(readState()).toMatchObject({ luks: [], createdDirectories: [] });
});
