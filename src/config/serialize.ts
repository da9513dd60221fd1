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

function isConfigReference(path: ConfigPath): boolean {
  return path[0] === 'ignition' && path[1] === 'config';
}

/** Fields that did not exist before a spec version (ignition-spec.md §1). */
export const ADDED_IN: readonly { kind: string; key: string; since: SpecVersion; where?: (path: ConfigPath) => boolean }[] = [
  { kind: 'Ignition', key: 'proxy', since: '3.1.0' },
  { kind: 'Filesystem', key: 'mountOptions', since: '3.1.0' },
  { kind: 'Resource', key: 'httpHeaders', since: '3.1.0' },
  { kind: 'CaReference', key: 'httpHeaders', since: '3.1.0' },
  { kind: 'CaReference', key: 'compression', since: '3.1.0' },
  // In 3.0 only file contents and append fragments knew compression, not config references.
  { kind: 'Resource', key: 'compression', since: '3.1.0', where: isConfigReference },
  { kind: 'Storage', key: 'luks', since: '3.2.0' },
  { kind: 'Partition', key: 'resize', since: '3.2.0' },
  { kind: 'PasswdUser', key: 'shouldExist', since: '3.2.0' },
  { kind: 'PasswdGroup', key: 'shouldExist', since: '3.2.0' },
  { kind: 'Config', key: 'kernelArguments', since: '3.3.0' },
  { kind: 'Tang', key: 'advertisement', since: '3.4.0' },
  { kind: 'Luks', key: 'discard', since: '3.4.0' },
  { kind: 'Luks', key: 'openOptions', since: '3.4.0' },
  { kind: 'Luks', key: 'cex', since: '3.5.0' },
];

const shapesByVersion = new Map<SpecVersion, Readonly<Record<string, readonly FieldShape[]>>>();

/** The kind table as a given spec version writes it (computed once per version). */
function shapesFor(version: SpecVersion): Readonly<Record<string, readonly FieldShape[]>> {
  let shapes = shapesByVersion.get(version);
  if (shapes === undefined) {
    const adjusted: Record<string, readonly FieldShape[]> = { ...CONFIG_KINDS };
    // A struct field the version does not have must not be written as `{}` (ignition style).
    for (const rule of ADDED_IN) {
      const fields = adjusted[rule.kind];
      if (fields === undefined || rule.where !== undefined || atLeast(version, rule.since)) continue;
      adjusted[rule.kind] = fields.filter((field) => field.key !== rule.key);
    }
    for (const rule of ALWAYS_BEFORE) {
      const fields = adjusted[rule.kind];
      if (fields === undefined || atLeast(version, rule.until)) continue;
      adjusted[rule.kind] = fields.map((field) => (field.key === rule.key ? { ...field, always: true } : field));
    }
    shapes = adjusted;
    shapesByVersion.set(version, shapes);
  }
  return shapes;
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

const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/** A JSON string as Go's encoding/json writes it with HTML escaping on. */
export function goJsonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
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
      // A lone surrogate comes from a `\ud800`-style escape, which Go's decoder turns into U+FFFD
      // (written as is on output).
      replacement = '\ufffd';
    }
    if (replacement === undefined) continue;
    out += value.slice(plainFrom, i) + replacement;
    plainFrom = i + 1;
  }
  return `${out + value.slice(plainFrom)}"`;
}

/** Layout of one output: indentation unit (none = compact) and the version's field shapes. */
interface Writer {
  indent: string | undefined;
  shapes: Readonly<Record<string, readonly FieldShape[]>>;
  /** Write nested objects even when empty, as plain encoding/json does for Go structs. */
  keepEmpty: boolean;
}

function writeScalar(value: unknown): string {
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return 'null';
}

/** Joins already written members into an object or array at `depth`. */
function wrap(items: string[], open: string, close: string, w: Writer, depth: number): string {
  if (items.length === 0) return open + close;
  if (w.indent === undefined) return `${open}${items.join(',')}${close}`;
  const inner = `\n${w.indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${w.indent.repeat(depth)}${close}`;
}

function member(key: string, written: string, w: Writer): string {
  return `${goJsonString(key)}:${w.indent === undefined ? '' : ' '}${written}`;
}

function writeGeneric(value: unknown, w: Writer, depth: number): string {
  if (Array.isArray(value))
    return wrap(
      value.map((item) => writeGeneric(item, w, depth + 1)),
      '[',
      ']',
      w,
      depth,
    );
  if (typeof value === 'object' && value !== null) {
    const items: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) items.push(member(key, writeGeneric(item, w, depth + 1), w));
    }
    return wrap(items, '{', '}', w, depth);
  }
  return writeScalar(value);
}

