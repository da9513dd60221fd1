// parent ⊕ child per ignition-spec.md §6.2: keyed lists, shared key spaces, append lists,
// string unions, header deletion, optional vs plain values, nested objects, and the transcript.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeDataUrl } from '../../src/config/data-url.ts';
import { mergeConfigs, mergeConfigsTranscribed } from '../../src/config/merge.ts';
import { serializeConfig } from '../../src/config/serialize.ts';
import { translateDown, translateUp } from '../../src/config/translate.ts';
import type { SpecVersion } from '../../src/config/versions.ts';
import { canRun } from '../helpers/env.ts';
import { newestConfig, validMergeableConfig, type TestConfig } from './config-arbitrary.ts';
import { runSync } from '../helpers/process.ts';

const version = '3.7.0-experimental';
const empty = { ignition: { version } };

function cfg(rest: Record<string, unknown>, ignition: Record<string, unknown> = {}): Record<string, unknown> {
  return { ignition: { version, ...ignition }, ...rest };
}

function merged(parent: object, child: object): string {
  return serializeConfig(mergeConfigs(parent, child), { pretty: false });
}

function same(config: object): string {
  return serializeConfig(config, { pretty: false });
}

describe('mergeConfigs', () => {
  it.each<[string, object, object, object]>([
    [
      'the spec example: append lists concatenate, a valueless child header deletes the parent one',
      cfg({
        storage: {
          files: [
            {
              path: '/f',
              append: [{ source: 'data:,x' }],
              contents: {
                source: 'https://h/f',
                httpHeaders: [
                  { name: 'X', value: '1' },
                  { name: 'Y', value: '2' },
                ],
              },
            },
          ],
        },
      }),
      cfg({
        storage: {
          files: [
            {
              path: '/f',
              append: [{ source: 'data:,y' }],
              contents: { httpHeaders: [{ name: 'X' }, { name: 'Y', value: '3' }] },
            },
          ],
        },
      }),
      cfg({
        storage: {
          files: [
            {
              path: '/f',
              append: [{ source: 'data:,x' }, { source: 'data:,y' }],
              contents: { source: 'https://h/f', httpHeaders: [{ name: 'Y', value: '3' }] },
            },
          ],
        },
      }),
    ],
    [
      'the spec example: partitions merge field by field by number',
      cfg({ storage: { disks: [{ device: '/dev/vda', partitions: [{ number: 1, label: 'p1', sizeMiB: 5 }] }] } }),
      cfg({ storage: { disks: [{ device: '/dev/vda', partitions: [{ number: 1, sizeMiB: 9 }] }] } }),
      cfg({ storage: { disks: [{ device: '/dev/vda', partitions: [{ number: 1, label: 'p1', sizeMiB: 9 }] }] } }),
    ],
    [
      'partitions without a number match by label',
      cfg({ storage: { disks: [{ device: '/d', partitions: [{ label: 'a', sizeMiB: 1 }, { label: 'b' }] }] } }),
      cfg({ storage: { disks: [{ device: '/d', partitions: [{ label: 'b', startMiB: 4 }, { number: 3 }] }] } }),
      cfg({
        storage: {
          disks: [
            { device: '/d', partitions: [{ label: 'a', sizeMiB: 1 }, { label: 'b', startMiB: 4 }, { number: 3 }] },
          ],
        },
      }),
    ],
    [
      'a child file replaces a parent link of the same path (shared key space)',
      cfg({
        storage: {
          links: [
            { path: '/a', target: '/t' },
            { path: '/b', target: '/t' },
          ],
          files: [{ path: '/c' }],
        },
      }),
      cfg({ storage: { files: [{ path: '/a', mode: 420 }] } }),
      cfg({ storage: { links: [{ path: '/b', target: '/t' }], files: [{ path: '/c' }, { path: '/a', mode: 420 }] } }),
    ],
    [
      'a child directory replaces a parent file, entries keep their list',
      cfg({ storage: { files: [{ path: '/a', mode: 420 }], directories: [{ path: '/d', mode: 448 }] } }),
      cfg({ storage: { directories: [{ path: '/a' }, { path: '/d', mode: 493 }] } }),
      cfg({ storage: { directories: [{ path: '/d', mode: 493 }, { path: '/a' }] } }),
    ],
    [
      'shouldNotExist in the child removes shouldExist from the parent',
      cfg({ kernelArguments: { shouldExist: ['foo', 'bar'], shouldNotExist: ['baz'] } }),
      cfg({ kernelArguments: { shouldNotExist: ['foo'], shouldExist: ['baz', 'qux'] } }),
      cfg({ kernelArguments: { shouldExist: ['bar', 'baz', 'qux'], shouldNotExist: ['foo'] } }),
    ],
    [
      'string lists are unions, parent first',
      cfg(
        { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['a', 'b'], groups: ['wheel'] }] } },
        { proxy: { noProxy: ['x'] } },
      ),
      cfg(
        { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['c', 'b'], groups: ['adm', 'wheel'] }] } },
        { proxy: { noProxy: ['y', 'x'] } },
      ),
      cfg(
        { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['a', 'b', 'c'], groups: ['wheel', 'adm'] }] } },
        { proxy: { noProxy: ['x', 'y'] } },
      ),
    ],
    [
      'raid devices and luks openOptions are unions; options concatenate',
      cfg({
        storage: {
          raid: [{ name: 'md', devices: ['/a', '/b'], options: ['-x'] }],
          luks: [{ name: 'l', openOptions: ['--a'], options: ['-o'] }],
        },
      }),
      cfg({
        storage: {
          raid: [{ name: 'md', devices: ['/b', '/c'], options: ['-x'] }],
          luks: [{ name: 'l', openOptions: ['--a', '--b'], options: ['-o'] }],
        },
      }),
      cfg({
        storage: {
          raid: [{ name: 'md', devices: ['/a', '/b', '/c'], options: ['-x', '-x'] }],
          luks: [{ name: 'l', openOptions: ['--a', '--b'], options: ['-o', '-o'] }],
        },
      }),
    ],
    [
      'filesystem options and mountOptions concatenate',
      cfg({ storage: { filesystems: [{ device: '/d', format: 'ext4', options: ['-a'], mountOptions: ['ro'] }] } }),
      cfg({ storage: { filesystems: [{ device: '/d', options: ['-a'], mountOptions: ['noatime'] }] } }),
      cfg({
        storage: {
          filesystems: [{ device: '/d', format: 'ext4', options: ['-a', '-a'], mountOptions: ['ro', 'noatime'] }],
        },
      }),
    ],
    [
      'optional values: a set child value wins (also a zero value), an unset one never clears',
      cfg({
        storage: {
          files: [
            { path: '/f', mode: 420, overwrite: true, user: { name: 'core' } },
            { path: '/g', mode: 420 },
          ],
        },
      }),
      cfg({
        storage: {
          files: [
            { path: '/f', mode: null, overwrite: false, user: { id: 0 } },
            { path: '/g', mode: 0 },
          ],
        },
      }),
      cfg({
        storage: {
          files: [
            { path: '/f', mode: 420, overwrite: false, user: { id: 0, name: 'core' } },
            { path: '/g', mode: 0 },
          ],
        },
      }),
    ],
    [
      'nested objects merge per field; the ignition section is not special',
      cfg(
        {},
        {
          timeouts: { httpTotal: 5 },
          proxy: { httpProxy: 'http://a' },
          config: { replace: { source: 'https://a', verification: { hash: 'sha512-1' } } },
        },
      ),
      {
        ignition: {
          version: '3.6.0',
          timeouts: { httpResponseHeaders: 3 },
          proxy: { httpsProxy: 'http://b' },
          config: { replace: { source: 'https://b' } },
        },
      },
      {
        ignition: {
          version: '3.6.0',
          timeouts: { httpTotal: 5, httpResponseHeaders: 3 },
          proxy: { httpProxy: 'http://a', httpsProxy: 'http://b' },
          config: { replace: { source: 'https://b', verification: { hash: 'sha512-1' } } },
        },
      },
    ],
    [
      'merge references and CAs merge by source',
      cfg(
        {},
        {
          config: { merge: [{ source: 'https://a' }, { source: 'https://b', compression: 'gzip' }] },
          security: { tls: { certificateAuthorities: [{ source: 'https://ca1' }] } },
        },
      ),
      cfg(
        {},
        {
          config: { merge: [{ source: 'https://c' }, { source: 'https://b', verification: { hash: 'sha256-1' } }] },
          security: { tls: { certificateAuthorities: [{ source: 'https://ca1' }, { source: 'https://ca2' }] } },
        },
      ),
      cfg(
        {},
        {
          config: {
            merge: [
              { source: 'https://a' },
              { source: 'https://b', compression: 'gzip', verification: { hash: 'sha256-1' } },
              { source: 'https://c' },
            ],
          },
          security: { tls: { certificateAuthorities: [{ source: 'https://ca1' }, { source: 'https://ca2' }] } },
        },
      ),
    ],
    [
      'keyed entries merge in place in parent order; new child entries come after',
      cfg({
        systemd: {
          units: [
            { name: 'a.service', enabled: true, dropins: [{ name: 'x.conf', contents: '1' }] },
            { name: 'b.service', mask: true },
          ],
        },
      }),
      cfg({
        systemd: {
          units: [
            { name: 'c.service' },
            { name: 'a.service', contents: 'c', dropins: [{ name: 'y.conf' }, { name: 'x.conf', contents: '2' }] },
          ],
        },
      }),
      cfg({
        systemd: {
          units: [
            {
              name: 'a.service',
              enabled: true,
              contents: 'c',
              dropins: [{ name: 'x.conf', contents: '2' }, { name: 'y.conf' }],
            },
            { name: 'b.service', mask: true },
            { name: 'c.service' },
          ],
        },
      }),
    ],
    [
      'luks, clevis and tang merge recursively; tang by url',
      cfg({
        storage: {
          luks: [{ name: 'l', device: '/d', clevis: { tpm2: true, tang: [{ url: 'http://t', thumbprint: 'a' }] } }],
        },
      }),
      cfg({
        storage: {
          luks: [
            {
              name: 'l',
              clevis: { threshold: 2, tang: [{ url: 'http://t', advertisement: '{}' }, { url: 'http://u' }] },
              cex: { enabled: false },
            },
          ],
        },
      }),
      cfg({
        storage: {
          luks: [
            {
              name: 'l',
              device: '/d',
              cex: { enabled: false },
              clevis: {
                tpm2: true,
                threshold: 2,
                tang: [{ url: 'http://t', thumbprint: 'a', advertisement: '{}' }, { url: 'http://u' }],
              },
            },
          ],
        },
      }),
    ],
    [
      'a valueless child header with no parent header of that name is kept',
      cfg({
        storage: {
          files: [{ path: '/f', contents: { source: 'https://h', httpHeaders: [{ name: 'A', value: '1' }] } }],
        },
      }),
      cfg({ storage: { files: [{ path: '/f', contents: { httpHeaders: [{ name: 'B' }] } }] } }),
      cfg({
        storage: {
          files: [
            { path: '/f', contents: { source: 'https://h', httpHeaders: [{ name: 'A', value: '1' }, { name: 'B' }] } },
          ],
        },
      }),
    ],
  ])('%s', (_name, parent, child, expected) => {
    expect(merged(parent, child)).toBe(same(expected));
  });

  it('does not modify its inputs', () => {
    const parent = cfg({ storage: { files: [{ path: '/f', mode: 420 }] } });
    const child = cfg({ storage: { files: [{ path: '/f', mode: 384 }] } });
    const before = JSON.stringify([parent, child]);
    mergeConfigs(parent, child);
    expect(JSON.stringify([parent, child])).toBe(before);
  });

  it('takes the version from the child', () => {
    expect(mergeConfigs(cfg({}), { ignition: { version: '3.6.0' } })).toEqual({ ignition: { version: '3.6.0' } });
  });
});

