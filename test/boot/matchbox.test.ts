// Bare metal as it really boots: QEMU's virtio NIC runs its iPXE option ROM, user networking's DHCP
// points it at a Matchbox-layout server on the host (test/helpers/matchbox.ts), and the machine's
// MAC (and SMBIOS UUID) choose the group, the profile's kernel and initramfs and, once Kindling runs,
// its Ignition config, rendered from Butane with `kindling transpile` as docs/matchbox.md tells users.
// Four guests, two at a time on one vCPU each: A (BIOS, by MAC), B (the more specific of two
// groups), C (its profile names a config that is not there: 404) and D (UEFI through OVMF).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { startMatchbox, type Matchbox } from '../helpers/matchbox.ts';
import { stopAll } from '../helpers/process.ts';
import { boot, buildBootImage, debugfs, missingForBoot, partitions, probe, repo, run, sha256, type BootResult } from './harness.ts';

const OVMF = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const IPXE_ROM = '/usr/lib/ipxe/qemu/efi-virtio.rom';

async function missingForNetboot(): Promise<string | undefined> {
  if (!existsSync(IPXE_ROM)) return `no iPXE ROM for the virtio NIC at ${IPXE_ROM} (apt-get install ipxe-qemu)`;
  if (!existsSync(OVMF)) return `no OVMF firmware at ${OVMF} (apt-get install ovmf)`;
  return missingForBoot();
}

const missing = await missingForNetboot();
const available = canRun(`the iPXE network boot suite (${missing ?? ''})`, missing === undefined);
const fixtures = join(repo, 'test', 'boot', 'fixtures', 'matchbox');
const logs = join(repo, '.cache', 'boot-logs');
const BOOT_MS = 900_000;
const SWAP = '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f';

// In boot order: the slowest (UEFI) starts first, the quickest (C stops in fetch) last.
const machines = {
  d: { mac: '52:54:00:b0:07:0d', uefi: true },
  a: { mac: '52:54:00:b0:07:0a' },
  b: { mac: '52:54:00:b0:07:0b', uuid: '6f2d5a4e-2b1c-4c8e-9a1f-0b0700000b0b' },
  c: { mac: '52:54:00:b0:07:0c' },
} as const;
type Machine = keyof typeof machines;

if (!available) {
  process.stderr.write(`test/boot: iPXE network boot suite skipped: ${missing}\n`);
}

