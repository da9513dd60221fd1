// Checks on the translated Ignition config that depend on the variant (butane.md §4.6 post-checks,
// §5): fcos's partition warnings, fields a variant forbids and openshift's limits. Entries carry
// output paths; the caller maps them back to YAML.

import { entry, type ConfigPath, type ProvisionError } from '../src/report.ts';
import type { Flavor } from './variants.ts';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);

const RESERVED_NUMBERS: Record<string, number> = { 'BIOS-BOOT': 1, 'PowerPC-PReP-boot': 1, 'EFI-SYSTEM': 2, boot: 3, root: 4 };

export function filterFields(config: Obj, flavor: Flavor): ProvisionError[] {
  const out: ProvisionError[] = [];
  const forbid = (path: ConfigPath, subject: string): void => {
    out.push(entry('error', 'FIELD_UNSUPPORTED', path, subject));
  };
  const storage = asObj(config.storage);
  const v = flavor.variant;
  if (v === 'flatcar') {
    list(storage?.luks).forEach((l, i) => {
      if (flavor.base < 8 && nonEmpty(l.clevis) && Object.keys(asObj(l.clevis) ?? {}).length > 0) forbid(['storage', 'luks', i, 'clevis'], 'clevis is not supported');
      if (flavor.base === 8 && nonEmpty(l.cex)) out.push(entry('error', 'CEX_UNSUPPORTED', ['storage', 'luks', i, 'cex']));
    });
  }
  if (v === 'r4e' || v === 'fiot') {
    if (nonEmpty(config.kernelArguments)) forbid(['kernelArguments'], 'kernel argument customization is not supported');
    const sections: [string, string][] = [
      ['disks', 'disk customization is not supported'],
      ['filesystems', 'filesystem customization is not supported'],
      ['luks', 'luks is not supported'],
      ['raid', 'raid is not supported'],
    ];
    for (const [key, subject] of sections) if (list(storage?.[key]).length > 0) forbid(['storage', key], subject);
  }
  if (v === 'openshift') out.push(...openshiftFilters(config, flavor.openshift as number));
  return out;
}

/** The openshift user fields beside name, ssh_authorized_keys and (4.13+) password_hash. */
const OPENSHIFT_USER_REFUSED = ['gecos', 'groups', 'home_dir', 'no_create_home', 'no_log_init', 'no_user_group', 'primary_group', 'shell', 'should_exist', 'system', 'uid'];

/**
 * The YAML keys (dotted, without list indexes) that filterFields refuses whenever they are set:
 * the editor schemas leave them out, as upstream leaves them out of its spec docs.
 */
export function refusedKeys(flavor: Flavor): Set<string> {
  const out: string[] = [];
  const v = flavor.variant;
  if (v === 'flatcar') out.push(flavor.base < 8 ? 'storage.luks.clevis' : 'storage.luks.cex');
  if (v === 'r4e' || v === 'fiot') out.push('kernel_arguments', 'storage.disks', 'storage.filesystems', 'storage.luks', 'storage.raid');
  if (v === 'openshift') {
    const minor = flavor.openshift as number;
    if (minor >= 14) out.push('kernel_arguments');
    out.push('passwd.groups', ...OPENSHIFT_USER_REFUSED.map((k) => `passwd.users.${k}`), 'storage.directories', 'storage.links');
    if (minor < 13) out.push('passwd.users.password_hash');
    if (minor <= 22) out.push('storage.files.append');
    out.push('storage.files.contents.http_headers');
  }
  return new Set(out);
}