describe('merge transcript', () => {
  it('records where each output leaf came from', () => {
    const parent = cfg({ storage: { files: [{ path: '/f', mode: 420 }, { path: '/g' }] } });
    const child = cfg({ storage: { files: [{ path: '/f', overwrite: true }] } });
    const { config, transcript } = mergeConfigsTranscribed(parent, child);
    expect(same(config)).toBe(merged(parent, child));
    const lines = transcript.map((m) => `${m.from}:${m.fromPath.join('.')} -> ${m.toPath.join('.')}`);
    expect(lines).toEqual([
      'child:ignition.version -> ignition.version',
      'child:storage.files.0.overwrite -> storage.files.0.overwrite',
      'child:storage.files.0.path -> storage.files.0.path',
      'parent:storage.files.0.mode -> storage.files.0.mode',
      'parent:storage.files.1.path -> storage.files.1.path',
      'parent:storage.files.1 -> storage.files.1',
    ]);
  });

  it('maps appended child entries to their output index', () => {
    const parent = cfg({ kernelArguments: { shouldExist: ['a', 'b'] } });
    const child = cfg({ kernelArguments: { shouldNotExist: ['a'], shouldExist: ['c'] } });
    const { transcript } = mergeConfigsTranscribed(parent, child);
    const lines = transcript.map((m) => `${m.from}:${m.fromPath.join('.')} -> ${m.toPath.join('.')}`);
    expect(lines).toContain('parent:kernelArguments.shouldExist.1 -> kernelArguments.shouldExist.0');
    expect(lines).toContain('child:kernelArguments.shouldExist.0 -> kernelArguments.shouldExist.1');
    expect(lines).toContain('child:kernelArguments.shouldNotExist.0 -> kernelArguments.shouldNotExist.0');
  });
});