/**
 * Appends an object of a known kind to `out`, or nothing (returning false) when omission leaves no
 * member at all. One array of pieces for the whole config, joined once at the end: joining each
 * object's members as it is finished would copy every data URL once per level it is nested in.
 */
function writeKnown(out: string[], value: unknown, kind: string, w: Writer, depth: number): boolean {
  const fields = w.shapes[kind];
  if (fields === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push(writeGeneric(value, w, depth));
    return true;
  }
  const record = value as Record<string, unknown>;
  const start = out.length;
  const inner = w.indent === undefined ? undefined : `\n${w.indent.repeat(depth + 1)}`;
  const colon = w.indent === undefined ? ':' : ': ';
  let members = 0;
  // Starts a member: the separator before it and its key. Returns where it started, for undoing it.
  const open = (key: string): number => {
    const at = out.length;
    out.push(`${members === 0 ? '{' : ','}${inner ?? ''}${goJsonString(key)}${colon}`);
    members++;
    return at;
  };
  const undo = (at: number): void => {
    out.length = at;
    members--;
  };
  // An indexed loop: unoptimised code allocates a result object per step of an iterator.
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    const item = record[field.key];
    if (item === undefined || item === null) {
      const structField = field.kind !== undefined && !field.list;
      if (!field.always && !(w.keepEmpty && structField)) continue;
      open(field.key);
      if (field.kind === undefined) out.push('""');
      else if (!writeKnown(out, {}, field.kind, w, depth + 1)) out.push('{}');
      continue;
    }
    if (field.omitZero && (item === 0 || item === '')) continue;
    if (field.list) {
      if (Array.isArray(item) && item.length === 0) continue;
      open(field.key);
      if (!Array.isArray(item)) {
        out.push(writeGeneric(item, w, depth + 1));
        continue;
      }
      const elementKind = field.kind;
      const elementInner = w.indent === undefined ? '' : `\n${w.indent.repeat(depth + 2)}`;
      for (let i = 0; i < item.length; i++) {
        out.push(`${i === 0 ? '[' : ','}${elementInner}`);
        if (elementKind === undefined) out.push(writeScalar(item[i]));
        else if (!writeKnown(out, item[i], elementKind, w, depth + 2)) out.push('{}');
      }
      out.push(w.indent === undefined ? ']' : `\n${w.indent.repeat(depth + 1)}]`);
      continue;
    }
    if (field.kind !== undefined) {
      // All-zero nested objects are left out, except where the field is always written.
      const at = open(field.key);
      if (!writeKnown(out, item, field.kind, w, depth + 1)) {
        if (field.always || w.keepEmpty) out.push('{}');
        else undo(at);
      }
      continue;
    }
    open(field.key);
    out.push(writeScalar(item));
  }
  if (members === 0) {
    out.length = start;
    return false;
  }
  out.push(w.indent === undefined ? '}' : `\n${w.indent.repeat(depth)}}`);
  return true;
}

function versionOf(config: object): SpecVersion {
  const version = (config as { ignition?: { version?: unknown } }).ignition?.version;
  return isSpecVersion(version) ? version : LATEST_VERSION;
}

export interface SerializeOptions {
  /** 2-space indentation with `": "`, like `butane --pretty`; compact otherwise. */
  pretty: boolean;
  /** The spec whose shape rules apply; by default the config's own `ignition.version`. */
  version?: SpecVersion;
  /**
   * Which upstream writer to match. `butane` (the default) leaves all-zero nested objects out;
   * `ignition` writes them as `{}` like Ignition's config cache (/run/ignition.json), which goes
   * through plain encoding/json where empty structs are never omitted.
   */
  style?: 'butane' | 'ignition';
}

/** The config as upstream writes it. No trailing newline: callers that write files add it. */
export function serializeConfig(config: object, opts: SerializeOptions): string {
  const w: Writer = {
    indent: opts.pretty ? '  ' : undefined,
    shapes: shapesFor(opts.version ?? versionOf(config)),
    keepEmpty: opts.style === 'ignition',
  };
  const out: string[] = [];
  return writeKnown(out, config, 'Config', w, 0) ? out.join('') : '{}';
}

/** Any JSON value with Go's escaping and indentation, keys in insertion order. */
export function serializeJson(value: unknown, opts: { pretty: boolean }): string {
  return writeGeneric(value, { indent: opts.pretty ? '  ' : undefined, shapes: CONFIG_KINDS, keepEmpty: false }, 0);
}