function openshiftFilters(config: Obj, minor: number): ProvisionError[] {
  const out: ProvisionError[] = [];
  const forbid = (path: ConfigPath, subject: string): void => {
    out.push(entry('error', 'FIELD_UNSUPPORTED', path, subject));
  };
  const storage = asObj(config.storage);
  const passwd = asObj(config.passwd);
  // What RHCOS and the MCO reject, checked on the desugared config first (upstream's order) ...
  list(storage?.filesystems).forEach((fs, i) => {
    if (fs.format === 'btrfs') forbid(['storage', 'filesystems', i, 'format'], 'btrfs is not supported');
  });
  list(storage?.filesystems).forEach((fs, i) => {
    if (fs.format === 'none' && minor >= 14) forbid(['storage', 'filesystems', i, 'format'], 'format "none" is not supported');
  });
  list(storage?.files).forEach((file, i) => {
    const source = asObj(file.contents)?.source;
    if (typeof source === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(source) && !/^data:/i.test(source)) {
      forbid(['storage', 'files', i, 'contents', 'source'], 'file contents source must be data URL');
    }
    if (typeof file.mode === 'number' && (file.mode & ~0o777) !== 0) forbid(['storage', 'files', i, 'mode'], 'special mode bits are not supported');
  });
  list(passwd?.users).forEach((user, i) => {
    if (user.name !== 'core') forbid(['passwd', 'users', i, 'name'], 'users other than "core" are not supported');
  });
  // ... then the field filters.
  if (minor >= 14 && nonEmpty(config.kernelArguments)) out.push(entry('error', 'KARGS_USE_OPENSHIFT', ['kernelArguments']));
  if (list(passwd?.groups).length > 0) forbid(['passwd', 'groups'], 'groups are not supported');
  list(passwd?.users).forEach((user, i) => {
    const allowed = new Set(['name', 'sshAuthorizedKeys', ...(minor >= 13 ? ['passwordHash'] : [])]);
    for (const key of Object.keys(user)) {
      if (!allowed.has(key) && nonEmpty(user[key])) {
        forbid(['passwd', 'users', i, key], 'fields other than "name", "ssh_authorized_keys", and "password_hash" (4.13.0+) are not supported');
      }
    }
  });
  if (list(storage?.directories).length > 0) forbid(['storage', 'directories'], 'directories are not supported');
  list(storage?.files).forEach((file, i) => {
    const at: ConfigPath = ['storage', 'files', i];
    if (minor <= 22 && list(file.append).length > 0) forbid([...at, 'append'], 'appending to files is not supported');
    const contents = asObj(file.contents);
    if (minor <= 9 && typeof contents?.compression === 'string' && contents.compression !== '') {
      forbid([...at, 'contents', 'compression'], 'file compression is not supported');
    }
    if (list(contents?.httpHeaders).length > 0) forbid([...at, 'contents', 'httpHeaders'], 'file HTTP headers are not supported');
  });
  if (list(storage?.links).length > 0) forbid(['storage', 'links'], 'links are not supported');
  return out;
}

/**
 * fcos's partition warnings on the storage merged with boot_device (butane.md §4.6); openshift
 * gets them too through the fcos config it embeds.
 */
export function fcosPartitionChecks(config: Obj, flavor: Flavor): ProvisionError[] {
  const out: ProvisionError[] = [];
  if (flavor.fcos === undefined) return out;
  const storage = asObj(config.storage);
  list(storage?.disks).forEach((disk, i) => {
    const parts = list(disk.partitions);
    parts.forEach((part, j) => {
      const at: ConfigPath = ['storage', 'disks', i, 'partitions', j];
      const label = typeof part.label === 'string' ? part.label : undefined;
      if (label === 'root' && (flavor.fcos ?? 0) >= 3) {
        const size = typeof part.sizeMiB === 'number' ? part.sizeMiB : 0;
        if (size !== 0 && size < 8192) out.push(entry('warning', 'ROOT_TOO_SMALL', [...at, 'sizeMiB']));
        // Upstream looks at every other partition on the disk, not only the later ones.
        if (size === 0 && parts.some((other, k) => k !== j && (typeof other.startMiB !== 'number' || other.startMiB === 0))) {
          out.push(entry('warning', 'ROOT_CANNOT_EXPAND', [...at, 'label']));
        }
      }
      // Mirrored boot disks have no partition numbers at all, so only disks that keep their table count.
      if (disk.wipeTable !== true && label !== undefined && RESERVED_NUMBERS[label] !== undefined) {
        const number = typeof part.number === 'number' ? part.number : 0;
        if (number !== RESERVED_NUMBERS[label]) out.push(entry('warning', 'PARTITION_RESERVED_NUMBER', [...at, 'label']));
      }
    });
  });
  return out;
}
