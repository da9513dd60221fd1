// Version translation: up to 3.7.0-experimental with upstream's shape changes, and down to an
// older spec with one TRANSLATE_UNSUPPORTED error per field the target lacks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { translateDown, translateUp } from '../../src/config/translate.ts';
import { serializeConfig } from '../../src/config/serialize.ts';
import { formatPath, type ConfigPath } from '../../src/report.ts';
import { SPEC_VERSIONS, atLeast, type SpecVersion } from '../../src/config/versions.ts';
import { newestConfig, type TestConfig } from './config-arbitrary.ts';

const LATEST = '3.7.0-experimental';

describe('translateUp', () => {
  it.each(SPEC_VERSIONS)('brings %s to the newest version', (from) => {
    const up = translateUp({ ignition: { version: from }, storage: { files: [{ path: '/f', mode: 420 }] } }, from);
    expect(up).toEqual({ ignition: { version: LATEST }, storage: { files: [{ path: '/f', mode: 420 }] } });
  });

  it('3.0 CA sources become nullable strings: an absent one is the empty string', () => {
    const config = {
      ignition: {
        version: '3.0.0',
        security: { tls: { certificateAuthorities: [{ verification: {} }, { source: 'https://ca' }] } },
      },
    };
    expect(translateUp(config, '3.0.0')).toEqual({
      ignition: {
        version: LATEST,
        security: { tls: { certificateAuthorities: [{ source: '', verification: {} }, { source: 'https://ca' }] } },
      },
    });
    const from31 = translateUp(
      { ...config, ignition: { ...config.ignition, version: '3.1.0' } },
      '3.1.0',
    ) as TestConfig;
    expect(from31.ignition.security?.tls?.certificateAuthorities?.[0]).toEqual({ verification: {} });
  });

  it.each<[SpecVersion, boolean]>([
    ['3.0.0', true],
    ['3.2.0', true],
    ['3.3.0', false],
    ['3.6.0', false],
  ])('from %s an absent link target and raid level become "" (%s)', (from, filled) => {
    const up = translateUp(
      {
        ignition: { version: from },
        storage: { links: [{ path: '/l' }], raid: [{ name: 'md', level: 'raid1' }, { name: 'x' }] },
      },
      from,
    );
    const expected = filled
      ? {
          links: [{ path: '/l', target: '' }],
          raid: [
            { name: 'md', level: 'raid1' },
            { name: 'x', level: '' },
          ],
        }
      : { links: [{ path: '/l' }], raid: [{ name: 'md', level: 'raid1' }, { name: 'x' }] };
    expect((up as TestConfig).storage).toEqual(expected);
  });

  it.each<[SpecVersion, number, number]>([
    ['3.0.0', 0o4755, 0o755],
    ['3.5.0', 0o7777, 0o777],
    ['3.5.0', 0o2644, 0o644],
    ['3.5.0', 0o644, 0o644],
    ['3.6.0', 0o4755, 0o4755],
    ['3.7.0-experimental', 0o1777, 0o1777],
  ])('from %s mode %o becomes %o on files and directories', (from, mode, expected) => {
    const up = translateUp(
      { ignition: { version: from }, storage: { files: [{ path: '/f', mode }], directories: [{ path: '/d', mode }] } },
      from,
    ) as TestConfig;
    expect(up.storage?.files?.[0]?.mode).toBe(expected);
    expect(up.storage?.directories?.[0]?.mode).toBe(expected);
  });

  it('keeps 3.4.0 tang advertisements unless asked to reproduce the upstream bug', () => {
    const config = {
      ignition: { version: '3.4.0' },
      storage: { luks: [{ name: 'l', clevis: { tang: [{ url: 'http://t', thumbprint: 'x', advertisement: '{}' }] } }] },
    };
    const kept = serializeConfig(translateUp(config, '3.4.0'), { pretty: false });
    expect(kept).toContain('"advertisement":"{}"');
    const dropped = serializeConfig(translateUp(config, '3.4.0', { dropTangAdvertisement: true }), { pretty: false });
    expect(dropped).toContain('"tang":[{"thumbprint":"x","url":"http://t"}]');
    const from35 = serializeConfig(
      translateUp({ ...config, ignition: { version: '3.5.0' } }, '3.5.0', { dropTangAdvertisement: true }),
      { pretty: false },
    );
    expect(from35).toContain('"advertisement":"{}"');
  });

  it('drops keys the source version does not have, as decoding into its types does', () => {
    const config = {
      ignition: {
        version: '3.0.0',
        proxy: { httpProxy: 'http://p' },
        config: { merge: [{ source: 'https://a', compression: 'gzip', httpHeaders: [{ name: 'A', value: 'b' }] }] },
      },
      kernelArguments: { shouldExist: ['quiet'] },
      storage: {
        luks: [{ name: 'l' }],
        files: [{ path: '/f', mdoe: 420, contents: { compression: 'gzip', source: 'data:,x' } }],
      },
      foo: true,
    };
    expect(translateUp(config, '3.0.0')).toEqual({
      ignition: { version: LATEST, config: { merge: [{ source: 'https://a' }] } },
      storage: { files: [{ path: '/f', contents: { compression: 'gzip', source: 'data:,x' } }] },
    });
    const from33 = translateUp({ ...config, ignition: { version: '3.3.0' } }, '3.3.0') as TestConfig;
    expect(from33.kernelArguments).toEqual({ shouldExist: ['quiet'] });
    expect(from33.storage?.['luks']).toEqual([{ name: 'l' }]);
    expect(from33).not.toHaveProperty('foo');
  });

  it('does not modify its input', () => {
    const config = {
      ignition: { version: '3.2.0' },
      storage: { files: [{ path: '/f', mode: 0o4755 }], links: [{ path: '/l' }] },
    };
    const before = JSON.stringify(config);
    translateUp(config, '3.2.0');
    expect(JSON.stringify(config)).toBe(before);
  });
});

