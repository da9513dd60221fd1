// The built executable under each of its names, as users and harnesses call it: exit codes,
// which stream gets what, and upstream's output lines.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, runSync } from '../helpers/process.ts';

// The npm bins' build (split ES modules); the single-file build is exercised by test/differential.
const BUNDLE = resolve(import.meta.dirname, '../../dist/esm/kindling.js');
let bin = '';

beforeAll(async () => {
  if (!existsSync(BUNDLE)) runSync('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '../..'), check: true });
  bin = await mkdtemp(join(tmpdir(), 'kindling-bin-'));
  for (const name of ['kindling', 'ignition-validate', 'ignition', 'butane']) await symlink(BUNDLE, join(bin, name));
});
afterAll(() => rm(bin, { recursive: true, force: true }));

function call(name: string, args: string[], input?: string) {
  const result = runSync(process.execPath, [join(bin, name), ...args], { input });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

describe('ignition-validate', () => {
  test.each([
    { name: 'valid', input: '{"ignition":{"version":"3.3.0"}}', code: 0, stdout: '', stderr: '' },
    { name: 'warning only', input: '{"ignition":{"version":"3.3.0"},"storage":{"filez":[]}}', code: 0, stdout: 'warning at $.storage.filez, line 1 col 44: unused key filez\n', stderr: '' },
    {
      name: 'error',
      input: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/hello.txt"}]}}',
      code: 1,
      stdout: 'error at $.storage.files.0.path, line 1 col 61: path not absolute\n',
      stderr: '',
    },
    { name: 'empty', input: '', code: 1, stdout: '', stderr: "couldn't parse config: not a config (empty)\n" },
    { name: 'unsupported version', input: '{"ignition":{"version":"3.9.0"}}', code: 1, stdout: '', stderr: "couldn't parse config: unsupported config version\n" },
  ])('$name from stdin', ({ input, code, stdout, stderr }) => {
    expect(call('ignition-validate', ['-'], input)).toEqual({ code, stdout, stderr });
  });

  test('missing file and wrong arguments', () => {
    expect(call('ignition-validate', ['nope.ign'])).toEqual({ code: 1, stdout: '', stderr: "couldn't read config: open nope.ign: no such file or directory\n" });
    const usage = call('ignition-validate', []);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^Usage:\n {2}ignition-validate \[flags\] config\.ign/);
  });

  test('kindling validate -format json reports codes and positions', () => {
    const out = call('kindling', ['validate', '-format', 'json', '-'], '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/x"}]}}');
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toEqual({
      valid: false,
      version: '3.3.0',
      entries: [{ code: 'PATH_NOT_ABSOLUTE', severity: 'error', message: 'path not absolute', path: '$.storage.files.0.path', line: 1, col: 61 }],
    });
  });

  test('kindling validate -format human shows the line and a caret', () => {
    const out = call('kindling', ['validate', '-format', 'human', '-'], '{\n  "ignition": {"version": "3.3.0"},\n  "storage": {"files": [{"path": "etc/x"}]}\n}\n');
    expect(out.code).toBe(1);
    const [head, at, source, caret] = out.stdout.split('\n');
    expect(head).toBe('<stdin>:3:34: error: path not absolute [PATH_NOT_ABSOLUTE]');
    expect(at).toBe('  at $.storage.files.0.path');
    expect(source).toBe('  3 |   "storage": {"files": [{"path": "etc/x"}]}');
    // The caret sits under the offending value.
    expect(caret?.indexOf('^')).toBe(source?.indexOf('"etc/x"'));
  });
});

describe('ignition', () => {
  test('fetch and files stages with upstream-style flags', async () => {
    const work = await mkdtemp(join(tmpdir(), 'kindling-ignition-'));
    try {
      await mkdir(join(work, 'root', 'etc'), { recursive: true });
      await writeFile(join(work, 'root', 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      await writeFile(join(work, 'root', 'etc', 'group'), 'root:x:0:\n');
      // A remote file too: the bundle loads its HTTP client lazily, which only a built run shows.
      const server = createServer((_req, res) => res.end('served\n'));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const port = (server.address() as AddressInfo).port;
      await writeFile(
        join(work, 'config.ign'),
        JSON.stringify({
          ignition: { version: '3.2.0' },
          storage: {
            files: [
              { path: '/etc/hello', mode: 384, contents: { source: 'data:,hello' } },
              { path: '/etc/remote', contents: { source: `http://127.0.0.1:${port}/remote` } },
            ],
          },
        }),
      );
      const env = { ...process.env, IGNITION_CONFIG_FILE: join(work, 'config.ign'), IGNITION_KERNEL_CMDLINE_PATH: join(work, 'none'), IGNITION_SYSTEM_CONFIG_DIR: join(work, 'none') };
      const common = ['-config-cache', join(work, 'cache.json'), '-state-file', join(work, 'state'), '-log-to-stdout'];
      // Asynchronous, so that this process keeps serving HTTP while the child runs.
      const fetch = await run(process.execPath, [join(bin, 'ignition'), '-platform', 'file', '-stage', 'fetch', ...common], { env, timeoutMs: 30_000 });
      server.close();
      expect(fetch.stderr).toBe('');
      expect(fetch.exitCode).toBe(0);
      const files = runSync(process.execPath, [join(bin, 'ignition'), '-platform=file', '--stage=files', '-root', join(work, 'root'), ...common], { env });
      expect(files.exitCode).toBe(0);
      expect(files.stdout).toContain('files passed');
      expect(await readFile(join(work, 'root', 'etc', 'hello'), 'utf8')).toBe('hello');
      expect(await readFile(join(work, 'root', 'etc', 'remote'), 'utf8')).toBe('served\n');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  test('a missing stage is a usage error', () => {
    const out = call('ignition', ['-platform', 'file']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("'--stage' must be provided");
  });
});
