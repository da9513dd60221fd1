// What every stage receives: the final config (newest spec shape) and a small context of services.
// Stages never import each other or providers; everything they may touch comes through here.
// The config shapes below are the runner's view of spec 3.7.0-experimental (ignition-spec.md §2).

import type { ConfigPath } from '../report.ts';
import type { Logger } from '../system/log.ts';
import type { Exec } from '../system/exec.ts';
import type { DistroOptions, Tools } from '../system/distro.ts';

type Opt<T> = T | null | undefined;

export interface Resource {
  source?: Opt<string>;
  compression?: Opt<string>;
  httpHeaders?: Opt<{ name: string; value?: Opt<string> }[]>;
  verification?: Opt<{ hash?: Opt<string> }>;
}

export interface NodeOwner {
  id?: Opt<number>;
  name?: Opt<string>;
}

export interface Node {
  path: string;
  overwrite?: Opt<boolean>;
  user?: Opt<NodeOwner>;
  group?: Opt<NodeOwner>;
}

export interface FileEntry extends Node {
  contents?: Opt<Resource>;
  append?: Opt<Resource[]>;
  mode?: Opt<number>;
}

export interface DirectoryEntry extends Node {
  mode?: Opt<number>;
}

export interface LinkEntry extends Node {
  target?: Opt<string>;
  hard?: Opt<boolean>;
}

export interface Unit {
  name: string;
  contents?: Opt<string>;
  enabled?: Opt<boolean>;
  mask?: Opt<boolean>;
  dropins?: Opt<{ name: string; contents?: Opt<string> }[]>;
}

export interface PasswdUser {
  name: string;
  passwordHash?: Opt<string>;
  sshAuthorizedKeys?: Opt<string[]>;
  uid?: Opt<number>;
  gecos?: Opt<string>;
  homeDir?: Opt<string>;
  noCreateHome?: Opt<boolean>;
  primaryGroup?: Opt<string>;
  groups?: Opt<string[]>;
  noUserGroup?: Opt<boolean>;
  noLogInit?: Opt<boolean>;
  shell?: Opt<string>;
  shouldExist?: Opt<boolean>;
  system?: Opt<boolean>;
}

export interface PasswdGroup {
  name: string;
  gid?: Opt<number>;
  passwordHash?: Opt<string>;
  shouldExist?: Opt<boolean>;
  system?: Opt<boolean>;
}

export interface Config {
  ignition: { version: string } & Record<string, unknown>;
  kernelArguments?: Opt<{ shouldExist?: Opt<string[]>; shouldNotExist?: Opt<string[]> }>;
  passwd?: Opt<{ users?: Opt<PasswdUser[]>; groups?: Opt<PasswdGroup[]> }>;
  storage?: Opt<{
    files?: Opt<FileEntry[]>;
    directories?: Opt<DirectoryEntry[]>;
    links?: Opt<LinkEntry[]>;
    disks?: Opt<Record<string, unknown>[]>;
    raid?: Opt<Record<string, unknown>[]>;
    filesystems?: Opt<Record<string, unknown>[]>;
    luks?: Opt<Record<string, unknown>[]>;
  }>;
  systemd?: Opt<{ units?: Opt<Unit[]> }>;
}

/** Fetched and verified contents: bytes in memory, or a file the fetch stage spooled them into. */
export type ResourceContents = Buffer | { file: string };

export interface StageContext {
  /** Target root, e.g. /sysroot. Every config path is resolved inside it. */
  root: string;
  log: Logger;
  exec: Exec;
  /** Contents already fetched and verified by the fetch stage; data: URLs decoded. */
  readResource: (resource: Resource, path: ConfigPath) => Promise<ResourceContents>;
  tools: Tools;
  distro: DistroOptions;
  /** Whether a user config was fetched (for the result file); the engine knows from the state. */
  userConfigProvided: boolean;
  /** What earlier stages handed on through the engine's state file; absent means nothing. */
  previous?: Readonly<StageOutputs>;
}

/** One LUKS volume the disks stage set up. */
export interface LuksRecord {
  name: string;
  /** The volume's LUKS UUID (`cryptsetup luksUUID`), for the crypttab line. */
  uuid: string;
  /** Base64 key material of a volume without clevis (upstream's luksPersistKeyFiles); never logged. */
  key?: string;
}

/**
 * What a stage hands to the stages after it. The engine merges it into the state file (mode 0600)
 * and gives the later stages a read-only copy as `ctx.previous`; stages never talk directly.
 */
export interface StageOutputs {
  /** Replaces the list of LUKS volumes (the disks stage sets it; the files stage strips the keys). */
  luks?: LuksRecord[];
  /** Added to the mount points created so far, relative to the root (upstream's notated directories). */
  createdDirectories?: string[];
}

export type Stage = (config: Config, ctx: StageContext) => Promise<void | StageOutputs>;