/** Runs tasks at most `width` at a time, in the order they were queued. */
function limiter(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** The data directory a user would keep in /var/lib/matchbox, with this server's port filled in. */
async function writeDataDirectory(data: string, port: number, exe: string, image: { vmlinuz: string; initrd: string }): Promise<void> {
  for (const dir of ['profiles', 'groups']) {
    mkdirSync(join(data, dir), { recursive: true });
    for (const name of readdirSync(join(fixtures, dir))) {
      const text = readFileSync(join(fixtures, dir, name), 'utf8');
      writeFileSync(join(data, dir, name), text.replaceAll('__PORT__', String(port)));
    }
  }
  mkdirSync(join(data, 'ignition'));
  for (const name of readdirSync(join(fixtures, 'butane'))) {
    const butane = join(data, name);
    writeFileSync(butane, readFileSync(join(fixtures, 'butane', name), 'utf8').replaceAll('__PORT__', String(port)));
    await run(exe, ['transpile', '--strict', '--output', join(data, 'ignition', name.replace(/\.bu$/, '.ign')), butane]);
  }
  // Copies, not links: another suite may rebuild the cached initramfs while a guest downloads it.
  mkdirSync(join(data, 'assets', 'kindling'), { recursive: true });
  cpSync(image.vmlinuz, join(data, 'assets', 'kindling', 'vmlinuz'));
  cpSync(image.initrd, join(data, 'assets', 'kindling', 'initramfs.cpio'));
  writeFileSync(join(data, 'assets', 'motd'), 'served from the Matchbox assets\n');
}

describe.runIf(available)('network boot through iPXE from a Matchbox data directory', () => {
  let work: string;
  let matchbox: Matchbox;
  const disks = {} as Record<Machine, string>;
  const boots = {} as Record<Machine, Promise<BootResult>>;
  let blankC: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-netboot-'));
    mkdirSync(logs, { recursive: true });
    const image = await buildBootImage(work);
    matchbox = await startMatchbox({ data: join(work, 'matchbox') });
    await writeDataDirectory(join(work, 'matchbox'), matchbox.port, image.exe, image);

    for (const name of Object.keys(machines) as Machine[]) {
      disks[name] = join(work, `${name}.img`);
      writeFileSync(disks[name], '');
      await run('truncate', ['-s', '256M', disks[name]]);
    }
    // C's disk has a partition table to keep: a failed fetch must leave it as it was.
    await run('sgdisk', ['-n1:0:+16M', '-c1:precious', disks.c]);
    blankC = sha256(disks.c);

    // Two guests at a time, one vCPU each: the 2 host cores, and every boot waits for none but its slot.
    const slot = limiter(2);
    for (const [name, machine] of Object.entries(machines) as [Machine, (typeof machines)[Machine]][]) {
      boots[name] = slot(() =>
        boot({
          disk: disks[name],
          ipxe: `http://10.0.2.2:${matchbox.port}/boot.ipxe`,
          mac: machine.mac,
          uuid: 'uuid' in machine ? machine.uuid : undefined,
          uefi: 'uefi' in machine,
          smp: 1,
          log: join(logs, `netboot-${name}.log`),
        }),
      );
      // A rejected boot is reported by its own test, not as an unhandled rejection here.
      boots[name].catch(() => undefined);
    }
  }, BOOT_MS);

  afterAll(async () => {
    const settled = await Promise.allSettled(Object.values(boots));
    // The per-boot times bench/RESULTS.md reports.
    const times = Object.keys(boots).map((name, i) => {
      const s = settled[i];
      return `${name}=${s?.status === 'fulfilled' ? s.value.seconds.toFixed(0) : '?'}s`;
    });
    process.stderr.write(`test/boot/matchbox: boot wall times ${times.join(' ')}\n`);
    await matchbox?.close();
    expect(await stopAll()).toEqual([]);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const requestsOf = (mac: string) => matchbox.requests.filter((r) => new URLSearchParams(r.query).get('mac') === mac.replaceAll(':', '-'));

  test('machine A: its MAC selects the profile; iPXE boots the kernel and initramfs from /assets and Kindling provisions the blank disk', async () => {
    const result = await boots.a;
    expect(result.console).toContain('Ignition finished: provisioning complete');
    expect(result.status).toBe(0);
    expect(result.console).toContain('SeaBIOS');
    // iPXE's own requests, then Kindling's, all for this machine's MAC.
    expect(requestsOf(machines.a.mac).map((r) => `${r.path} ${r.status}`)).toEqual(['/ipxe 200', '/ignition 200']);
    expect(matchbox.requests.filter((r) => r.path === '/assets/kindling/initramfs.cpio').every((r) => r.status === 200)).toBe(true);

    const parts = await partitions(disks.a);
    expect(parts.map((p) => [p.number, p.name, p.sizeMiB])).toEqual([
      [1, 'root', 160],
      [2, 'swap', 32],
    ]);
    expect(parts[1]?.typeGuid).toBe(SWAP);
    const [root, swap] = parts.map((p) => p.start) as [number, number];
    expect(await probe(disks.a, root)).toMatchObject({ TYPE: 'ext4', LABEL: 'root' });
    expect(await probe(disks.a, swap)).toMatchObject({ TYPE: 'swap', LABEL: 'swap' });
    expect(await debugfs(disks.a, root, 'cat /etc/hostname')).toBe('machine-a\n');
    expect(await debugfs(disks.a, root, 'cat /etc/motd')).toBe('served from the Matchbox assets\n');
  }, BOOT_MS);

  test('machine B: of two groups matching its MAC, the one that also selects its UUID wins, for the kernel and for the config', async () => {
    const result = await boots.b;
    expect(result.console).toContain('Ignition finished: provisioning complete');
    expect(result.status).toBe(0);
    const ignition = requestsOf(machines.b.mac).find((r) => r.path === '/ignition');
    expect(new URLSearchParams(ignition?.query).get('uuid')).toBe(machines.b.uuid);
    expect(ignition?.status).toBe(200);

    const parts = await partitions(disks.b);
    expect(parts.map((p) => p.name)).toEqual(['root']);
    expect(await debugfs(disks.b, parts[0]?.start ?? 0, 'cat /etc/hostname')).toBe('machine-b\n');
    // And A's disk, booted alongside from the same server, got A's config, not B's.
    expect((await boots.a).status).toBe(0);
    const [rootA] = await partitions(disks.a);
    expect(await debugfs(disks.a, rootA?.start ?? 0, 'cat /etc/hostname')).toBe('machine-a\n');
  }, BOOT_MS);

  test('machine C: the server has no config for it (404), the fetch stage fails cleanly and the disk is unchanged', async () => {
    const result = await boots.c;
    expect(result.status).not.toBe(0);
    expect(result.status).toBeLessThan(124);
    expect(requestsOf(machines.c.mac).map((r) => `${r.path} ${r.status}`)).toEqual(['/ipxe 200', '/ignition 404']);
    expect(matchbox.log).toContain('Profile no-config: no Ignition config named not-uploaded.ign');
    expect(result.console).toContain('EMERGENCY: ignition-fetch failed');
    expect(result.console).not.toContain('ignition stage disks');
    expect(sha256(disks.c)).toBe(blankC);
  }, BOOT_MS);

  test('machine D: UEFI through OVMF, the EFI stub loading the initramfs iPXE names', async () => {
    const result = await boots.d;
    expect(result.console).toContain('Ignition finished: provisioning complete');
    expect(result.status).toBe(0);
    // The EFI stub, not a BIOS loader, found the initramfs by the name iPXE gave it.
    expect(result.console).toContain('EFI stub: Loaded initrd from command line option');
    expect(result.console).not.toContain('SeaBIOS');
    const [root] = await partitions(disks.d);
    expect(await debugfs(disks.d, root?.start ?? 0, 'cat /etc/hostname')).toBe('machine-a\n');
  }, BOOT_MS);
});
