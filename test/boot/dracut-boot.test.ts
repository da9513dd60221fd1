// The dracut module booted for real: a systemd initramfs made by the host's dracut with our module
// runs the stage units under QEMU, provisions a blank disk, and on an invalid config prints the
// failure banner before the emergency target (rd.shell=0 rd.emergency=poweroff ends the guest).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { run as runProcess } from '../helpers/process.ts';
import { buildBootImage, debugfs, missingForBoot, partitions, probe, repo, run, sha256, statExt4 } from './harness.ts';

async function missingForDracut(): Promise<string | undefined> {
  if (!hasCommand('dracut')) return 'dracut is not installed (apt-get install dracut-core)';
  if (!existsSync('/lib/systemd/systemd')) return 'systemd is not installed on the host (dracut copies it)';
  return missingForBoot();
}

const missing = await missingForDracut();
const available = canRun(`the dracut boot suite (${missing ?? ''})`, missing === undefined);
const fixtures = join(repo, 'test', 'boot', 'fixtures');
const BOOT_MS = 900_000;

if (!available) {
  process.stderr.write(`test/boot: dracut boot suite skipped: ${missing}\n`);
  describe.skip(`dracut boot suite skipped: ${missing}`, () => {
    test('boots', async () => undefined);
  });
}

/** Boots the dracut image; the console without colour codes. */
async function bootDracut(image: string, disk: string, config: string): Promise<{ status: number; console: string }> {
  const kernel = join(repo, '.cache', 'kernel', 'vmlinux');
  const kargs = 'root=LABEL=root ignition.firstboot ignition.platform.id=qemu rd.shell=0 rd.emergency=poweroff';
  const result = await runProcess(
    join(repo, 'initrd', 'qemu-boot.sh'),
    [kernel, image, disk, kargs, '-fw_cfg', `name=opt/com.coreos/config,file=${config}`],
    { env: { KLOG: 'loglevel=4' } },
  );
  return { status: result.exitCode, console: result.stdout.replace(/\x1b\[[0-9;]*m/g, '') };
}

describe.runIf(available)('dracut module under QEMU', () => {
  let work: string;
  let image: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-dracut-boot-'));
    mkdirSync(join(repo, '.cache', 'boot-logs'), { recursive: true });
    // The same private executable as the other boot suites (and the kernel dracut packs).
    const { exe } = await buildBootImage(work);
    image = join(work, 'dracut.img');
    await run(join(repo, 'initrd', 'dracut', 'mkimage.sh'), [image], { env: { KINDLING_EXE: exe } });
  }, BOOT_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the stage units provision a blank disk, umount running as the mount unit stops', async () => {
    const disk = join(work, 'disk.img');
    writeFileSync(disk, '');
    await run('truncate', ['-s', '256M', disk]);
    const result = await bootDracut(image, disk, join(fixtures, 'dracut.ign'));
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

    const [root] = await partitions(disk);
    expect(root).toMatchObject({ number: 1, name: 'root' });
    const start = root?.start ?? 0;
    expect(await probe(disk, start)).toMatchObject({ TYPE: 'ext4', LABEL: 'root' });
    expect(await debugfs(disk, start, 'cat /etc/hello-from-dracut')).toBe('dracut\n');
    expect((await statExt4(disk, start, '/etc/hello-from-dracut')).mode).toBe(0o600);
    expect(await debugfs(disk, start, 'cat /etc/systemd/system-preset/20-ignition.preset')).toBe('enable hello.service\n');
    const varPart = (await partitions(disk)).find((p) => p.name === 'var');
    expect(await debugfs(disk, varPart?.start ?? 0, 'cat /hello-on-var')).toBe('var\n');
  }, BOOT_MS);

  test('an invalid config shows the failure banner and the error, and the disk stays untouched', async () => {
    const disk = join(work, 'invalid.img');
    writeFileSync(disk, '');
    await run('truncate', ['-s', '64M', disk]);
    await run('sgdisk', ['-n1:0:+16M', '-c1:precious', disk]);
    const before = sha256(disk);
    const result = await bootDracut(image, disk, join(fixtures, 'invalid.ign'));
    writeFileSync(join(repo, '.cache', 'boot-logs', 'dracut-invalid.log'), result.console);
    expect(result.console).toContain('Kindling (Ignition) failed: the first-boot configuration was not applied.');
    expect(result.console).toContain('path not absolute');
    expect(result.console).toMatch(/Reached target [^\n]*Kindling: Ignition failed\./);
    expect(result.console).not.toMatch(/Starting [^\n]*Ignition \(disks\)/);
    expect(sha256(disk)).toBe(before);
  }, BOOT_MS);
});
