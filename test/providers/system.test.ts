import { describe, expect, test } from 'vitest';
import { readBaseConfigs, readSystemUserConfig, systemConfigDirs } from '../../src/providers/system.ts';
import { tree } from './helpers.ts';

describe('system config directories', () => {
  test('defaults and environment overrides, in priority order', () => {
    expect(systemConfigDirs({})).toEqual(['/run/ignition', '/etc/ignition', '/usr/lib/ignition']);
    expect(
      systemConfigDirs({ IGNITION_SYSTEM_RUNTIME_CONFIG_DIR: '/r', IGNITION_SYSTEM_LOCAL_CONFIG_DIR: '/l', IGNITION_SYSTEM_CONFIG_DIR: '/s' }),
    ).toEqual(['/r', '/l', '/s']);
  });

  test('user.ign comes from the first directory that has one', async () => {
    const root = tree({ 'etc/user.ign': 'etc', 'usr/user.ign': 'usr' });
    const dirs = [`${root}/run`, `${root}/etc`, `${root}/usr`];
    expect(await readSystemUserConfig(dirs)).toEqual({ text: 'etc', source: `${root}/etc/user.ign` });
    expect(await readSystemUserConfig([`${root}/run`])).toBeUndefined();
  });

  test('base.d then base.platform.d/<platform>, names claimed by the highest-priority directory, sorted', async () => {
    const root = tree({
      'usr/base.d/20-b.ign': 'usr-b',
      'usr/base.d/10-a.ign': 'usr-a',
      'run/base.d/20-b.ign': 'run-b',
      'etc/base.d/30-c.conf': 'etc-c',
      'usr/base.platform.d/aws/00-p.ign': 'aws-p',
      'usr/base.platform.d/gcp/00-p.ign': 'gcp-p',
    });
    const dirs = [`${root}/run`, `${root}/etc`, `${root}/usr`];
    const found = await readBaseConfigs(dirs, 'aws');
    expect(found.map((f) => f.text)).toEqual(['usr-a', 'run-b', 'etc-c', 'aws-p']);
    expect(found[1]?.source).toBe(`${root}/run/base.d/20-b.ign`);
    expect((await readBaseConfigs(dirs, 'metal')).map((f) => f.text)).toEqual(['usr-a', 'run-b', 'etc-c']);
  });
});
