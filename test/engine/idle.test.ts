// Stages with nothing to do end early (src/engine/idle.ts), and inline data is verified in place
// by the fetch stage instead of being copied into the resource cache (src/resource/inline.ts).
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { idleStages } from '../../src/engine/idle.ts';
import type { RunOptions, StageName } from '../../src/engine/options.ts';
import { runStage } from '../../src/engine/run.ts';
import { memorySink } from '../../src/system/log.ts';
import { scratchOptions } from './support.ts';

let work = '';
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-idle-'));
  await mkdir(join(work, 'root', 'etc'), { recursive: true });
  await writeFile(join(work, 'root', 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(work, 'root', 'etc', 'group'), 'root:x:0:\n');
  await mkdir(join(work, 'sys'), { recursive: true });
  // A kargs helper that records its arguments, so a test can tell whether the stage ran it.
  await writeFile(join(work, 'kargs-helper'), `#!/bin/sh\necho "$@" >> ${join(work, 'kargs-calls')}\n`);
  await chmod(join(work, 'kargs-helper'), 0o755);
});
afterEach(() => rm(work, { recursive: true, force: true }));

function options(stage: StageName): RunOptions {
  const base = scratchOptions(work, stage);
  return { ...base, env: { ...base.env, KINDLING_KARGS_HELPER: join(work, 'kargs-helper') } };
}

async function run(stage: StageName): Promise<string[]> {
  const { sink, lines } = memorySink();
  await runStage(options(stage), { sink });
  return lines;
}

const v34 = { ignition: { version: '3.4.0' } };

describe('idleStages', () => {
  test('kargs, disks, mount and umount are idle for a files-only config', () => {
    expect(idleStages({ ...v34, storage: { files: [{ path: '/etc/a' }] } } as never)).toEqual(['kargs', 'disks', 'mount', 'umount']);
  });
  test('kernel arguments make kargs work; an empty list does not', () => {
    expect(idleStages({ ...v34, kernelArguments: { shouldExist: ['quiet'] } } as never)).not.toContain('kargs');
    expect(idleStages({ ...v34, kernelArguments: { shouldNotExist: ['quiet'] } } as never)).not.toContain('kargs');
    expect(idleStages({ ...v34, kernelArguments: { shouldExist: [] } } as never)).toContain('kargs');
  });
  test('a filesystem without a path is work for disks only; with a path, for mount and umount too', () => {
    const unmounted = idleStages({ ...v34, storage: { filesystems: [{ device: '/dev/vdb', format: 'ext4' }] } } as never);
    expect(unmounted).not.toContain('disks');
    expect(unmounted).toEqual(expect.arrayContaining(['mount', 'umount']));
    const mounted = idleStages({ ...v34, storage: { filesystems: [{ device: '/dev/vdb', format: 'ext4', path: '/var' }] } } as never);
    expect(mounted).not.toContain('mount');
    expect(mounted).not.toContain('umount');
    const swap = idleStages({ ...v34, storage: { filesystems: [{ device: '/dev/vdc', format: 'swap', path: '/swap' }] } } as never);
    expect(swap).toEqual(expect.arrayContaining(['mount', 'umount']));
  });
  test('a disk, RAID or LUKS device alone is work for disks', () => {
    for (const storage of [{ disks: [{ device: '/dev/vdb' }] }, { raid: [{ name: 'md', level: 'raid1', devices: ['/dev/a', '/dev/b'] }] }, { luks: [{ name: 'l', device: '/dev/vdb' }] }]) {
      expect(idleStages({ ...v34, storage } as never)).not.toContain('disks');
    }
  });
});

describe('an idle stage through the engine', () => {
  test('kargs ends without running the helper when the config has no kernel arguments', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify({ ...v34, storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,hi' } }] } }));
    await run('fetch');
    const lines = await run('kargs');
    expect(lines.join('\n')).toContain('nothing to do for kargs');
    expect(existsSync(join(work, 'kargs-calls'))).toBe(false);
  });

  test('kargs runs the helper when the config has kernel arguments', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify({ ...v34, kernelArguments: { shouldExist: ['quiet'] } }));
    await run('fetch');
    const lines = await run('kargs');
    expect(lines.join('\n')).not.toContain('nothing to do');
    expect(await readFile(join(work, 'kargs-calls'), 'utf8')).toBe('--should-exist quiet\n');
  });

  test('the fetch stage leaves a marker per idle stage for the init system, and replaces stale ones', async () => {
    const markers = join(work, 'run', 'ignition', 'idle');
    await writeFile(join(work, 'config.ign'), JSON.stringify(v34));
    await run('fetch');
    expect((await readdir(markers)).sort()).toEqual(['disks', 'kargs', 'mount', 'umount']);
    await writeFile(join(work, 'config.ign'), JSON.stringify({ ...v34, kernelArguments: { shouldExist: ['quiet'] } }));
    await run('fetch');
    expect((await readdir(markers)).sort()).toEqual(['disks', 'mount', 'umount']);
  });

  test('a config cache edited after the fetch stage is read in full, not taken as idle', async () => {
    await writeFile(join(work, 'config.ign'), JSON.stringify(v34));
    await run('fetch');
    const cache = options('kargs').configCache;
    await writeFile(cache, JSON.stringify({ ...v34, kernelArguments: { shouldNotExist: ['debug'] } }));
    await run('kargs');
    expect(await readFile(join(work, 'kargs-calls'), 'utf8')).toBe('--should-not-exist debug\n');
  });
});

describe('inline data', () => {
  test('is verified by the fetch stage, not cached, and written by the files stage', async () => {
    const hello = 'hello, inline\n';
    const sha = (await import('node:crypto')).createHash('sha512').update(hello).digest('hex');
    await writeFile(
      join(work, 'config.ign'),
      JSON.stringify({
        ...v34,
        storage: { files: [{ path: '/etc/hello', contents: { source: `data:,${encodeURIComponent(hello)}`, verification: { hash: `sha512-${sha}` } } }] },
      }),
    );
    const fetchLines = await run('fetch');
    expect(fetchLines.join('\n')).toContain('fetched 0 resources, verified 1 inline');
    expect(await readdir(join(work, 'run', 'ignition', 'resources'))).toEqual([]);
    await run('files');
    expect(await readFile(join(work, 'root', 'etc', 'hello'), 'utf8')).toBe(hello);
  });

  test('a hash mismatch in inline data fails the fetch stage, before any stage writes', async () => {
    await writeFile(
      join(work, 'config.ign'),
      JSON.stringify({ ...v34, storage: { files: [{ path: '/etc/hello', contents: { source: 'data:,tampered', verification: { hash: `sha512-${'0'.repeat(128)}` } } }] } }),
    );
    await expect(run('fetch')).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    expect(existsSync(options('files').configCache)).toBe(false);
  });

  test('gzip inline data is decompressed and verified the same way', async () => {
    const { gzipSync, createHash } = { ...(await import('node:zlib')), ...(await import('node:crypto')) };
    const text = 'compressed inline data\n'.repeat(20);
    const source = `data:;base64,${gzipSync(text).toString('base64')}`;
    const hash = `sha256-${createHash('sha256').update(text).digest('hex')}`;
    await writeFile(join(work, 'config.ign'), JSON.stringify({ ...v34, storage: { files: [{ path: '/etc/z', contents: { source, compression: 'gzip', verification: { hash } } }] } }));
    await run('fetch');
    await run('files');
    expect(await readFile(join(work, 'root', 'etc', 'z'), 'utf8')).toBe(text);
  });
});