describe('merge properties', () => {
  it('an empty config is an identity on both sides', () => {
    fc.assert(
      fc.property(newestConfig, (config) => {
        expect(merged(config, empty)).toBe(same(config));
        expect(merged(empty, config)).toBe(same(config));
      }),
      { numRuns: 200 },
    );
  });

  it('the child wins on conflicting optional values and parent-only entries survive', () => {
    fc.assert(
      fc.property(newestConfig, newestConfig, (parent, child) => {
        const result = mergeConfigs(parent, child) as typeof parent;
        const childFiles = child.storage?.files ?? [];
        for (const file of childFiles) {
          const out = result.storage?.files?.find((f) => f.path === file.path);
          expect(out).toBeDefined();
          if (file.mode !== undefined) expect(out?.mode).toBe(file.mode);
          if (file.contents?.source !== undefined) expect(out?.contents?.source).toBe(file.contents.source);
        }
        for (const user of child.passwd?.users ?? []) {
          const out = result.passwd?.users?.find((u) => u.name === user.name);
          if (user.uid !== undefined) expect(out?.uid).toBe(user.uid);
          if (user.shell !== undefined) expect(out?.shell).toBe(user.shell);
        }
        const childNodes = new Set(
          [...(child.storage?.files ?? []), ...(child.storage?.directories ?? []), ...(child.storage?.links ?? [])].map(
            (n) => n.path,
          ),
        );
        for (const file of parent.storage?.files ?? []) {
          if (childNodes.has(file.path)) continue;
          const out = result.storage?.files?.find((f) => f.path === file.path);
          expect(out).toEqual(file);
        }
        const timeouts = { ...parent.ignition.timeouts, ...child.ignition.timeouts };
        expect(result.ignition.timeouts ?? {}).toEqual(timeouts);
      }),
      { numRuns: 200 },
    );
  });

  it('merging a config into itself leaves keyed entries as they were', () => {
    fc.assert(
      fc.property(newestConfig, (config) => {
        const result = mergeConfigs(config, config) as typeof config;
        expect(result.passwd?.users?.length ?? 0).toBe(config.passwd?.users?.length ?? 0);
        expect(result.storage?.files?.map((f) => f.path) ?? []).toEqual(
          config.storage?.files?.map((f) => f.path) ?? [],
        );
        expect(result.kernelArguments?.shouldExist ?? []).toEqual(config.kernelArguments?.shouldExist ?? []);
      }),
      { numRuns: 100 },
    );
  });
});

