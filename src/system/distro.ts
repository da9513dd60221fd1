// Paths of the tools and files the runner uses, as Ignition's distro package has them. Each tool can
// be overridden by an environment variable (KINDLING_<NAME>, e.g. KINDLING_USERADD) so tests can
// point at stubs or real binaries elsewhere.

export interface Tools {
  useradd: string;
  usermod: string;
  userdel: string;
  groupadd: string;
  groupmod: string;
  groupdel: string;
  systemctl: string;
  setfiles: string;
  sgdisk: string;
  mdadm: string;
  cryptsetup: string;
  clevis: string;
  wipefs: string;
  blkid: string;
  mount: string;
  umount: string;
  mkfsExt4: string;
  mkfsBtrfs: string;
  mkfsXfs: string;
  mkfsFat: string;
  mkswap: string;
  partx: string;
  udevadm: string;
  kargsHelper: string;
}

const DEFAULTS: Tools = {
  useradd: 'useradd',
  usermod: 'usermod',
  userdel: 'userdel',
  groupadd: 'groupadd',
  groupmod: 'groupmod',
  groupdel: 'groupdel',
  systemctl: 'systemctl',
  setfiles: 'setfiles',
  sgdisk: 'sgdisk',
  mdadm: 'mdadm',
  cryptsetup: 'cryptsetup',
  clevis: 'clevis',
  wipefs: 'wipefs',
  blkid: 'blkid',
  mount: 'mount',
  umount: 'umount',
  mkfsExt4: 'mkfs.ext4',
  mkfsBtrfs: 'mkfs.btrfs',
  mkfsXfs: 'mkfs.xfs',
  mkfsFat: 'mkfs.fat',
  mkswap: 'mkswap',
  partx: 'partx',
  udevadm: 'udevadm',
  kargsHelper: 'ignition-kargs-helper',
};

/** KINDLING_USERADD, KINDLING_MKFS_EXT4, ... */
export function toolEnvName(tool: keyof Tools): string {
  return `KINDLING_${tool.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase()}`;
}

export function toolsFromEnv(env: NodeJS.ProcessEnv = process.env): Tools {
  const tools = { ...DEFAULTS };
  for (const key of Object.keys(tools) as (keyof Tools)[]) {
    const override = env[toolEnvName(key)];
    if (override !== undefined && override !== '') tools[key] = override;
  }
  return tools;
}

/** Behaviour switches that upstream fixes at build time per distro. */
export interface DistroOptions {
  /** false: SSH keys go to ~/.ssh/authorized_keys instead of the authorized_keys.d fragment. */
  writeAuthorizedKeysFragment: boolean;
  /** Run setfiles over created paths when the root has /etc/selinux/config. */
  selinuxRelabel: boolean;
}

export function distroOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DistroOptions {
  return {
    writeAuthorizedKeysFragment: env.IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT !== 'false',
    selinuxRelabel: env.KINDLING_SELINUX_RELABEL === 'true',
  };
}

export const RESULT_FILE = '/etc/.ignition-result.json';
export const PRESET_FILE = '/etc/systemd/system-preset/20-ignition.preset';
export const SYSTEMD_UNIT_DIR = '/etc/systemd/system';
export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';
