// The runner's typed view of the storage entries the disks, mount and umount stages consume
// (ignition-spec.md §2, spec 3.7.0-experimental). The config arrives validated, so these are
// plain casts of the untyped lists in StageContext's Config; absent and null mean "unspecified".
import type { Config } from '../context.ts';

type Opt<T> = T | null | undefined;

export interface PartitionSpec {
  label?: Opt<string>;
  number?: Opt<number>;
  sizeMiB?: Opt<number>;
  startMiB?: Opt<number>;
  typeGuid?: Opt<string>;
  guid?: Opt<string>;
  wipePartitionEntry?: Opt<boolean>;
  shouldExist?: Opt<boolean>;
  resize?: Opt<boolean>;
}

export interface DiskSpec {
  device: string;
  wipeTable?: Opt<boolean>;
  partitions?: Opt<PartitionSpec[]>;
}

export interface RaidSpec {
  name: string;
  level: string;
  devices: string[];
  spares?: Opt<number>;
  options?: Opt<string[]>;
}

export interface FilesystemSpec {
  device: string;
  format?: Opt<string>;
  path?: Opt<string>;
  wipeFilesystem?: Opt<boolean>;
  label?: Opt<string>;
  uuid?: Opt<string>;
  options?: Opt<string[]>;
  mountOptions?: Opt<string[]>;
}

export interface TangSpec {
  url: string;
  thumbprint?: Opt<string>;
  advertisement?: Opt<string>;
}

export interface ClevisSpec {
  tang?: Opt<TangSpec[]>;
  tpm2?: Opt<boolean>;
  threshold?: Opt<number>;
  custom?: Opt<{ pin?: Opt<string>; config?: Opt<string>; needsNetwork?: Opt<boolean> }>;
}

export interface LuksSpec {
  name: string;
  device: string;
  keyFile?: Opt<{ source?: Opt<string> } & Record<string, unknown>>;
  label?: Opt<string>;
  uuid?: Opt<string>;
  options?: Opt<string[]>;
  discard?: Opt<boolean>;
  openOptions?: Opt<string[]>;
  wipeVolume?: Opt<boolean>;
  clevis?: Opt<ClevisSpec>;
  cex?: Opt<{ enabled?: Opt<boolean> }>;
}

export interface StorageSpec {
  disks: DiskSpec[];
  raid: RaidSpec[];
  luks: LuksSpec[];
  filesystems: FilesystemSpec[];
}

export function storageOf(config: Config): StorageSpec {
  const storage = config.storage ?? {};
  return {
    disks: (storage.disks ?? []) as unknown as DiskSpec[],
    raid: (storage.raid ?? []) as unknown as RaidSpec[],
    luks: (storage.luks ?? []) as unknown as LuksSpec[],
    filesystems: (storage.filesystems ?? []) as unknown as FilesystemSpec[],
  };
}

export function isTrue(value: Opt<boolean>): boolean {
  return value === true;
}

/** Upstream treats "" like an unset string for GUIDs, clevis pins and the like. */
export function notEmpty(value: Opt<string>): value is string {
  return typeof value === 'string' && value !== '';
}
