// systemd units on temp roots: files and drop-ins, masks, and the preset file with upstream's
// grouping of template instances, sorting, and disable lines only for enabled units.
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { presetLines, splitInstance } from '../../../src/stages/files/units.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { newRoot, removeRoots, runFiles } from './support/run.ts';

afterEach(removeRoots);

const UNIT = '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';
const PRESET = 'etc/systemd/system-preset/20-ignition.preset';

describe('preset lines', () => {
  test('instances of one template with one state share a line; sorted by unit name', () => {
    expect(
      presetLines([
        { name: 'z.service', enabled: true },
        { name: 'getty@tty2.service', enabled: true },
        { name: 'a.timer', enabled: false },
        { name: 'getty@tty1.service', enabled: true },
        { name: 'getty@tty3.service', enabled: false },
      ]),
    ).toEqual(['disable a.timer', 'disable getty@.service tty3', 'enable getty@.service tty2 tty1', 'enable z.service']);
  });

  test('splitInstance', () => {
    expect(splitInstance('foo@bar-baz.service')).toEqual(['foo@.service', 'bar-baz']);
    expect(splitInstance('foo@.service')).toEqual(['foo@.service', undefined]);
    expect(splitInstance('plain.socket')).toEqual(['plain.socket', undefined]);
  });
});

describe('units', () => {
  test('unit files and drop-ins are written 0644; null drop-ins and empty units are not', async () => {
    const root = newRoot();
    await runFiles(root, {
      systemd: {
        units: [
          { name: 'a.service', contents: UNIT, dropins: [{ name: '10.conf', contents: '[Service]\nNice=1\n' }, { name: 'empty.conf', contents: '' }, { name: 'null.conf' }] },
          { name: 'b.service', contents: '' },
        ],
      },
    });
    const dir = join(root, 'etc/systemd/system');
    expect(readFileSync(join(dir, 'a.service'), 'utf8')).toBe(UNIT);
    expect(lstatSync(join(dir, 'a.service')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, 'a.service.d/10.conf'), 'utf8')).toBe('[Service]\nNice=1\n');
    expect(readFileSync(join(dir, 'a.service.d/empty.conf'), 'utf8')).toBe('');
    expect(existsSync(join(dir, 'a.service.d/null.conf'))).toBe(false);
    expect(existsSync(join(dir, 'b.service'))).toBe(false);
  });

  test('mask replaces whatever is there with a /dev/null link; unmask removes only such links', async () => {
    const root = newRoot();
    const dir = join(root, 'etc/systemd/system');
    writeFileSync(join(dir, 'keep.service'), UNIT);
    await runFiles(root, {
      systemd: { units: [{ name: 'preexisting.service', mask: true }, { name: 'masked.service', mask: false }, { name: 'keep.service', mask: false }] },
    });
    expect(readlinkSync(join(dir, 'preexisting.service'))).toBe('/dev/null');
    expect(existsSync(join(dir, 'masked.service'))).toBe(false);
    expect(readFileSync(join(dir, 'keep.service'), 'utf8')).toBe(UNIT);
  });

  test('enable lines are appended to an existing preset file', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'etc/systemd/system-preset'), { recursive: true });
    writeFileSync(join(root, PRESET), 'enable earlier.service\n');
    await runFiles(root, { systemd: { units: [{ name: 'b.service', contents: UNIT, enabled: true }, { name: 'a.service', contents: UNIT, enabled: true }] } });
    expect(readFileSync(join(root, PRESET), 'utf8')).toBe('enable earlier.service\nenable a.service\nenable b.service\n');
  });
});

const systemctl = canRun('systemctl for is-enabled/disable --root', hasCommand('systemctl'));

describe.runIf(systemctl)('disable with real systemctl --root', () => {
  test('an enabled unit is disabled and gets a line; a disabled one gets neither', async () => {
    const root = newRoot();
    await runFiles(root, { systemd: { units: [{ name: 'preexisting.service', enabled: false }, { name: 'ghost.service', enabled: false }] } });
    expect(readFileSync(join(root, PRESET), 'utf8')).toBe('disable preexisting.service\n');
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants/preexisting.service'))).toBe(false);
  });

  test('no preset file when nothing is left to write', async () => {
    const root = newRoot();
    await runFiles(root, { systemd: { units: [{ name: 'ghost.service', enabled: false }] } });
    expect(existsSync(join(root, PRESET))).toBe(false);
  });
});
