// ignition.config.merge semantics (parent ⊕ child) for newest-shape configs, per ignition-spec.md
// §6.2, with an optional transcript of where each output field came from (Butane maps its errors
// back to the source through it).

import type { ConfigPath } from '../report.ts';
import { CONFIG_KINDS, type FieldShape } from './serialize.ts';

type JsonObject = Record<string, unknown>;

export type MergeSide = 'parent' | 'child';

/** One output path and the input it was taken from. */
export interface MergeMapping {
  from: MergeSide;
  fromPath: ConfigPath;
  toPath: ConfigPath;
}

/** Lists that are concatenated instead of merged by key (they are exempt from duplicate checks). */
const APPEND_LISTS: Readonly<Record<string, readonly string[]>> = {
  File: ['append'],
  Filesystem: ['options', 'mountOptions'],
  Luks: ['options'],
  Raid: ['options'],
};

/** Lists of one object that share a key space: an entry in one replaces a parent entry in another. */
const SHARED_KEY_SPACES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Storage: { files: 'nodes', directories: 'nodes', links: 'nodes' },
  KernelArguments: { shouldExist: 'kargs', shouldNotExist: 'kargs' },
};

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The key an entry is matched by; upstream's zero values stand in for absent fields. */
function entryKey(kind: string | undefined, value: unknown): string {
  if (kind === undefined) return typeof value === 'string' ? value : JSON.stringify(value);
  const object = isObject(value) ? value : {};
  switch (kind) {
    case 'File':
    case 'Directory':
    case 'Link':
      return str(object['path']);
    case 'Disk':
    case 'Filesystem':
      return str(object['device']);
    case 'Tang':
      return str(object['url']);
    case 'Resource':
    case 'CaReference':
      return str(object['source']);
    case 'Partition': {
      const number = object['number'];
      if (typeof number === 'number' && number !== 0) return `number:${number}`;
      return typeof object['label'] === 'string' ? `label:${object['label']}` : '';
    }
    default:
      return str(object['name']);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Go's plain (non-pointer) fields: the child's value wins even when it is the zero value. */
function isPlain(field: FieldShape): boolean {
  return field.kind === undefined && !field.list && (field.always || field.omitZero);
}

function isZero(value: unknown): boolean {
  return !isSet(value) || value === '' || value === 0 || value === false;
}

interface Context {
  transcript: MergeMapping[] | undefined;
  /** Extends a path; without a transcript nobody reads paths, so none are built. */
  at: (path: ConfigPath, segment: string | number) => ConfigPath;
}

const NO_PATH: ConfigPath = [];
const untracked: Context = { transcript: undefined, at: () => NO_PATH };

/** Records every populated leaf of a subtree taken whole from one side, and the subtree itself. */
function transcribe(
  ctx: Context,
  from: MergeSide,
  fromPath: ConfigPath,
  toPath: ConfigPath,
  value: unknown,
  kind: string | undefined,
): boolean {
  if (ctx.transcript === undefined) return false;
  if (Array.isArray(value)) {
    let any = false;
    value.forEach((item, index) => {
      // Scalars in lists are plain Go values: zero values are not recorded.
      if (kind === undefined && isZero(item)) return;
      any = transcribe(ctx, from, [...fromPath, index], [...toPath, index], item, kind) || any;
    });
    return any;
  }
  if (kind !== undefined && isObject(value)) {
    let any = false;
    for (const field of CONFIG_KINDS[kind] ?? []) {
      const child = value[field.key];
      const pathFrom = [...fromPath, field.key];
      const pathTo = [...toPath, field.key];
      if (field.kind !== undefined) any = transcribe(ctx, from, pathFrom, pathTo, child, field.kind) || any;
      else if (field.list) any = transcribe(ctx, from, pathFrom, pathTo, child, undefined) || any;
      else if (isPlain(field) ? !isZero(child) : isSet(child)) {
        ctx.transcript.push({ from, fromPath: pathFrom, toPath: pathTo });
        any = true;
      }
    }
    if (any) ctx.transcript.push({ from, fromPath, toPath });
    return any;
  }
  if (!isSet(value)) return false;
  ctx.transcript.push({ from, fromPath, toPath });
  return true;
}

interface ChildEntry {
  list: string;
  index: number;
  value: unknown;
}

function mergeObject(
  ctx: Context,
  kind: string,
  parent: JsonObject,
  child: JsonObject,
  parentPath: ConfigPath,
  childPath: ConfigPath,
  resultPath: ConfigPath,
): JsonObject {
  const fields = CONFIG_KINDS[kind] ?? [];
  const appendLists = APPEND_LISTS[kind] ?? [];
  const spaces = SHARED_KEY_SPACES[kind] ?? {};
  const spaceOf = (key: string): string => spaces[key] ?? key;

  // Every keyed child entry by key space and key; the last one wins, as in upstream's map.
  const childEntries = new Map<string, ChildEntry>();
  for (const field of fields) {
    const list = child[field.key];
    if (!field.list || appendLists.includes(field.key) || !Array.isArray(list)) continue;
    list.forEach((value, index) => {
      childEntries.set(`${spaceOf(field.key)}\0${entryKey(field.kind, value)}`, { list: field.key, index, value });
    });
  }

  const result: JsonObject = {};
  for (const field of fields) {
    const key = field.key;
    const p = parent[key];
    const c = child[key];
    const pPath = ctx.at(parentPath, key);
    const cPath = ctx.at(childPath, key);
    const rPath = ctx.at(resultPath, key);

    if (!field.list && field.kind !== undefined) {
      if (!isSet(p) && !isSet(c)) continue;
      result[key] = mergeObject(ctx, field.kind, isObject(p) ? p : {}, isObject(c) ? c : {}, pPath, cPath, rPath);
      continue;
    }
    if (!field.list) {
      if (isPlain(field)) {
        if (isSet(c)) result[key] = c;
        if (!isZero(c)) transcribe(ctx, 'child', cPath, rPath, c, undefined);
      } else if (isSet(c)) {
        result[key] = c;
        transcribe(ctx, 'child', cPath, rPath, c, undefined);
      } else if (isSet(p)) {
        result[key] = p;
        transcribe(ctx, 'parent', pPath, rPath, p, undefined);
      }
      continue;
    }

    const parentList = Array.isArray(p) ? p : [];
    const childList = Array.isArray(c) ? c : [];
    if (parentList.length + childList.length === 0) continue;
    const merged: unknown[] = [];

    if (appendLists.includes(key)) {
      parentList.forEach((item, index) => {
        transcribe(ctx, 'parent', ctx.at(pPath, index), ctx.at(rPath, merged.length), item, field.kind);
        merged.push(item);
      });
      childList.forEach((item, index) => {
        transcribe(ctx, 'child', ctx.at(cPath, index), ctx.at(rPath, merged.length), item, field.kind);
        merged.push(item);
      });
      result[key] = merged;
      continue;
    }

    const parentKeys = new Set(parentList.map((item) => entryKey(field.kind, item)));
    parentList.forEach((item, index) => {
      const match = childEntries.get(`${spaceOf(key)}\0${entryKey(field.kind, item)}`);
      const to = ctx.at(rPath, merged.length);
      if (match === undefined) {
        transcribe(ctx, 'parent', ctx.at(pPath, index), to, item, field.kind);
        merged.push(item);
        return;
      }
      // A match in another list of the same key space drops the parent entry; the child's entry
      // is appended to its own list.
      if (match.list !== key) return;
      const matchPath = ctx.at(cPath, match.index);
      if (field.kind === undefined) {
        transcribe(ctx, 'child', matchPath, to, match.value, undefined);
        merged.push(match.value);
        return;
      }
      // A child header without a value deletes the parent's header of that name.
      if (field.kind === 'HTTPHeader' && isObject(match.value) && !isSet(match.value['value'])) return;
      merged.push(
        mergeObject(
          ctx,
          field.kind,
          isObject(item) ? item : {},
          isObject(match.value) ? match.value : {},
          ctx.at(pPath, index),
          matchPath,
          to,
        ),
      );
    });
    childList.forEach((item, index) => {
      if (parentKeys.has(entryKey(field.kind, item))) return;
      transcribe(ctx, 'child', ctx.at(cPath, index), ctx.at(rPath, merged.length), item, field.kind);
      merged.push(item);
    });
    result[key] = merged;
  }
  return result;
}

/**
 * parent ⊕ child for two configs in the newest shape. Keys that the spec does not have are
 * dropped, as upstream's typed merge does. The inputs are not modified, but the result shares
 * unmodified subtrees with them.
 */
export function mergeConfigs(parent: object, child: object): object {
  return mergeObject(untracked, 'Config', parent as JsonObject, child as JsonObject, [], [], []);
}

/** mergeConfigs plus the transcript: every populated output path and where it came from. */
export function mergeConfigsTranscribed(parent: object, child: object): { config: object; transcript: MergeMapping[] } {
  const ctx: Context = { transcript: [], at: (path, segment) => [...path, segment] };
  const config = mergeObject(ctx, 'Config', parent as JsonObject, child as JsonObject, [], [], []);
  return { config, transcript: ctx.transcript ?? [] };
}
