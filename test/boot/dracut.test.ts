// The dracut module without booting: the generator's first-boot decision from the kernel command
// line, the stage units' order (upstream's, ignition-spec.md §9.3) and their cleared environment.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { run as runProcess } from '../helpers/process.ts';
import { repo, run } from './harness.ts';

const moduleDir = join(repo, 'initrd', 'dracut', '30kindling');
const work = mkdtempSync(join(tmpdir(), 'kindling-dracut-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function generate(cmdline: string): Promise<{ wants: string[]; env: string }> {
  const dir = mkdtempSync(join(work, 'gen-'));
  writeFileSync(join(dir, 'cmdline'), `${cmdline}\n`);
  await run(join(moduleDir, 'kindling-generator'), [join(dir, 'units')], {
    env: { PATH: process.env.PATH, KINDLING_CMDLINE: join(dir, 'cmdline'), KINDLING_RUN_DIR: join(dir, 'run') },
    extendEnv: false,
  });
  return {
    wants: readdirSync(join(dir, 'units', 'initrd.target.wants')),
    env: readFileSync(join(dir, 'run', 'ignition.env'), 'utf8'),
  };
}

describe('kindling-generator', () => {
  test.each([
    { cmdline: 'root=LABEL=root ignition.firstboot', first: true },
    { cmdline: 'ignition.firstboot=1 quiet', first: true },
    { cmdline: 'flatcar.first_boot=detected', first: true },
    { cmdline: 'root=/dev/vda1 quiet', first: false },
    { cmdline: 'ignition.firstboot=0', first: false },
    { cmdline: 'ignition.firstboot=off', first: false },
    { cmdline: 'ignition.firstboot=', first: false },
    { cmdline: 'ignition.firstboot ignition.firstboot=no', first: false },
    { cmdline: 'ignition.firstboot=no ignition.firstboot', first: true },
    { cmdline: 'ignition.firstboot.x=1', first: false },
  ])('$cmdline -> first boot $first', async ({ cmdline, first }) => {
    const { wants } = await generate(cmdline);
    expect(wants).toEqual([first ? 'ignition-complete.target' : 'ignition-subsequent.target']);
  });

  test('passes ignition.platform.id to the units, metal when absent', async () => {
    expect((await generate('ignition.firstboot ignition.platform.id=qemu')).env).toBe('PLATFORM_ID=qemu\n');
    expect((await generate('ignition.firstboot')).env).toBe('PLATFORM_ID=metal\n');
  });
});

type Unit = Record<string, string[]>;

function readUnit(name: string): Unit {
  const unit: Unit = {};
  for (const line of readFileSync(join(moduleDir, name), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m === null) continue;
    (unit[m[1] as string] ??= []).push(m[2] as string);
  }
  return unit;
}

const unitNames = readdirSync(moduleDir).filter((n) => /\.(service|target)$/.test(n));
const units = Object.fromEntries(unitNames.map((n) => [n, readUnit(n)]));

/** a runs before b when an After=/Before= chain leads from a to b. */
function runsBefore(a: string, b: string): boolean {
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string) => edges.set(from, (edges.get(from) ?? new Set()).add(to));
  for (const [name, unit] of Object.entries(units)) {
    for (const list of unit.After ?? []) for (const other of list.split(/\s+/)) add(other, name);
    for (const list of unit.Before ?? []) for (const other of list.split(/\s+/)) add(name, other);
  }
  const seen = new Set<string>();
  const queue = [a];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    for (const to of edges.get(next) ?? []) {
      if (to === b) return true;
      if (!seen.has(to)) queue.push(to), seen.add(to);
    }
  }
  return false;
}

describe('dracut units', () => {
  const stages = ['fetch-offline', 'fetch', 'kargs', 'disks', 'mount', 'files'];

  test('one unit per stage, umount as the mount unit stop', () => {
    for (const stage of stages) {
      const exec = units[`ignition-${stage}.service`]?.ExecStart?.[0] ?? '';
      expect(exec).toContain(`--stage=${stage}`);
    }
    expect(units['ignition-mount.service']?.ExecStop?.[0]).toContain('--stage=umount');
  });

  test('stages are ordered as upstream: fetch-offline, fetch, kargs, disks, sysroot, mount, files', () => {
    const chain = [...stages.map((s) => `ignition-${s}.service`), 'ignition-complete.target'];
    for (let i = 0; i + 1 < chain.length; i++) expect(runsBefore(chain[i] as string, chain[i + 1] as string)).toBe(true);
    expect(runsBefore('ignition-disks.service', 'sysroot.mount')).toBe(true);
    expect(runsBefore('initrd-root-fs.target', 'ignition-mount.service')).toBe(true);
    expect(runsBefore('ignition-files.service', 'ignition-disks.service')).toBe(false);
  });

  test('networking is started only on the neednet flag, and fetch only without a cached config', () => {
    expect(units['kindling-enable-network.service']?.ConditionPathExists).toEqual(['/run/ignition/neednet']);
    expect(units['ignition-fetch.service']?.ConditionPathExists).toEqual(['/run/ignition/neednet', '!/run/ignition.json']);
    for (const unit of Object.values(units)) expect(unit.Wants?.join(' ') ?? '').not.toContain('network-online.target');
  });

  test('every stage runs with a cleared environment and fails into the emergency target', () => {
    for (const stage of stages) {
      const unit = units[`ignition-${stage}.service`] as Unit;
      expect(unit.ExecStart?.[0]).toMatch(/^\/usr\/bin\/env -i PATH=\S+ \/usr\/bin\/ignition /);
      expect(unit.OnFailure).toEqual(['kindling-emergency.target']);
    }
    expect(units['kindling-emergency.target']?.Requires?.[0]).toContain('kindling-emergency-message.service');
  });

  test('module-setup installs every unit and script of the module', () => {
    const setup = readFileSync(join(moduleDir, 'module-setup.sh'), 'utf8');
    for (const name of unitNames) expect(setup).toContain(name);
    expect(setup).toContain('kindling-generator');
    expect(existsSync(join(moduleDir, 'kindling-emergency-message'))).toBe(true);
  });

  // What only an initramfs provides (sysroot.mount, the installed message script) is expected missing.
  test.runIf(canRun('systemd-analyze (Debian package systemd)', hasCommand('systemd-analyze')))('systemd-analyze verify finds nothing else wrong', async () => {
    const dir = join(work, 'verify');
    mkdirSync(dir);
    for (const name of unitNames) copyFileSync(join(moduleDir, name), join(dir, name));
    const result = await runProcess('systemd-analyze', ['verify', '--man=no', ...unitNames.map((n) => join(dir, n))], {
      env: { SYSTEMD_LOG_LEVEL: 'notice' },
    });
    // What it reports on a failure goes to stderr as well.
    const output = result.exitCode === 0 ? result.stdout : `${result.stdout}${result.stderr}`;
    const unexpected = output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => !/Unit sysroot\.mount not found|\/usr\/lib\/kindling\/emergency-message is not executable/.test(line));
    expect(unexpected).toEqual([]);
  });
});
