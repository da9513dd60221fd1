// The dracut module booted for real: a systemd initramfs made by the host's dracut with our module
// runs the stage units under QEMU, provisions a blank disk, and on an invalid config prints the
// failure banner before the emergency target (rd.shell=0 rd.emergency=poweroff ends the guest).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { debugfs, missingForBoot, partitions, probe, repo, run, seaRuntime, sha256, statExt4 } from './harness.ts';

function missingForDracut(): string | undefined {
  if (!hasCommand('dracut')) return 'dracut is not installed (apt-get install dracut-core)';
  if (!existsSync('/lib/systemd/systemd')) return 'systemd is not installed on the host (dracut copies it)';
  return missingForBoot();
}

const missing = missingForDracut();
const available = canRun(`the dracut boot suite (${missing ?? ''})`, missing === undefined);
const fixtures = join(repo, 'test', 'boot', 'fixtures');
const BOOT_MS = 900_000;

if (!available) {
  process.stderr.write(`test/boot: dracut boot suite skipped: ${missing}\n`);
  describe.skip(`dracut boot suite skipped: ${missing}`, () => {
    test('boots', () => undefined);
  });
}

/** Boots the dracut image; the console without colour codes. */
function bootDracut(image: string, disk: string, config: string): { status: number; console: string } {
  const kernel = join(repo, '.cache', 'kernel', 'vmlinux');
  const kargs = 'root=LABEL=root ignition.firstboot ignition.platform.id=qemu rd.shell=0 rd.emergency=poweroff';
  let status = 0;
  let output: string;
  try {
    output = execFileSync(
      join(repo, 'initrd', 'qemu-boot.sh'),
      [kernel, image, disk, kargs, '-fw_cfg', `name=opt/com.coreos/config,file=${config}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KLOG: 'loglevel=4' } },
    );
  } catch (error) {
    const failed = error as { status?: number; stdout?: string };
    status = failed.status ?? -1;
    output = failed.stdout ?? '';
  }
  return { status, console: output.replace(/\x1b\[[0-9;]*m/g, '') };
}

describe.runIf(available)('dracut module under QEMU', () => {
  let work: string;
  let image: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kindling-dracut-boot-'));
    mkdirSync(join(repo, '.cache', 'boot-logs'), { recursive: true });
    if (!existsSync(join(repo, 'dist', 'kindling.cjs'))) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'ignore' });
    }
    copyFileSync(join(repo, 'dist', 'kindling.cjs'), join(work, 'bundle.cjs'));
    const exe = join(work, 'kindling');
    const seaEnv = { ...process.env, KINDLING_SEA_NODE: seaRuntime(), KINDLING_SEA_OUT: exe, KINDLING_SEA_BUNDLE: join(work, 'bundle.cjs') };
    execFileSync(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env: seaEnv, stdio: 'ignore' });
    image = join(work, 'dracut.img');
    execFileSync(join(repo, 'initrd', 'dracut', 'mkimage.sh'), [image], {
      env: { ...process.env, KINDLING_EXE: exe },
      stdio: 'ignore',
    });
  }, BOOT_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the stage units provision a blank disk, umount running as the mount unit stops', () => {
    const disk = join(work, 'disk.img');
    writeFileSync(disk, '');
    execFileSync('truncate', ['-s', '256M', disk]);
    const result = bootDracut(image, disk, join(fixtures, 'dracut.ign'));
    writeFileSync(join(repo, '.cache', 'boot-logs', 'dracut.log'), result.console);
    for (const stage of ['fetch-offline', 'disks', 'mount', 'files']) {
      // systemd shortens long unit names on the console; the description is whole.
      expect(result.console).toMatch(new RegExp(`Finished [^\\n]*Ignition \\(${stage}\\)\\.`));
    }
    // No kernel arguments: the fetch stage left an idle marker and the kargs unit was not started.
    expect(result.console).not.toMatch(/Finished [^\n]*Ignition \(kargs\)\./);
    expect(result.console).toMatch(/Reached target [^\n]*Ignition Complete\./);
    expect(result.console).toContain('umount: umount passed');
    expect(result.console).not.toContain('Kindling (Ignition) failed');
    // The fetch stage is skipped: the config came from fw_cfg without networking.
    expect(result.console).not.toMatch(/Finished [^\n]*Ignition \(fetch\)\./);

    const [root] = partitions(disk);
    expect(root).toMatchObject({ number: 1, name: 'root' });
    const start = root?.start ?? 0;
    expect(probe(disk, start)).toMatchObject({ TYPE: 'ext4', LABEL: 'root' });
    expect(debugfs(disk, start, 'cat /etc/hello-from-dracut')).toBe('dracut\n');
    expect(statExt4(disk, start, '/etc/hello-from-dracut').mode).toBe(0o600);
    expect(debugfs(disk, start, 'cat /etc/systemd/system-preset/20-ignition.preset')).toBe('enable hello.service\n');
    const varPart = partitions(disk).find((p) => p.name === 'var');
    expect(debugfs(disk, varPart?.start ?? 0, 'cat /hello-on-var')).toBe('var\n');
  }, BOOT_MS);

  test('an invalid config shows the failure banner and the error, and the disk stays untouched', () => {
    const disk = join(work, 'invalid.img');
    writeFileSync(disk, '');
    execFileSync('truncate', ['-s', '64M', disk]);
    run('sgdisk', ['-n1:0:+16M', '-c1:precious', disk]);
    const before = sha256(disk);
    const result = bootDracut(image, disk, join(fixtures, 'invalid.ign'));
    writeFileSync(join(repo, '.cache', 'boot-logs', 'dracut-invalid.log'), result.console);
    expect(result.console).toContain('Kindling (Ignition) failed: the first-boot configuration was not applied.');
    expect(result.console).toContain('path not absolute');
    expect(result.console).toMatch(/Reached target [^\n]*Kindling: Ignition failed\./);
    expect(result.console).not.toMatch(/Starting [^\n]*Ignition \(disks\)/);
    expect(sha256(disk)).toBe(before);
  }, BOOT_MS);
});
