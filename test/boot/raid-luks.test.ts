// storage.raid and storage.luks end to end in the QEMU guest, whose Debian kernel has md and
// dm-crypt (CI's host kernel has neither, so test/privileged skips them there): one boot builds a
// RAID1 over two disks and two LUKS2 volumes, and the host reads the images back with mdadm,
// cryptsetup and debugfs, none of which needs a kernel driver for that.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { run as runProcess } from '../helpers/process.ts';
import { boot, buildBootImage, debugfs, missingForBoot, partitions, probe, repo, run, statExt4, type BootResult } from './harness.ts';

const missing = await missingForBoot();
const available = canRun(`the QEMU RAID/LUKS boot (${missing ?? ''})`, missing === undefined);
const fixtures = join(repo, 'test', 'boot', 'fixtures');
const logs = join(repo, '.cache', 'boot-logs');
const BOOT_MS = 600_000;
const VAULT_KEY = 'kindling-vault-key: not a secret, only a test';

const config = {
  ignition: { version: '3.4.0' },
  storage: {
    disks: [
      {
        device: '/dev/vda',
        wipeTable: true,
        partitions: [{ number: 1, label: 'root', typeGuid: '0fc63daf-8483-4772-8e79-3d69d8477de4' }],
      },
    ],
    raid: [{ name: 'data', level: 'raid1', devices: ['/dev/vdb', '/dev/vdc'] }],
    luks: [
      {
        name: 'vault',
        device: '/dev/vdd',
        label: 'vault-luks',
        wipeVolume: true,
        keyFile: { source: `data:,${encodeURIComponent(VAULT_KEY)}` },
      },
      // No keyFile: the disks stage generates one and the files stage stores it in the root.
      { name: 'scratch', device: '/dev/vde' },
    ],
    filesystems: [
      { device: '/dev/disk/by-partlabel/root', format: 'ext4', label: 'root', wipeFilesystem: true },
      { device: '/dev/md/data', format: 'ext4', label: 'raid-data', path: '/srv/raid', wipeFilesystem: true },
      { device: '/dev/mapper/vault', format: 'ext4', label: 'vault-fs', path: '/srv/vault', wipeFilesystem: true },
    ],
    files: [
      { path: '/srv/raid/hello.txt', contents: { source: 'data:,mirrored%20on%20two%20disks%0A' } },
      { path: '/srv/vault/secret.txt', contents: { source: 'data:,behind%20the%20key%0A' } },
    ],
  },
};

if (!available) {
  process.stderr.write(`test/boot: QEMU RAID/LUKS boot skipped: ${missing}\n`);
}

/** `Key : value` lines of `mdadm --examine` (which reads a member's superblock from an image file). */
async function examine(image: string): Promise<Record<string, string>> {
  const out = await run('mdadm', ['--examine', image]);
  return Object.fromEntries(
    out.split('\n').flatMap((line) => {
      const m = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s(.*)$/.exec(line);
      return m === null ? [] : [[m[1] as string, (m[2] as string).trim()]];
    }),
  );
}

/** `Key: value` lines of `cryptsetup luksDump` on an image file (no device-mapper involved). */
async function luksDump(image: string): Promise<Record<string, string>> {
  const out = await run('cryptsetup', ['luksDump', image]);
  return Object.fromEntries(
    out.split('\n').flatMap((line) => {
      const m = /^(\w+):\s*(.*)$/.exec(line);
      return m === null ? [] : [[m[1] as string, (m[2] as string).trim()]];
    }),
  );
}

/** Whether `key` unlocks a keyslot of the LUKS header in `image`; only the header is read. */
async function unlocks(image: string, key: Buffer | string, scratch: string): Promise<boolean> {
  const file = join(scratch, 'candidate.key');
  writeFileSync(file, key, { mode: 0o600 });
  const result = await runProcess('cryptsetup', ['open', '--test-passphrase', '--key-file', file, image]);
  return result.exitCode === 0;
}

