// boot_device (butane.md §4.6): root-disk encryption and mirroring rendered as disks, RAID,
// LUKS and filesystems. The partition layouts are fixed by the OS image: do not change them.

import { entry, type ConfigPath } from '../../src/report.ts';
import type { Context } from '../context.ts';
import type { SourceObject } from '../decode.ts';
import type { Tracked } from '../merge-generated.ts';
import { fcosAtLeast } from '../variants.ts';
import { identitySet, record } from '../translation-set.ts';

const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const BIOS_GUID = '21686148-6449-6E6F-744E-656564454649';
const ESP_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const RESERVED_GUID = '8DA63339-0007-60C0-C436-083AC8230908';
const PREP_GUID = '9E1A2D38-C612-4316-AA26-8B49521E5A8B';

const S390X = new Set(['s390x-eckd', 's390x-virt', 's390x-zfcp']);

interface Parts {
  luks: SourceObject | undefined;
  tang: unknown[];
  tpm2: boolean;
  cex: boolean;
  devices: string[];
  layout: string | undefined;
}

function parts(bootDevice: SourceObject): Parts {
  const luks = asObj(bootDevice.luks);
  return {
    luks,
    tang: list(luks?.tang),
    tpm2: luks?.tpm2 === true,
    cex: asObj(luks?.cex)?.enabled === true,
    devices: list(asObj(bootDevice.mirror)?.devices).filter((d): d is string => typeof d === 'string'),
    layout: typeof bootDevice.layout === 'string' ? bootDevice.layout : undefined,
  };
}

export function validateBootDevice(bootDevice: SourceObject | undefined, ctx: Context): void {
  if (bootDevice === undefined) return;
  const at: ConfigPath = ['boot_device'];
  const p = parts(bootDevice);
  const modern = fcosAtLeast(ctx.flavor, 6);
  const layouts = modern ? ['aarch64', 'ppc64le', 's390x-eckd', 's390x-virt', 's390x-zfcp', 'x86_64'] : ['aarch64', 'ppc64le', 'x86_64'];
  if (p.layout !== undefined && !layouts.includes(p.layout)) {
    ctx.report.push(entry('error', 'BOOT_LAYOUT_INVALID', [...at, 'layout'], layouts.join(', ')));
  }
  if (p.devices.length === 1) ctx.report.push(entry('error', 'MIRROR_TOO_FEW_DEVICES', [...at, 'mirror', 'devices']));
  if (p.devices.length > 0 && p.layout === undefined) {
    ctx.report.push(entry(fcosAtLeast(ctx.flavor, 7) ? 'error' : 'warning', 'MIRROR_LAYOUT_MISSING', [...at, 'mirror']));
  }
  const device = typeof p.luks?.device === 'string' ? p.luks.device : undefined;
  const known = p.layout === undefined || layouts.includes(p.layout);
  // Upstream attaches the s390x findings to a key named after the layout, which points at boot_device.
  const layoutKey: ConfigPath = [...at, p.layout ?? 'layout'];
  if (known && (p.layout === 's390x-eckd' || p.layout === 's390x-zfcp')) {
    const pattern = p.layout === 's390x-eckd' ? /\/dev\/dasd[a-z]$/ : /\/dev\/sd[a-z]$/;
    if (device === undefined || device === '') ctx.report.push(entry('error', 'BOOT_LUKS_DEVICE_REQUIRED', layoutKey));
    else if (!pattern.test(device)) ctx.report.push(entry('error', 'BOOT_LUKS_DEVICE_PREFIX', layoutKey));
  }
  if (known && p.layout !== undefined && S390X.has(p.layout) && p.devices.length > 0) {
    ctx.report.push(entry('error', 'MIRROR_S390X', layoutKey));
  }
  if (p.cex && (p.tpm2 || p.tang.length > 0)) ctx.report.push(entry('error', 'CEX_WITH_CLEVIS', [...at, 'luks']));
  if (p.cex && p.layout === undefined) ctx.report.push(entry('error', 'CEX_ARCH', [...at, 'luks', 'cex']));
  else if (p.cex && known && !S390X.has(p.layout as string)) ctx.report.push(entry('error', 'CEX_ARCH', [...at, 'layout']));
  if (fcosAtLeast(ctx.flavor, 7) && device !== undefined && !p.tpm2 && p.tang.length === 0 && !p.cex) {
    ctx.report.push(entry('error', 'BOOT_LUKS_NO_METHOD', [...at, 'luks']));
  }
}