function errors(config: object, to: SpecVersion): string[] {
  return translateDown(config, to).report.map((e) => `${e.code} ${formatPath(e.path ?? [])}: ${e.message}`);
}

describe('translateDown', () => {
  it('rewrites the version when every field exists in the target', () => {
    const config = {
      ignition: { version: LATEST },
      storage: {
        luks: [
          { name: 'l', device: '/d', discard: true, clevis: { tang: [{ url: 'http://t', advertisement: '{}' }] } },
        ],
      },
    };
    const result = translateDown(config, '3.4.0');
    expect(result.report).toEqual([]);
    expect(result.config).toEqual({ ...config, ignition: { version: '3.4.0' } });
  });

  it('reports every field the target lacks, at its path, in walk order, and returns no config', () => {
    const config = {
      ignition: {
        version: LATEST,
        proxy: { httpProxy: 'http://p' },
        config: { merge: [{ source: 'https://a', compression: 'gzip' }] },
      },
      kernelArguments: { shouldExist: ['a'] },
      storage: {
        disks: [{ device: '/d', partitions: [{ number: 1, resize: false }] }],
        files: [
          {
            path: '/f',
            contents: { compression: 'gzip', source: 'https://x', httpHeaders: [{ name: 'A', value: 'b' }] },
          },
        ],
        filesystems: [{ device: '/d1', format: 'ext4', mountOptions: ['ro'] }],
        luks: [{ name: 'l', cex: { enabled: true } }],
      },
      passwd: { users: [{ name: 'u', shouldExist: false }] },
    };
    const result = translateDown(config, '3.0.0');
    expect(result.config).toBeUndefined();
    expect(errors(config, '3.0.0')).toEqual([
      'TRANSLATE_UNSUPPORTED $.kernelArguments: kernelArguments is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.ignition.proxy: proxy is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.ignition.config.merge.0.compression: compression is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.passwd.users.0.shouldExist: shouldExist is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.storage.luks: luks is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.storage.disks.0.partitions.0.resize: resize is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.storage.files.0.contents.httpHeaders: httpHeaders is not supported in spec version 3.0.0',
      'TRANSLATE_UNSUPPORTED $.storage.filesystems.0.mountOptions: mountOptions is not supported in spec version 3.0.0',
    ]);
    expect(result.report.every((e) => e.severity === 'error')).toBe(true);
  });

  it.each<[SpecVersion, string[]]>([
    ['3.6.0', []],
    ['3.5.0', []],
    ['3.4.0', ['$.storage.luks.0.cex']],
    [
      '3.3.0',
      [
        '$.storage.luks.0.cex',
        '$.storage.luks.0.discard',
        '$.storage.luks.0.openOptions',
        '$.storage.luks.0.clevis.tang.0.advertisement',
      ],
    ],
    [
      '3.2.0',
      [
        '$.kernelArguments',
        '$.storage.luks.0.cex',
        '$.storage.luks.0.discard',
        '$.storage.luks.0.openOptions',
        '$.storage.luks.0.clevis.tang.0.advertisement',
      ],
    ],
    ['3.1.0', ['$.kernelArguments', '$.storage.luks']],
  ])('down to %s reports %j', (to, paths) => {
    const config = {
      ignition: { version: LATEST },
      kernelArguments: { shouldNotExist: ['quiet'] },
      storage: {
        luks: [
          {
            name: 'l',
            cex: { enabled: false },
            discard: false,
            openOptions: ['--x'],
            clevis: { tang: [{ url: 'http://t', advertisement: '{}' }] },
          },
        ],
      },
    };
    expect(translateDown(config, to).report.map((e) => formatPath(e.path ?? []))).toEqual(paths);
  });

  it('ignores unset fields, empty lists and empty objects, and compression on 3.0 file contents', () => {
    const config = {
      ignition: { version: LATEST, proxy: {}, config: { merge: [{ source: 'https://a', compression: null }] } },
      kernelArguments: { shouldExist: [] },
      storage: {
        luks: [],
        files: [
          {
            path: '/f',
            contents: { compression: 'gzip', source: 'data:,x', httpHeaders: [] },
            append: [{ compression: '', source: 'data:,y' }],
          },
        ],
      },
    };
    const result = translateDown(config, '3.0.0');
    expect(result.report).toEqual([]);
    expect((result.config as TestConfig).ignition.version).toBe('3.0.0');
  });

  it('compression on CA references needs 3.1', () => {
    const config = {
      ignition: {
        version: LATEST,
        security: { tls: { certificateAuthorities: [{ source: 'https://ca', compression: 'gzip' }] } },
      },
    };
    expect(errors(config, '3.0.0')).toEqual([
      'TRANSLATE_UNSUPPORTED $.ignition.security.tls.certificateAuthorities.0.compression: compression is not supported in spec version 3.0.0',
    ]);
    expect(errors(config, '3.1.0')).toEqual([]);
  });
});