const IGNITION = process.env.IGNITION_BIN ?? '/usr/lib/dracut/modules.d/30ignition/ignition';
const haveIgnition = canRun('the Ignition 2.14 binary (Debian ignition package)', existsSync(IGNITION));

/** Newest-shape config rewritten as spec `to`, dropping what that spec lacks. */
function asVersion(config: TestConfig, to: SpecVersion): object {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const error of translateDown(copy, to).report) {
    const path = error.path ?? [];
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy);
    delete (parent as Record<string | number, unknown>)[path[path.length - 1] as string | number];
  }
  return translateDown(copy, to).config as object;
}

/** Ignition's fetch stage with the file provider: the rendered config it caches, or its log. */
function ignitionRender(dir: string, config: object): { cache?: string; log: string } {
  const file = join(dir, 'user.ign');
  const cache = join(dir, 'cache.json');
  writeFileSync(file, JSON.stringify(config));
  const run = runSync(
    IGNITION,
    [
      '-platform',
      'file',
      '-stage',
      'fetch',
      '-config-cache',
      cache,
      '-state-file',
      join(dir, 'state'),
      '-log-to-stdout',
    ],
    { env: { IGNITION_CONFIG_FILE: file }, timeoutMs: 60_000 },
  );
  const log = `${run.stdout}${run.stderr}`;
  return run.exitCode === 0 && existsSync(cache) ? { cache: readFileSync(cache, 'utf8'), log } : { log };
}

