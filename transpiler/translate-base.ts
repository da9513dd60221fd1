// The base translation: the decoded Butane tree becomes an Ignition config by renaming keys
// (snake_case → camelCase) and resolving the per-node sugar — inline/local resources, unit
// contents_local and ssh_authorized_keys_local — while recording non-identity paths.

import { entry, type ConfigPath } from '../src/report.ts';
import { checkChildConfig } from './child-config.ts';
import { camelKey, fieldAvailable, type FieldType, type ObjectSpec } from './fields.ts';
import { readLocal, type Context } from './context.ts';
import { encodeContent } from './data-url.ts';
import type { SourceObject, SourceValue } from './decode.ts';
import type { Tracked } from './merge-generated.ts';
import { identitySet, record, type TranslationNode } from './translation-set.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is SourceObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function translateBase(source: SourceObject, root: ObjectSpec, ctx: Context): Tracked {
  const set = identitySet();
  const config = convertObject(source, root, [], [], ctx, set);
  return { config, set };
}

/** A scalar, or a list of scalars (copied). */
function plainValue(value: SourceValue): unknown {
  return Array.isArray(value) ? [...value] : value;
}

function convertValue(
  value: SourceValue,
  type: FieldType,
  path: ConfigPath,
  out: ConfigPath,
  ctx: Context,
  set: TranslationNode,
): unknown {
  if (typeof type === 'string') return plainValue(value);
  if ('list' in type) {
    if (!Array.isArray(value)) return undefined;
    return value.map((item, i) => (isObj(item) ? convertObject(item, type.list, [...path, i], [...out, i], ctx, set) : {}));
  }
  if (!isObj(value)) return undefined;
  if (type.stringMap === true) return { ...value };
  return convertObject(value, type, path, out, ctx, set);
}

function convertObject(
  source: SourceObject,
  spec: ObjectSpec,
  path: ConfigPath,
  out: ConfigPath,
  ctx: Context,
  set: TranslationNode,
): Obj {
  const result: Obj = {};
  for (const key in spec.fields) {
    const value = source[key];
    if (value === undefined) continue;
    const field = spec.fields[key] as (typeof spec.fields)[string];
    if (field.sugar === true || !fieldAvailable(field, ctx.flavor)) continue;
    const camel = camelKey(key);
    // A plain value needs no paths: only objects and lists pass theirs down.
    const converted = typeof field.type === 'string' ? plainValue(value) : convertValue(value, field.type, [...path, key], [...out, camel], ctx, set);
    if (converted !== undefined) result[camel] = converted;
  }
  if (spec.name === 'Resource') resolveResource(source, result, path, out, ctx, set);
  if (spec.name === 'Unit' || spec.name === 'Dropin') resolveContentsLocal(source, result, path, out, ctx, set);
  if (spec.name === 'PasswdUser') resolveKeysLocal(source, result, path, out, ctx, set);
  return result;
}

/** `inline` / `local` become a data URL (and a compression when Butane chose one). */
function resolveResource(source: SourceObject, result: Obj, path: ConfigPath, out: ConfigPath, ctx: Context, set: TranslationNode): void {
  let bytes: Uint8Array | undefined;
  let from: ConfigPath;
  if (typeof source.inline === 'string') {
    bytes = Buffer.from(source.inline, 'utf8');
    from = [...path, 'inline'];
  } else if (typeof source.local === 'string') {
    from = [...path, 'local'];
    bytes = readLocal(ctx, source.local, from);
    if (bytes !== undefined && path[0] === 'ignition' && path[1] === 'config' && ctx.flavor.base >= 7) {
      const errors = ctx.report.length;
      checkChildConfig(Buffer.from(bytes).toString('utf8'), from, [...from, 'version'], ctx);
      if (ctx.report.slice(errors).some((e) => e.severity === 'error')) return;
    }
  } else return;
  if (bytes === undefined) return;
  const flavor = ctx.flavor;
  const encoded = encodeContent(bytes, {
    userCompression: typeof source.compression === 'string' ? source.compression : undefined,
    allowGzip: !(flavor.openshift !== undefined && flavor.openshift <= 9),
    legacy: flavor.base === 1,
  });
  result.source = encoded.source;
  record(set, [...out, 'source'], from);
  if (encoded.compression !== undefined) {
    result.compression = encoded.compression;
    if (source.compression === undefined) record(set, [...out, 'compression'], from);
  }
}

function resolveContentsLocal(source: SourceObject, result: Obj, path: ConfigPath, out: ConfigPath, ctx: Context, set: TranslationNode): void {
  if (typeof source.contents_local !== 'string' || source.contents_local === '') return;
  const from = [...path, 'contents_local'];
  const bytes = readLocal(ctx, source.contents_local, from);
  if (bytes === undefined) return;
  result.contents = bytes.toString('utf8');
  record(set, [...out, 'contents'], from);
}

function resolveKeysLocal(source: SourceObject, result: Obj, path: ConfigPath, out: ConfigPath, ctx: Context, set: TranslationNode): void {
  const files = source.ssh_authorized_keys_local;
  if (!Array.isArray(files) || files.length === 0) return;
  const listAt = [...path, 'ssh_authorized_keys_local'];
  record(set, [...out, 'sshAuthorizedKeys'], listAt);
  if (ctx.filesDir === undefined) {
    ctx.report.push(entry('error', 'FILES_DIR_REQUIRED', listAt));
    return;
  }
  const keys = Array.isArray(result.sshAuthorizedKeys) ? (result.sshAuthorizedKeys as string[]) : [];
  keys.forEach((_key, i) => record(set, [...out, 'sshAuthorizedKeys', i], [...path, 'ssh_authorized_keys', i]));
  files.forEach((name, i) => {
    if (typeof name !== 'string') return;
    const from = [...path, 'ssh_authorized_keys_local', i];
    const bytes = readLocal(ctx, name, from);
    if (bytes === undefined) return;
    for (const line of bytes.toString('utf8').split(/\r?\n/)) {
      if (line === '') continue;
      record(set, [...out, 'sshAuthorizedKeys', keys.length], from);
      keys.push(line);
    }
  });
  if (keys.length > 0) result.sshAuthorizedKeys = keys;
}