function getAt(root: unknown, path: ConfigPath): unknown {
  return path.reduce<unknown>(
    (node, segment) => (node as Record<string | number, unknown> | undefined)?.[segment],
    root,
  );
}

function deleteAt(root: unknown, path: ConfigPath): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  delete parent[path[path.length - 1] as string | number];
}

/** What a config looks like after a round trip through an older spec's Go types. */
function expectedAfterRoundTrip(config: TestConfig, version: SpecVersion): TestConfig {
  const copy = structuredClone(config);
  if (!atLeast(version, '3.6.0')) {
    for (const node of [...(copy.storage?.files ?? []), ...(copy.storage?.directories ?? [])]) {
      if (node.mode !== undefined) node.mode &= 0o777;
    }
  }
  if (!atLeast(version, '3.3.0')) for (const raid of copy.storage?.raid ?? []) raid.level ??= '';
  if (!atLeast(version, '3.1.0'))
    for (const ca of copy.ignition.security?.tls?.certificateAuthorities ?? []) ca.source ??= '';
  return copy;
}

describe('translation properties', () => {
  it('every reported path names a field that is set in the config', () => {
    fc.assert(
      fc.property(newestConfig, fc.constantFrom(...SPEC_VERSIONS), (config, to) => {
        const { report, config: down } = translateDown(config, to);
        expect(down === undefined).toBe(report.length > 0);
        for (const error of report) {
          expect(error.code).toBe('TRANSLATE_UNSUPPORTED');
          expect(getAt(config, error.path ?? [])).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('translateUp(translateDown(x)) == x once the reported fields are removed', () => {
    fc.assert(
      fc.property(newestConfig, fc.constantFrom(...SPEC_VERSIONS), (generated, to) => {
        const config = structuredClone(generated);
        for (const error of translateDown(config, to).report) deleteAt(config, error.path ?? []);
        const down = translateDown(config, to);
        expect(down.report).toEqual([]);
        expect((down.config as TestConfig).ignition.version).toBe(to);
        const up = translateUp(down.config as object, to);
        expect(serializeConfig(up, { pretty: false })).toBe(
          serializeConfig(expectedAfterRoundTrip(config, to), { pretty: false }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