describe.skipIf(!haveIgnition)('merge, translation and the config cache against Ignition 2.14', () => {
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kindling-merge-diff-'));
  });
  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  const childVersions: SpecVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0'];
  const child = fc.tuple(validMergeableConfig, fc.constantFrom(...childVersions));
  const cases = fc.sample(fc.tuple(validMergeableConfig, fc.array(child, { minLength: 1, maxLength: 3 })), {
    numRuns: 40,
    seed: 0x6d65,
  });

  it.each(cases.map((c, i) => [i, c[1].map(([, v]) => v).join(', '), c] as const))(
    'case %i (children at %s) renders to the same cache',
    (i, _versions, [p, children]) => {
      const translated = children.map(([config, version]) => ({ config: asVersion(config, version), version }));
      const merge = translated.map(({ config }) => ({
        source: encodeDataUrl(Buffer.from(JSON.stringify(config)), { base64: false }),
      }));
      const parent = asVersion({ ...p, ignition: { ...p.ignition, config: { merge } } }, '3.3.0');
      const dir = join(work, `case-${i}`);
      mkdirSync(dir);
      const upstream = ignitionRender(dir, parent);
      expect(upstream.cache, upstream.log).toBeDefined();

      // Children are merged in order, each into the result so far.
      const merged = translated.reduce<object>(
        (result, { config, version }) => mergeConfigs(result, translateUp(config, version)),
        translateUp(parent, '3.3.0'),
      ) as TestConfig;
      // Ignition 2.14's newest spec was 3.4.0-experimental; the fields used here are the same.
      merged.ignition.version = '3.4.0-experimental';
      expect(serializeConfig(merged, { pretty: false, style: 'ignition', version: '3.7.0-experimental' })).toBe(
        upstream.cache,
      );
    },
  );
});
