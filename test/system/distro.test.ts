// Tool paths and distro switches from the environment.
import { describe, expect, test } from 'vitest';
import { distroOptionsFromEnv, toolEnvName, toolsFromEnv } from '../../src/system/distro.ts';

describe('distro', () => {
  test('environment names', () => {
    expect(toolEnvName('useradd')).toBe('KINDLING_USERADD');
    expect(toolEnvName('mkfsExt4')).toBe('KINDLING_MKFS_EXT4');
  });

  test('overrides replace only the named tools', () => {
    const tools = toolsFromEnv({ KINDLING_USERADD: '/stub/useradd', KINDLING_MKFS_EXT4: '/stub/mkfs' });
    expect(tools.useradd).toBe('/stub/useradd');
    expect(tools.mkfsExt4).toBe('/stub/mkfs');
    expect(tools.groupadd).toBe('groupadd');
  });

  test('authorized_keys fragment is the default', () => {
    expect(distroOptionsFromEnv({}).writeAuthorizedKeysFragment).toBe(true);
    expect(distroOptionsFromEnv({ IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT: 'false' }).writeAuthorizedKeysFragment).toBe(false);
  });
});
