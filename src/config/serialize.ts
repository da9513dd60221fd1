// Go-compatible JSON output of a config: upstream's struct key order, its omission rules and the
// string escaping of Go's encoding/json, so that cached configs and Butane output match upstream
// byte for byte. Also the table of object kinds (which key holds what), shared with merge/translate.

import { atLeast, isSpecVersion, LATEST_VERSION, type SpecVersion } from './versions.ts';
import type { ConfigPath } from '../report.ts';

/** How one key of an object kind is stored and written. */
export interface FieldShape {
  key: string;
  /** Object kind of the value, or of each list element. */
  kind?: string;
  list: boolean;
  /** Written even when absent (Go's non-pointer fields without omitempty). */
  always: boolean;
  /** A plain value with omitempty: left out when 0 or "". */
  omitZero: boolean;
}

// Field lists in upstream's struct order. Notation: `key:Kind` object, `key:[Kind]` list of objects,
// `key:[]` list of scalars, `!` always written, `~` plain value omitted when zero.
const KIND_SPECS: Record<string, string> = {
  Config: 'ignition:Ignition! kernelArguments:KernelArguments passwd:Passwd storage:Storage systemd:Systemd',
  Ignition: 'config:IgnitionConfig proxy:Proxy security:Security timeouts:Timeouts version!',
  IgnitionConfig: 'merge:[Resource] replace:Resource',
  Proxy: 'httpProxy httpsProxy noProxy:[]',
  Security: 'tls:TLS',
  TLS: 'certificateAuthorities:[CaReference]',
  Timeouts: 'httpResponseHeaders httpTotal',
  KernelArguments: 'shouldExist:[] shouldNotExist:[]',
  Passwd: 'groups:[PasswdGroup] users:[PasswdUser]',
  PasswdGroup: 'gid name! passwordHash shouldExist system',
  PasswdUser:
    'gecos groups:[] homeDir name! noCreateHome noLogInit noUserGroup passwordHash primaryGroup sshAuthorizedKeys:[] shell shouldExist system uid',
  Storage:
    'directories:[Directory] disks:[Disk] files:[File] filesystems:[Filesystem] links:[Link] luks:[Luks] raid:[Raid]',
  Directory: 'group:NodeGroup overwrite path! user:NodeUser mode',
  File: 'group:NodeGroup overwrite path! user:NodeUser append:[Resource] contents:Resource mode',
  Link: 'group:NodeGroup overwrite path! user:NodeUser hard target',
  NodeUser: 'id name',
  NodeGroup: 'id name',
  Disk: 'device! partitions:[Partition] wipeTable',
  Partition: 'guid label number~ resize shouldExist sizeMiB startMiB typeGuid wipePartitionEntry',
  Filesystem: 'device! format label mountOptions:[] options:[] path uuid wipeFilesystem',
  Luks: 'cex:Cex clevis:Clevis device discard keyFile:Resource label name! openOptions:[] options:[] uuid wipeVolume',
  Cex: 'enabled',
  Clevis: 'custom:ClevisCustom tang:[Tang] threshold tpm2',
  ClevisCustom: 'config needsNetwork pin',
  Tang: 'advertisement thumbprint url~',
  Raid: 'devices:[] level name! options:[] spares',
  Systemd: 'units:[Unit]',
  Unit: 'contents dropins:[Dropin] enabled mask name!',
  Dropin: 'contents name!',
  Resource: 'compression httpHeaders:[HTTPHeader] source verification:Verification',
  CaReference: 'compression httpHeaders:[HTTPHeader] source verification:Verification',
  HTTPHeader: 'name! value',
  Verification: 'hash',
};

function parseFields(spec: string): FieldShape[] {
  return spec.split(' ').map((word) => {
    const always = word.endsWith('!');
    const omitZero = word.endsWith('~');
    const bare = always || omitZero ? word.slice(0, -1) : word;
    const [key = '', type] = bare.split(':');
    if (type === undefined) return { key, list: false, always, omitZero };
    const list = type.startsWith('[');
    const kind = list ? type.slice(1, -1) : type;
    return { key, list, always, omitZero, ...(kind === '' ? {} : { kind }) };
  });
}

/** Every object kind of the newest spec with its fields in upstream's order. */
export const CONFIG_KINDS: Readonly<Record<string, readonly FieldShape[]>> = Object.fromEntries(
  Object.entries(KIND_SPECS).map(([kind, spec]) => [kind, parseFields(spec)]),
);

/**
 * Fields whose Go type was a plain string (always written) in older specs: link target and raid
 * level before 3.3, and a CA's source in 3.0.
 */
const ALWAYS_BEFORE: readonly { kind: string; key: string; until: SpecVersion }[] = [
  { kind: 'Link', key: 'target', until: '3.3.0' },
  { kind: 'Raid', key: 'level', until: '3.3.0' },
  { kind: 'CaReference', key: 'source', until: '3.1.0' },
];

function fieldsOf(kind: string, version: SpecVersion): readonly FieldShape[] | undefined {
  const fields = CONFIG_KINDS[kind];
  if (fields === undefined) return undefined;
  const forced = ALWAYS_BEFORE.filter((rule) => rule.kind === kind && !atLeast(version, rule.until));
  if (forced.length === 0) return fields;
  return fields.map((field) => (forced.some((rule) => rule.key === field.key) ? { ...field, always: true } : field));
}

/** Key order of an object kind (`File` -> group, overwrite, path, user, append, contents, mode). */
export function keyOrder(kind: string): readonly string[] {
  return (CONFIG_KINDS[kind] ?? []).map((field) => field.key);
}

