// The engine end to end on a temporary root with the `file` platform: the fetch stages acquire,
// validate and prefetch; the files stage reads only the cache; bad configs change nothing.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunOptions, StageName } from '../../src/engine/options.ts';
import { runStage } from '../../src/engine/run.ts';
import { scratchOptions } from './support.ts';
import { memorySink } from '../../src/system/log.ts';

let server: Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/motd') res.end('served over http\n');
    else if (req.url === '/child.ign') res.end(JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: '/etc/child', contents: { source: 'data:,from%20child' } }] } }));
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let work = '';
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-engine-'));
  await mkdir(join(work, 'root', 'etc'), { recursive: true });
  await writeFile(join(work, 'root', 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(work, 'root', 'etc', 'group'), 'root:x:0:\n');
  await mkdir(join(work, 'sys'), { recursive: true });
  requests = 0;
});
afterEach(() => rm(work, { recursive: true, force: true }));

async function run(stage: StageName, config: unknown, extra: Partial<RunOptions> = {}): Promise<{ lines: string[]; error?: unknown }> {
  await writeFile(join(work, 'config.ign'), typeof config === 'string' ? config : JSON.stringify(config));
  const { sink, lines } = memorySink();
  try {
    await runStage(scratchOptions(work, stage, extra), { sink });
    return { lines };
  } catch (error) {
    return { lines, error };
  }
}

describe('fetch then files', () => {
  test('resources are fetched in the fetch stage and written by the files stage', async () => {
    const config = {
      ignition: { version: '3.3.0', config: { merge: [{ source: `${base}/child.ign` }] } },
      storage: {
        files: [
          { path: '/etc/motd', mode: 420, contents: { source: `${base}/motd` } },
          { path: '/etc/inline', contents: { source: 'data:,inline' }, append: [{ source: 'data:,%20appended' }] },
        ],
      },
    };
    const fetched = await run('fetch', config);
    expect(fetched.error).toBeUndefined();
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(true);
    expect((await stat(join(work, 'run', 'ignition.json'))).mode & 0o777).toBe(0o640);
    const cached = JSON.parse(await readFile(join(work, 'run', 'ignition.json'), 'utf8'));
    expect(cached.ignition.version).toBe('3.7.0-experimental');
    expect(cached.storage.files.map((f: { path: string }) => f.path)).toEqual(['/etc/motd', '/etc/inline', '/etc/child']);
    const served = requests;
    expect(served).toBe(2);

    const files = await run('files', config);
    expect(files.error).toBeUndefined();
    // The files stage reads the cache: the server is not asked again.
    expect(requests).toBe(served);
    expect(await readFile(join(work, 'root', 'etc', 'motd'), 'utf8')).toBe('served over http\n');
    expect(await readFile(join(work, 'root', 'etc', 'inline'), 'utf8')).toBe('inline appended');
    expect(await readFile(join(work, 'root', 'etc', 'child'), 'utf8')).toBe('from child');
    expect(existsSync(join(work, 'root', 'etc', '.ignition-result.json'))).toBe(true);
  });

  test('a second files run on a provisioned root does nothing unless forced', async () => {
    const config = { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/a', overwrite: true, contents: { source: 'data:,one' } }] } };
    expect((await run('fetch', config)).error).toBeUndefined();
    expect((await run('files', config)).error).toBeUndefined();
    await writeFile(join(work, 'root', 'etc', 'a'), 'changed by hand');
    const again = await run('files', config);
    expect(again.error).toBeUndefined();
    expect(again.lines.join('\n')).toContain('provisioned already');
    expect(await readFile(join(work, 'root', 'etc', 'a'), 'utf8')).toBe('changed by hand');
    expect((await run('files', config, { force: true })).error).toBeUndefined();
    expect(await readFile(join(work, 'root', 'etc', 'a'), 'utf8')).toBe('one');
  });
});

describe('nothing is touched when something is wrong', () => {
  test.each([
    { name: 'invalid config', config: { ignition: { version: '3.3.0' }, storage: { files: [{ path: 'relative' }] } }, message: 'path not absolute' },
    { name: 'unparseable config', config: '{"ignition":', message: 'unexpected end of JSON input' },
    { name: 'missing remote file', config: () => ({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/x', contents: { source: `${base}/none` } }] } }), message: 'resource not found' },
    {
      name: 'server down past httpTotal',
      config: { ignition: { version: '3.3.0', timeouts: { httpTotal: 1 } }, storage: { files: [{ path: '/etc/x', contents: { source: 'http://127.0.0.1:1/none' } }] } },
      message: 'unable to fetch resource in time',
    },
    {
      name: 'hash mismatch',
      config: { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/x', contents: { source: 'data:,abc', verification: { hash: `sha256-${'0'.repeat(64)}` } } }] } },
      message: 'hash verification failed',
    },
  ])('$name: the fetch stage fails and writes no cache', async ({ config, message }) => {
    const result = await run('fetch', typeof config === 'function' ? config() : config, { fetchTimeoutMs: 1_000 });
    expect(result.error).toBeDefined();
    expect(String((result.error as Error).message)).toContain(message);
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(false);
    expect(await readdir(join(work, 'root', 'etc'))).toEqual(['group', 'passwd']);
  });

  test('the files stage refuses to run without a cache', async () => {
    const result = await run('files', { ignition: { version: '3.3.0' } });
    expect(String((result.error as Error).message)).toContain('no config cache');
  });
});

describe('fetch-offline', () => {
  test('a config with remote resources asks for the network and leaves the cache to the fetch stage', async () => {
    const config = { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/motd', contents: { source: `${base}/motd` } }] } };
    const result = await run('fetch-offline', config);
    expect(result.error).toBeUndefined();
    expect(existsSync(join(work, 'run', 'ignition', 'neednet'))).toBe(true);
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(false);
    expect(requests).toBe(0);
  });

  test('a self-contained config is cached offline without asking for the network', async () => {
    const config = { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,hi' } }] } };
    expect((await run('fetch-offline', config)).error).toBeUndefined();
    expect(existsSync(join(work, 'run', 'ignition', 'neednet'))).toBe(false);
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(true);
  });
});

describe('base configs', () => {
  test('base.d is merged under the user config and not rendered', async () => {
    await mkdir(join(work, 'sys', 'base.d'), { recursive: true });
    await writeFile(
      join(work, 'sys', 'base.d', '10-base.ign'),
      JSON.stringify({ ignition: { version: '3.0.0' }, storage: { files: [{ path: '/etc/base', contents: { source: 'data:,base' } }, { path: '/etc/both', contents: { source: 'data:,base' } }] } }),
    );
    const config = { ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/both', contents: { source: 'data:,user' } }] } };
    expect((await run('fetch', config)).error).toBeUndefined();
    expect((await run('files', config)).error).toBeUndefined();
    expect(await readFile(join(work, 'root', 'etc', 'base'), 'utf8')).toBe('base');
    expect(await readFile(join(work, 'root', 'etc', 'both'), 'utf8')).toBe('user');
  });
});
