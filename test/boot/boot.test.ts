// End to end: the single executable is reproducible and ignores NODE_OPTIONS; the test initramfs
// boots under QEMU and provisions a blank disk from fw_cfg and from a Matchbox-style HTTP server,
// stops untouched on an invalid config, and leaves a provisioned disk alone on the next boot.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, isRoot } from '../helpers/env.ts';
import { startMatchbox } from '../helpers/matchbox.ts';
import { boot, buildBootImage, debugfs, missingForBoot, partitions, probe, repo, run, seaRuntime, sha256, statExt4 } from './harness.ts';

const missing = await missingForBoot();
const available = canRun(`the QEMU boot suite (${missing ?? ''})`, missing === undefined);
const fixtures = join(repo, 'test', 'boot', 'fixtures');
const LINUX_FS = '0fc63daf-8483-4772-8e79-3d69d8477de4';
const SWAP = '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f';
const BOOT_MS = 900_000;
// Consoles stay after the run (next to the kernel cache) so a failure can be read afterwards.
const logs = join(repo, '.cache', 'boot-logs');

if (!available) {
  process.stderr.write(`test/boot: QEMU boot suite skipped: ${missing}\n`);
  describe.skip(`QEMU boot suite skipped: ${missing}`, () => {
    test('boots', async () => undefined);
  });
}

