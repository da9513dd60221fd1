// systemd path escaping for generated unit names (upstream writes lowercase, unpadded hex).
import { describe, expect, test } from 'vitest';
import { escapePath } from '../../../transpiler/sugar/mount-units.ts';

describe('escapePath', () => {
  test.each([
    ['/var', 'var'],
    ['/var/lib/my-data', 'var-lib-my\\x2ddata'],
    ['//var//log/', 'var-log'],
    ['/', '-'],
    ['/.hidden/x', '\\x2ehidden-x'],
    ['/dev/disk/by-partlabel/var', 'dev-disk-by\\x2dpartlabel-var'],
    ['/a b\n', 'a\\x20b\\xa'],
    ['/dätä', 'd\\xc3\\xa4t\\xc3\\xa4'],
  ])('%j -> %s', (path, escaped) => {
    expect(escapePath(path)).toBe(escaped);
  });
});