describe.runIf(available)('RAID1 and LUKS2 provisioned in the QEMU guest', () => {
  let work: string;
  let result: BootResult;
  let root: string;
  let rootStart: number;
  const members: string[] = [];
  let vault: string;
  let scratch: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-raid-luks-'));
    mkdirSync(logs, { recursive: true });
    await buildBootImage(work);

    // The stand-in OS root's seeding hook plus the hook that reports from inside the guest.
    const overlay = join(work, 'overlay');
    cpSync(join(fixtures, 'os-root'), overlay, { recursive: true });
    cpSync(join(fixtures, 'raid-luks-root'), overlay, { recursive: true });
    chmodSync(join(overlay, 'etc', 'kindling', 'hooks', 'before-switch-root'), 0o755);

    const image = async (name: string, size: string) => {
      const path = join(work, `${name}.img`);
      writeFileSync(path, '');
      await run('truncate', ['-s', size, path]);
      return path;
    };
    root = await image('root', '96M');
    members.push(await image('member-a', '64M'), await image('member-b', '64M'));
    vault = await image('vault', '64M');
    scratch = await image('scratch', '64M');
    const ign = join(work, 'raid-luks.ign');
    writeFileSync(ign, JSON.stringify(config));
    result = await boot({
      disk: root,
      extraDisks: [...members, vault, scratch],
      config: ign,
      overlay,
      log: join(logs, 'raid-luks.log'),
    });
    const [part] = await partitions(root);
    rootStart = part?.start ?? 0;
  }, BOOT_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('every stage passes and the runner finds /dev/md/data and /dev/mapper/<name> without udev', async () => {
    expect(result.console).toContain('Ignition finished: provisioning complete');
    expect(result.status).toBe(0);
    expect(result.console).toMatch(/"mdadm" "--create" "data" .*"\/dev\/vdb" "\/dev\/vdc"/);
    expect(result.console).toContain('creating RAID array "data": done');
    expect(result.console).toContain('opening LUKS volume "vault": done');
    expect(result.console).toContain('opening LUKS volume "scratch": done');
    const nodes = /GUEST-NODES md: (.*?)mapper: (.*)$/m.exec(result.console);
    expect(nodes?.[1]?.trim().split(' ')).toEqual(['data']);
    expect(nodes?.[2]?.trim().split(' ').sort()).toEqual(['control', 'scratch', 'vault']);
    // Both mirrors in the array, assembled by the kernel the guest booted.
    expect(result.console).toMatch(/GUEST-MDSTAT md\d+ : active raid1 (vd[bc]\[\d\] ?){2}/);
    expect(result.console).toMatch(/GUEST-MDSTAT\s+\d+ blocks super 1\.2 \[2\/2\] \[UU\]/);
    // The file the files stage wrote through the mapping, read back in the guest.
    expect(result.console).toContain('GUEST-VAULT behind the key');
  });

  test('both RAID members carry the same raid1 superblock and the labelled ext4 with the file', async () => {
    expect(result.status).toBe(0);
    const [a, b] = (await Promise.all(members.map(examine))) as [Record<string, string>, Record<string, string>];
    expect(a['Array UUID']).toMatch(/^[0-9a-f]{8}(:[0-9a-f]{8}){3}$/);
    expect(b['Array UUID']).toBe(a['Array UUID']);
    expect(a['Device UUID']).not.toBe(b['Device UUID']);
    for (const member of [a, b]) {
      expect(member).toMatchObject({ 'Raid Level': 'raid1', 'Raid Devices': '2', Version: '1.2' });
      // --homehost any, as upstream passes, stores the name with the "any" host part.
      expect(member.Name).toBe('any:data');
    }
    expect(new Set([a['Device Role'], b['Device Role']])).toEqual(new Set(['Active device 0', 'Active device 1']));
    for (const [i, member] of [a, b].entries()) {
      const offset = /^(\d+) sectors$/.exec(member['Data Offset'] ?? '');
      expect(offset).not.toBeNull();
      const start = Number(offset?.[1]);
      const image = members[i] as string;
      expect(await probe(image, start)).toMatchObject({ TYPE: 'ext4', LABEL: 'raid-data' });
      expect(await debugfs(image, start, 'cat /hello.txt')).toBe('mirrored on two disks\n');
    }
  });

  test('the keyFile volume is LUKS2 with its label and opens with that key only', async () => {
    expect(result.status).toBe(0);
    const dump = await luksDump(vault);
    expect(dump).toMatchObject({ Version: '2', Label: 'vault-luks' });
    expect(dump.UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await probe(vault, 0)).toMatchObject({ TYPE: 'crypto_LUKS', UUID: dump.UUID });
    expect(await unlocks(vault, VAULT_KEY, work)).toBe(true);
    expect(await unlocks(vault, `${VAULT_KEY}\n`, work)).toBe(false);
    expect(await unlocks(vault, 'another key', work)).toBe(false);
  });

  test('the root gets /etc/crypttab and 0600 key files under a 0700 /etc/luks', async () => {
    expect(result.status).toBe(0);
    const vaultUuid = (await luksDump(vault)).UUID;
    const scratchUuid = (await luksDump(scratch)).UUID;
    expect(scratchUuid).not.toBe(vaultUuid);
    expect(await debugfs(root, rootStart, 'cat /etc/crypttab')).toBe(
      `vault UUID=${vaultUuid} /etc/luks/vault luks\nscratch UUID=${scratchUuid} /etc/luks/scratch luks\n`,
    );
    expect(await statExt4(root, rootStart, '/etc/crypttab')).toMatchObject({ type: 'regular', mode: 0o600, uid: 0 });
    expect(await statExt4(root, rootStart, '/etc/luks')).toMatchObject({ type: 'directory', mode: 0o700, uid: 0, gid: 0 });
    for (const name of ['vault', 'scratch']) {
      expect(await statExt4(root, rootStart, `/etc/luks/${name}`)).toMatchObject({ type: 'regular', mode: 0o600, uid: 0, gid: 0 });
    }
    expect(await debugfs(root, rootStart, 'cat /etc/luks/vault')).toBe(VAULT_KEY);
  });

  test('a volume without keyFile gets a generated hex key that the root keeps and that opens it', async () => {
    expect(result.status).toBe(0);
    expect(await luksDump(scratch)).toMatchObject({ Version: '2' });
    const key = await debugfs(root, rootStart, 'cat /etc/luks/scratch');
    // 4096 random bytes, hex-encoded (ignition-spec.md §10.3).
    expect(key).toMatch(/^[0-9a-f]{8192}$/);
    expect(await unlocks(scratch, key, work)).toBe(true);
    expect(await unlocks(scratch, VAULT_KEY, work)).toBe(false);
    expect(await unlocks(vault, key, work)).toBe(false);
  });
});