/** The field a key names in an object kind, if the kind has it. */
export function fieldShape(kind: string, key: string): FieldShape | undefined {
  return CONFIG_KINDS[kind]?.find((field) => field.key === key);
}

/**
 * The object kind at a logical path from the config root (`storage.files.0.contents` ->
 * `Resource`), or undefined when the path names a scalar, a list or nothing known.
 */
export function kindAt(path: ConfigPath): string | undefined {
  let kind = 'Config';
  let pendingList: string | undefined;
  for (const segment of path) {
    if (pendingList !== undefined) {
      if (typeof segment !== 'number') return undefined;
      kind = pendingList;
      pendingList = undefined;
      continue;
    }
    if (typeof segment !== 'string') return undefined;
    const field = fieldShape(kind, segment);
    if (field?.kind === undefined) return undefined;
    if (field.list) pendingList = field.kind;
    else kind = field.kind;
  }
  return pendingList === undefined ? kind : undefined;
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  // Go 1.22 and later write these two as short escapes too.
  0x08: '\\b',
  0x0c: '\\f',
  0x3c: '\\u003c',
  0x3e: '\\u003e',
  0x26: '\\u0026',
  0x2028: '\\u2028',
  0x2029: '\\u2029',
};

/** A JSON string as Go's encoding/json writes it with HTML escaping on. */
export function goJsonString(value: string): string {
  let out = '"';
  let plainFrom = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let replacement: string | undefined = SHORT_ESCAPES[c];
    if (replacement === undefined && c < 0x20) replacement = `\\u00${c.toString(16).padStart(2, '0')}`;
    if (replacement === undefined && c >= 0xd800 && c <= 0xdfff) {
      const pairs = c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pairs) {
        i++;
        continue;
      }
      // A lone surrogate is what invalid UTF-8 becomes in Go: the replacement character.
      replacement = '\ufffd';
    }
    if (replacement === undefined) continue;
    out += value.slice(plainFrom, i) + replacement;
    plainFrom = i + 1;
  }
  return `${out + value.slice(plainFrom)}"`;
}

/** A value after omission; undefined means "leave the key out". */
type Prepared = { object: [string, Prepared][] } | { array: Prepared[] } | { scalar: string };

function prepareScalar(value: unknown): Prepared {
  if (typeof value === 'string') return { scalar: goJsonString(value) };
  if (typeof value === 'number') return { scalar: Number.isFinite(value) ? JSON.stringify(value) : 'null' };
  if (typeof value === 'boolean') return { scalar: value ? 'true' : 'false' };
  return { scalar: 'null' };
}

function prepareGeneric(value: unknown): Prepared {
  if (Array.isArray(value)) return { array: value.map((item) => prepareGeneric(item)) };
  if (typeof value === 'object' && value !== null) {
    const entries: [string, Prepared][] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) entries.push([key, prepareGeneric(item)]);
    }
    return { object: entries };
  }
  return prepareScalar(value);
}

function prepareObject(value: unknown, kind: string, version: SpecVersion): Prepared {
  const fields = fieldsOf(kind, version);
  if (fields === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
    return prepareGeneric(value);
  }
  const record = value as Record<string, unknown>;
  const entries: [string, Prepared][] = [];
  for (const field of fields) {
    const item = record[field.key];
    if (item === undefined || item === null) {
      if (field.always) {
        entries.push([field.key, field.kind === undefined ? { scalar: '""' } : prepareObject({}, field.kind, version)]);
      }
      continue;
    }
    if (field.omitZero && (item === 0 || item === '')) continue;
    if (field.list) {
      if (!Array.isArray(item) || item.length === 0) {
        if (!Array.isArray(item)) entries.push([field.key, prepareGeneric(item)]);
        continue;
      }
      const elements = item.map((element) =>
        field.kind === undefined ? prepareScalar(element) : prepareObject(element, field.kind, version),
      );
      entries.push([field.key, { array: elements }]);
      continue;
    }
    if (field.kind !== undefined) {
      const nested = prepareObject(item, field.kind, version);
      // All-zero nested objects are left out, except where the field is always written.
      if ('object' in nested && nested.object.length === 0 && !field.always) continue;
      entries.push([field.key, nested]);
      continue;
    }
    entries.push([field.key, prepareScalar(item)]);
  }
  return { object: entries };
}

function render(value: Prepared, indent: string | undefined, depth: number): string {
  if ('scalar' in value) return value.scalar;
  const items =
    'array' in value
      ? value.array.map((item) => render(item, indent, depth + 1))
      : value.object.map(([key, item]) => `${goJsonString(key)}:${indent === undefined ? '' : ' '}${render(item, indent, depth + 1)}`);
  const [open, close] = 'array' in value ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (indent === undefined) return `${open}${items.join(',')}${close}`;
  const inner = `\n${indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${indent.repeat(depth)}${close}`;
}

function versionOf(config: object): SpecVersion {
  const version = (config as { ignition?: { version?: unknown } }).ignition?.version;
  return isSpecVersion(version) ? version : LATEST_VERSION;
}

/**
 * The config as upstream writes it: compact, or with `pretty` 2-space indentation like
 * `butane --pretty`. The shape rules follow the config's own `ignition.version`. No trailing
 * newline: callers that write files add it.
 */
export function serializeConfig(config: object, opts: { pretty: boolean; version?: SpecVersion }): string {
  const prepared = prepareObject(config, 'Config', opts.version ?? versionOf(config));
  return render(prepared, opts.pretty ? '  ' : undefined, 0);
}

/** Any JSON value with Go's escaping and indentation, keys in insertion order. */
export function serializeJson(value: unknown, opts: { pretty: boolean }): string {
  return render(prepareGeneric(value), opts.pretty ? '  ' : undefined, 0);
}
