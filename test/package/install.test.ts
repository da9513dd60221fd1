// The package a user installs: `npm pack`, then `npm install -g` of that tarball into an empty
// prefix with an empty npm cache and no network, and each bin run from the prefix's bin directory
// with an environment that has nothing but Node. The bundle (scripts/build.mjs) carries every
// library, so the package declares no runtime dependencies and the tarball holds only dist/esm.
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, runSync } from '../helpers/process.ts';

const REPO = resolve(import.meta.dirname, '../..');
const BINS = ['kindling', 'butane', 'ignition-validate', 'ignition'];

/** What `npm pack --json` reports of one tarball. */
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

let work = '';
let prefix = '';
let tarball = '';
let packed: Packed;
/** Only Node: the prefix's bins and the directory of the node binary their `#!/usr/bin/env node` finds. */
let bareEnv: Record<string, string> = {};

beforeAll(() => {
  // npm test builds first; a bare vitest run builds here once. Packing with --ignore-scripts keeps
  // prepack from rebuilding dist/ under the feet of other test files running at the same time.
  if (!existsSync(join(REPO, 'dist/esm/kindling.js'))) runSync('npm', ['run', 'build'], { cwd: REPO, check: true });
  work = mkdtempSync(join(tmpdir(), 'kindling-package-'));
  const npmEnv = { npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
  const pack = runSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, env: npmEnv, check: true });
  packed = (JSON.parse(pack.stdout) as Packed[])[0] as Packed;
  tarball = join(work, packed.filename);
  prefix = join(work, 'prefix');
  // An empty cache and --offline: anything the package needed from a registry would fail here.
  runSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: work, env: npmEnv, check: true });
  bareEnv = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: work, LANG: 'C.UTF-8' };
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A bin by name from the prefix, in an empty directory, with the bare environment. */
function bin(name: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return run(join(prefix, 'bin', name), args, { cwd: work, env: { ...bareEnv, ...options.env }, extendEnv: false, input: options.input, timeoutMs: 30_000 });
}

describe('the tarball', () => {
  test('holds the npm bins build and the package metadata, nothing else', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain('dist/esm/kindling.js');
    expect(paths.filter((path) => !path.startsWith('dist/esm/') && path !== 'package.json' && path !== 'README.md')).toEqual([]);
    expect(paths.filter((path) => !/\.c?js$/.test(path) && path !== 'package.json' && path !== 'README.md')).toEqual([]);
    expect(packed.entryCount).toBe(paths.length);
  });

  test('declares no runtime dependencies: the bundle carries every library', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
      expect(manifest[field], `${field}: esbuild bundles runtime libraries, so they belong in devDependencies`).toBeUndefined();
    }
    expect(Object.keys(manifest.bin as object).sort()).toEqual([...BINS].sort());
    expect(existsSync(join(prefix, 'lib/node_modules/kindling/node_modules'))).toBe(false);
  });

  test('every module the bundle loads is built into Node or part of the bundle', () => {
    const builtins = new Set(builtinModules);
    const external: string[] = [];
    let builtinLoads = 0;
    const dir = join(prefix, 'lib/node_modules/kindling/dist/esm');
    const scripts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.c?js$/.test(name));
    expect(scripts.length).toBe(packed.files.filter((file) => /\.c?js$/.test(file.path)).length);
    for (const name of scripts) {
      const text = readFileSync(join(dir, name), 'utf8');
      const specs = [...text.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)|^\s*(?:import|export)\b[^;"']*?\bfrom\s*"([^"]+)"/gm)].map((m) => (m[1] ?? m[2]) as string);
      for (const spec of specs) {
        if (spec.startsWith('./') || spec.startsWith('../')) continue;
        if (spec.startsWith('node:') || builtins.has(spec)) builtinLoads++;
        else external.push(`${name}: ${spec}`);
      }
    }
    expect(external).toEqual([]);
    // The bundled libraries load Node's own modules by name; seeing them proves the scan reads loads.
    expect(builtinLoads).toBeGreaterThan(10);
  });
});

describe('installed into a clean prefix', () => {
  const butaneConfig = (port: number) => `variant: fcos
version: 1.5.0
storage:
  files:
    - path: /etc/hello
      mode: 0644
      contents:
        inline: hello from the package
    - path: /etc/remote
      contents:
        source: http://127.0.0.1:${port}/remote
`;
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    // The remote file makes the runner load its HTTP client, a chunk of its own in the bundle.
    server = createServer((_req, res) => res.end('served\n'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  test('every bin is linked into the prefix', () => {
    expect(readdirSync(join(prefix, 'bin')).sort()).toEqual([...BINS].sort());
  });

  test('butane and kindling transpile, ignition-validate and kindling validate accept the result', async () => {
    const butane = await bin('butane', ['--strict'], { input: butaneConfig(port) });
    expect(butane.stderr).toBe('');
    expect(butane.exitCode).toBe(0);
    const config = JSON.parse(butane.stdout) as { ignition: { version: string }; storage: { files: unknown[] } };
    expect(config.ignition.version).toBe('3.4.0');
    expect(config.storage.files).toHaveLength(2);

    const viaKindling = await bin('kindling', ['transpile', '--strict'], { input: butaneConfig(port) });
    expect(viaKindling.exitCode).toBe(0);
    expect(JSON.parse(viaKindling.stdout)).toEqual(config);

    writeFileSync(join(work, 'config.ign'), butane.stdout);
    expect(await bin('ignition-validate', [join(work, 'config.ign')])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    const bad = await bin('ignition-validate', ['-'], { input: '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"etc/x"}]}}' });
    expect(bad).toMatchObject({ exitCode: 1, stdout: 'error at $.storage.files.0.path, line 1 col 61: path not absolute\n' });
    const json = await bin('kindling', ['validate', '-format', 'json', join(work, 'config.ign')]);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, version: '3.4.0' });
  });

  test('ignition runs the fetch and files stages into a root', async () => {
    const root = join(work, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
    const config = join(work, 'run.ign');
    writeFileSync(config, (await bin('butane', [], { input: butaneConfig(port) })).stdout);
    const env = { IGNITION_CONFIG_FILE: config, IGNITION_KERNEL_CMDLINE_PATH: join(work, 'none'), IGNITION_SYSTEM_CONFIG_DIR: join(work, 'none') };
    const common = ['-platform', 'file', '-config-cache', join(work, 'cache.json'), '-state-file', join(work, 'state'), '-log-to-stdout'];
    const fetch = await bin('ignition', ['-stage', 'fetch', ...common], { env });
    expect(fetch.stderr).toBe('');
    expect(fetch.exitCode).toBe(0);
    const files = await bin('ignition', ['-stage', 'files', '-root', root, ...common], { env });
    expect(files.exitCode).toBe(0);
    expect(files.stdout).toContain('files passed');
    expect(readFileSync(join(root, 'etc/hello'), 'utf8')).toBe('hello from the package');
    expect(readFileSync(join(root, 'etc/remote'), 'utf8')).toBe('served\n');
  });
});