describe.runIf(available)('single executable and QEMU boot', () => {
  let work: string;
  let exe: string;
  let bundle: string;
  let provisioned: string;
  let seaEnv: Record<string, string | undefined>;

  beforeAll(async () => {
    seaEnv = { KINDLING_SEA_NODE: await seaRuntime() };
    work = mkdtempSync(join(tmpdir(), 'kindling-boot-'));
    mkdirSync(logs, { recursive: true });
    // A private executable from a pinned copy of the bundles, and the initramfs.
    ({ exe, bundle } = await buildBootImage(work));
  }, BOOT_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('two builds of the single executable from one bundle are byte-for-byte identical', async () => {
    // Both from the pinned copy of the bundle: the tree may change under a running suite.
    const second = join(work, 'second', 'kindling');
    const env = { ...seaEnv, KINDLING_SEA_OUT: second, KINDLING_SEA_BUNDLE: bundle };
    await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env });
    expect(sha256(second)).toBe(sha256(exe));
    // The blob is really there: the executable runs Kindling, not a bare node.
    expect(await run(second, ['version'], { env: {}, extendEnv: false })).toMatch(/^Kindling /);
  }, BOOT_MS);

  test('the executable dispatches on its name and ignores NODE_OPTIONS', async () => {
    const inject = join(work, 'inject.cjs');
    writeFileSync(inject, 'process.stdout.write("INJECTED\\n");\n');
    const link = join(work, 'ignition');
    await run('ln', ['-sf', exe, link]);
    const env = { PATH: '/usr/bin:/bin', NODE_OPTIONS: `--require ${inject}` };
    expect(await run(exe, ['version'], { env, extendEnv: false })).toMatch(/^Kindling \d/);
    expect(await run(link, ['-version'], { env, extendEnv: false })).toContain('Ignition compatible');
    // The same option does reach a plain node, so the check above is not vacuous.
    expect(await run(process.execPath, ['-e', '0'], { env, extendEnv: false })).toContain('INJECTED');
  });

  test('fw_cfg config: partitions, filesystems, files, user, unit preset and result file', async () => {
    provisioned = join(work, 'provisioned.img');
    writeFileSync(provisioned, '');
    await run('truncate', ['-s', '640M', provisioned]);
    const result = await boot({
      disk: provisioned,
      config: join(fixtures, 'provision.ign'),
      overlay: join(fixtures, 'os-root'),
      log: join(logs, 'fwcfg.log'),
    });
    expect(result.console).toContain('Ignition finished: provisioning complete');
    expect(result.status).toBe(0);

    const parts = await partitions(provisioned);
    expect(parts.map((p) => [p.number, p.name, p.sizeMiB])).toEqual([
      [1, 'root', 200],
      [2, 'var', 320],
      [3, 'swap', 32],
    ]);
    expect(parts.map((p) => p.typeGuid)).toEqual([LINUX_FS, LINUX_FS, SWAP]);
    const [root, vari, swap] = parts.map((p) => p.start) as [number, number, number];
    expect(await probe(provisioned, root)).toMatchObject({ TYPE: 'ext4', LABEL: 'root' });
    expect(await probe(provisioned, vari)).toMatchObject({ TYPE: 'xfs', LABEL: 'var' });
    expect(await probe(provisioned, swap)).toMatchObject({ TYPE: 'swap', LABEL: 'swap' });

    expect(await debugfs(provisioned, root, 'cat /etc/hostname')).toBe('kindling-boot-test\n');
    expect(await statExt4(provisioned, root, '/etc/kindling/secret.conf')).toMatchObject({ type: 'regular', mode: 0o600, uid: 0 });
    expect(await debugfs(provisioned, root, 'stat /etc/localtime')).toContain('Fast link dest: "/usr/share/zoneinfo/UTC"');
    const passwd = await debugfs(provisioned, root, 'cat /etc/passwd');
    const core = passwd.split('\n').find((l) => l.startsWith('core:'))?.split(':') ?? [];
    expect(core.slice(5)).toEqual(['/home/core', expect.any(String)]);
    const [uid, gid] = [Number(core[2]), Number(core[3])];
    const keys = '/home/core/.ssh/authorized_keys.d/ignition';
    expect(await debugfs(provisioned, root, `cat ${keys}`)).toMatch(/^ssh-ed25519 \S+ core@test\n$/);
    expect(await statExt4(provisioned, root, keys)).toMatchObject({ mode: 0o600, uid, gid });
    expect(await statExt4(provisioned, root, '/home/core/.ssh')).toMatchObject({ type: 'directory', mode: 0o700, uid });
    expect(await debugfs(provisioned, root, 'cat /etc/systemd/system/hello.service')).toContain('ExecStart=/bin/echo hello');
    expect(await debugfs(provisioned, root, 'cat /etc/systemd/system-preset/20-ignition.preset')).toBe('enable hello.service\n');
    const report = JSON.parse(await debugfs(provisioned, root, 'cat /etc/.ignition-result.json')) as Record<string, unknown>;
    expect(report).toMatchObject({ userConfigProvided: true, provisioningBootID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await statExt4(provisioned, root, '/etc/.ignition-result.json')).mode).toBe(0o600);
    // /var is a mount point on the root filesystem; its files went to the xfs partition.
    expect(await debugfs(provisioned, root, 'ls /var')).not.toContain('lib');

    if (!canRun('root and loop devices to mount the xfs /var', isRoot)) return;
    const mnt = join(work, 'mnt');
    mkdirSync(mnt, { recursive: true });
    await run('mount', ['-t', 'xfs', '-o', `ro,loop,offset=${vari * 512},sizelimit=${320 * 1048576}`, provisioned, mnt]);
    try {
      const file = join(mnt, 'lib', 'kindling', 'on-var.txt');
      expect(readFileSync(file, 'utf8')).toBe('written to the xfs var\n');
      expect(statSync(file)).toMatchObject({ mode: 0o100640, uid, gid: 0 });
      // Only a user was given: the group stays root's, as upstream resolves it.
      expect(statSync(join(mnt, 'lib', 'kindling'))).toMatchObject({ mode: 0o40700, uid, gid: 0 });
    } finally {
      await run('umount', [mnt]);
    }
  }, BOOT_MS);

  test('a second boot of the provisioned disk runs no stage and changes nothing', async () => {
    expect(provisioned).toBeDefined();
    const before = sha256(provisioned);
    const result = await boot({ disk: provisioned, firstBoot: false, log: join(logs, 'second.log') });
    expect(result.status).toBe(0);
    expect(result.console).toContain('not a first boot: Ignition stages skipped');
    expect(result.console).toContain('root LABEL=root (/dev/vda1) mounted at /sysroot');
    expect(result.console).not.toMatch(/ignition stage|passed/);
    expect(sha256(provisioned)).toBe(before);
  }, BOOT_MS);

  test('ignition.config.url: the config Matchbox serves for this MAC, plus a remote file from its assets', async () => {
    const mac = '52:54:00:4b:1d:07';
    // A Matchbox data directory: one group selecting this MAC, its profile naming by-mac.ign.
    const data = join(work, 'matchbox');
    for (const dir of ['groups', 'profiles', 'ignition', 'assets']) mkdirSync(join(data, dir), { recursive: true });
    const server = await startMatchbox({ data });
    const port = server.port;
    writeFileSync(join(data, 'groups', 'by-mac.json'), JSON.stringify({ id: 'by-mac', profile: 'node', selector: { mac } }));
    writeFileSync(join(data, 'profiles', 'node.json'), JSON.stringify({ id: 'node', ignition_id: 'by-mac.ign' }));
    const config = readFileSync(join(fixtures, 'by-mac.ign'), 'utf8');
    writeFileSync(join(data, 'ignition', 'by-mac.ign'), config.replaceAll('__PORT__', String(port)));
    writeFileSync(join(data, 'assets', 'motd'), 'served by the host\n');
    const disk = join(work, 'by-mac.img');
    writeFileSync(disk, '');
    await run('truncate', ['-s', '256M', disk]);
    try {
      const result = await boot({
        disk,
        url: `http://10.0.2.2:${port}/ignition?mac=${mac.replaceAll(':', '-')}`,
        mac,
        overlay: join(fixtures, 'os-root'),
        log: join(logs, 'by-mac.log'),
      });
      expect(result.console).toContain('Ignition finished: provisioning complete');
      expect(result.status).toBe(0);
      // The network comes up only because fetch-offline asked for it, and before fetch.
      const order = ['ignition stage fetch-offline', 'bringing the network up', 'ignition stage fetch ('];
      const at = order.map((line) => result.console.indexOf(line));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    } finally {
      await server.close();
    }
    expect(server.requests).toContainEqual({ path: '/ignition', query: `mac=${mac.replaceAll(':', '-')}`, status: 200 });
    expect(server.requests).toContainEqual({ path: '/assets/motd', query: '', status: 200 });
    const [root] = await partitions(disk);
    expect(root).toMatchObject({ name: 'root' });
    expect(await debugfs(disk, root?.start ?? 0, 'cat /etc/motd')).toBe('served by the host\n');
    expect(await debugfs(disk, root?.start ?? 0, 'cat /etc/matchbox-group')).toBe('group for 52:54:00:4b:1d:07\n');
  }, BOOT_MS);

  test('an invalid config stops the boot with the error on the console and leaves the disk untouched', async () => {
    const disk = join(work, 'invalid.img');
    writeFileSync(disk, '');
    await run('truncate', ['-s', '64M', disk]);
    await run('sgdisk', ['-n1:0:+16M', '-c1:precious', disk]);
    const before = sha256(disk);
    const result = await boot({ disk, config: join(fixtures, 'invalid.ign'), log: join(logs, 'invalid.log') });
    expect(result.status).not.toBe(0);
    expect(result.status).toBeLessThan(124);
    expect(result.console).toContain('path not absolute');
    expect(result.console).toContain('EMERGENCY: ignition-fetch-offline failed');
    expect(result.console).not.toContain('ignition stage disks');
    expect(sha256(disk)).toBe(before);
  }, BOOT_MS);
});