export function generateBootDevice(bootDevice: SourceObject | undefined): Tracked | undefined {
  if (bootDevice === undefined) return undefined;
  const p = parts(bootDevice);
  const wantLuks = p.tpm2 || p.tang.length > 0 || p.cex;
  const wantMirror = p.devices.length > 0;
  if (!wantLuks && !wantMirror) return undefined;
  const layout = p.layout ?? 'x86_64';
  const set = identitySet();
  const disks: Record<string, unknown>[] = [];
  const filesystems: Record<string, unknown>[] = [];
  const raid: Record<string, unknown>[] = [];
  const luks: Record<string, unknown>[] = [];
  const mirrorAt: ConfigPath = ['boot_device', 'mirror'];
  const luksAt: ConfigPath = ['boot_device', 'luks'];

  if (wantMirror) {
    p.devices.forEach((device, i) => {
      const n = i + 1;
      const head: Record<string, unknown>[] =
        layout === 'aarch64'
          ? [
              { label: `reserved-${n}`, sizeMiB: 1, typeGuid: RESERVED_GUID },
              { label: `esp-${n}`, sizeMiB: 127, typeGuid: ESP_GUID },
            ]
          : layout === 'ppc64le'
            ? [
                { label: `prep-${n}`, sizeMiB: 4, typeGuid: PREP_GUID },
                { label: `reserved-${n}`, sizeMiB: 1, typeGuid: RESERVED_GUID },
              ]
            : [
                { label: `bios-${n}`, sizeMiB: 1, typeGuid: BIOS_GUID },
                { label: `esp-${n}`, sizeMiB: 127, typeGuid: ESP_GUID },
              ];
      record(set, ['storage', 'disks', disks.length], [...mirrorAt, 'devices', i]);
      disks.push({ device, partitions: [...head, { label: `boot-${n}`, sizeMiB: 384 }, { label: `root-${n}` }], wipeTable: true });
    });
    if (layout === 'x86_64' || layout === 'aarch64') {
      p.devices.forEach((_device, i) => {
        record(set, ['storage', 'filesystems', filesystems.length], [...mirrorAt, 'devices', i]);
        filesystems.push({ device: `/dev/disk/by-partlabel/esp-${i + 1}`, format: 'vfat', label: `esp-${i + 1}`, wipeFilesystem: true });
      });
    }
    const labels = (kind: string): string[] => p.devices.map((_d, i) => `/dev/disk/by-partlabel/${kind}-${i + 1}`);
    record(set, ['storage', 'raid', 0], mirrorAt);
    record(set, ['storage', 'raid', 1], mirrorAt);
    raid.push({ devices: labels('boot'), level: 'raid1', name: 'md-boot', options: ['--metadata=1.0'] });
    raid.push({ devices: labels('root'), level: 'raid1', name: 'md-root' });
    record(set, ['storage', 'filesystems', filesystems.length], mirrorAt);
    filesystems.push({ device: '/dev/md/md-boot', format: 'ext4', label: 'boot', wipeFilesystem: true });
  }

  if (wantLuks) {
    const l = p.luks as SourceObject;
    const device = typeof l.device === 'string' ? l.device : undefined;
    let target = '/dev/disk/by-partlabel/root';
    if (layout === 's390x-eckd' && device !== undefined) target = `${device}2`;
    else if (layout === 's390x-zfcp' && device !== undefined) target = `${device}4`;
    else if (wantMirror) target = '/dev/md/md-root';
    const volume: Record<string, unknown> = {};
    record(set, ['storage', 'luks', 0], luksAt);
    if (p.cex) {
      volume.cex = { enabled: true };
      record(set, ['storage', 'luks', 0, 'cex'], [...luksAt, 'cex']);
    } else {
      const clevis: Record<string, unknown> = {};
      if (p.tang.length > 0) clevis.tang = p.tang.map((t) => ({ ...(asObj(t) ?? {}) }));
      if (typeof l.threshold === 'number') clevis.threshold = l.threshold;
      if (typeof l.tpm2 === 'boolean') clevis.tpm2 = l.tpm2;
      volume.clevis = clevis;
      record(set, ['storage', 'luks', 0, 'clevis'], luksAt);
    }
    volume.device = target;
    if (typeof l.discard === 'boolean') {
      volume.discard = l.discard;
      record(set, ['storage', 'luks', 0, 'discard'], [...luksAt, 'discard']);
    }
    Object.assign(volume, { label: 'luks-root', name: 'root', wipeVolume: true });
    luks.push(volume);
  }

  record(set, ['storage', 'filesystems', filesystems.length], ['boot_device']);
  filesystems.push({ device: wantLuks ? '/dev/mapper/root' : '/dev/md/md-root', format: 'xfs', label: 'root', wipeFilesystem: true });

  const storage: Record<string, unknown> = { filesystems };
  if (disks.length > 0) storage.disks = disks;
  if (luks.length > 0) storage.luks = luks;
  if (raid.length > 0) storage.raid = raid;
  return { config: { storage }, set };
}

/** The mirror devices, which are exempt from the reuse-by-label check. */
export function mirrorDevices(bootDevice: SourceObject | undefined): string[] {
  return bootDevice === undefined ? [] : parts(bootDevice).devices;
}
