// GENERATED from schemas/ignition/v3_5.json by `npm run generate`; do not edit.
// Ignition config spec 3.5.0: types and known keys only; semantic rules live in src/config/rules.
// Interface names are upstream Go type names; null marks fields that are pointers in Go.

/**
 * Ignition config spec 3.5.0: types and known keys only; semantic rules live in src/config/rules.
 */
export interface Config {
  ignition?: Ignition;
  kernelArguments?: KernelArguments;
  passwd?: Passwd;
  storage?: Storage;
  systemd?: Systemd;
}
export interface Ignition {
  config?: IgnitionConfig;
  proxy?: Proxy;
  security?: Security;
  timeouts?: Timeouts;
  version?: string;
}
export interface IgnitionConfig {
  merge?: Resource[];
  replace?: Resource;
}
export interface Resource {
  compression?: string | null;
  httpHeaders?: HTTPHeader[];
  source?: string | null;
  verification?: Verification;
}
export interface HTTPHeader {
  name?: string;
  value?: string | null;
}
export interface Verification {
  hash?: string | null;
}
export interface Proxy {
  httpProxy?: string | null;
  httpsProxy?: string | null;
  noProxy?: string[];
}
export interface Security {
  tls?: TLS;
}
export interface TLS {
  certificateAuthorities?: Resource[];
}
export interface Timeouts {
  httpResponseHeaders?: number | null;
  httpTotal?: number | null;
}
export interface KernelArguments {
  shouldExist?: string[];
  shouldNotExist?: string[];
}
export interface Passwd {
  groups?: PasswdGroup[];
  users?: PasswdUser[];
}
export interface PasswdGroup {
  gid?: number | null;
  name?: string;
  passwordHash?: string | null;
  shouldExist?: boolean | null;
  system?: boolean | null;
}
export interface PasswdUser {
  gecos?: string | null;
  groups?: string[];
  homeDir?: string | null;
  name?: string;
  noCreateHome?: boolean | null;
  noLogInit?: boolean | null;
  noUserGroup?: boolean | null;
  passwordHash?: string | null;
  primaryGroup?: string | null;
  sshAuthorizedKeys?: string[];
  shell?: string | null;
  shouldExist?: boolean | null;
  system?: boolean | null;
  uid?: number | null;
}
export interface Storage {
  directories?: Directory[];
  disks?: Disk[];
  files?: File[];
  filesystems?: Filesystem[];
  links?: Link[];
  luks?: Luks[];
  raid?: Raid[];
}
export interface Directory {
  group?: NodeGroup;
  overwrite?: boolean | null;
  path?: string;
  user?: NodeUser;
  mode?: number | null;
}
export interface NodeGroup {
  id?: number | null;
  name?: string | null;
}
export interface NodeUser {
  id?: number | null;
  name?: string | null;
}
export interface Disk {
  device?: string;
  partitions?: Partition[];
  wipeTable?: boolean | null;
}
export interface Partition {
  guid?: string | null;
  label?: string | null;
  number?: number;
  resize?: boolean | null;
  shouldExist?: boolean | null;
  sizeMiB?: number | null;
  startMiB?: number | null;
  typeGuid?: string | null;
  wipePartitionEntry?: boolean | null;
}
export interface File {
  group?: NodeGroup;
  overwrite?: boolean | null;
  path?: string;
  user?: NodeUser;
  append?: Resource[];
  contents?: Resource;
  mode?: number | null;
}
export interface Filesystem {
  device?: string;
  format?: string | null;
  label?: string | null;
  mountOptions?: string[];
  options?: string[];
  path?: string | null;
  uuid?: string | null;
  wipeFilesystem?: boolean | null;
}
export interface Link {
  group?: NodeGroup;
  overwrite?: boolean | null;
  path?: string;
  user?: NodeUser;
  hard?: boolean | null;
  target?: string | null;
}
export interface Luks {
  cex?: Cex;
  clevis?: Clevis;
  device?: string | null;
  discard?: boolean | null;
  keyFile?: Resource;
  label?: string | null;
  name?: string;
  openOptions?: string[];
  options?: string[];
  uuid?: string | null;
  wipeVolume?: boolean | null;
}
export interface Cex {
  enabled?: boolean | null;
}
export interface Clevis {
  custom?: ClevisCustom;
  tang?: Tang[];
  threshold?: number | null;
  tpm2?: boolean | null;
}
export interface ClevisCustom {
  config?: string | null;
  needsNetwork?: boolean | null;
  pin?: string | null;
}
export interface Tang {
  advertisement?: string | null;
  thumbprint?: string | null;
  url?: string;
}
export interface Raid {
  devices?: string[];
  level?: string | null;
  name?: string;
  options?: string[];
  spares?: number | null;
}
export interface Systemd {
  units?: Unit[];
}
export interface Unit {
  contents?: string | null;
  dropins?: Dropin[];
  enabled?: boolean | null;
  mask?: boolean | null;
  name?: string;
}
export interface Dropin {
  contents?: string | null;
  name?: string;
}
