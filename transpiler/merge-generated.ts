// Merges a config generated from sugar (the parent) with the user's own config (the child) with
// Ignition's merge rules (ignition-spec.md §6.2), carrying both translation sets along so that
// every output path still leads back to the YAML node it came from.

import type { ConfigPath } from '../src/report.ts';
import { graft, identitySet, type TranslationNode } from './translation-set.ts';

type Json = unknown;
type Obj = Record<string, Json>;

export interface Tracked {
  config: Obj;
  set: TranslationNode;
}

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lists whose items are appended without de-duplication. */
const CONCAT = new Set(['append', 'options', 'mountOptions']);

/** Key of an item in a keyed list, by the list's field name. */
function itemKey(list: string, item: Json): string | undefined {
  if (!isObj(item)) return typeof item === 'string' ? item : undefined;
  switch (list) {
    case 'disks':
    case 'filesystems':
      return String(item.device ?? '');
    case 'partitions':
      return typeof item.number === 'number' && item.number !== 0 ? `number:${item.number}` : `label:${String(item.label ?? '')}`;
    case 'files':
    case 'directories':
    case 'links':
      return String(item.path ?? '');
    case 'tang':
      return String(item.url ?? '');
    case 'merge':
    case 'certificateAuthorities':
      return String(item.source ?? '');
    default:
      return String(item.name ?? '');
  }
}

export function mergeTracked(parent: Tracked, child: Tracked): Tracked {
  const set = identitySet();
  const config = mergeValue(parent.config, child.config, [], [], [], parent.set, child.set, set, '') as Obj;
  return { config, set };
}

function mergeValue(
  p: Json,
  c: Json,
  pPath: ConfigPath,
  cPath: ConfigPath,
  rPath: ConfigPath,
  pSet: TranslationNode,
  cSet: TranslationNode,
  rSet: TranslationNode,
  field: string,
): Json {
  if (p === undefined) {
    graft(rSet, rPath, cSet, cPath);
    return c;
  }
  if (c === undefined) {
    graft(rSet, rPath, pSet, pPath);
    return p;
  }
  if (isObj(p) && isObj(c)) {
    graft(rSet, rPath, rPath.length === 0 ? identitySet() : cSet, rPath.length === 0 ? [] : cPath);
    const out: Obj = {};
    for (const key of new Set([...Object.keys(p), ...Object.keys(c)])) {
      const v = mergeValue(p[key], c[key], [...pPath, key], [...cPath, key], [...rPath, key], pSet, cSet, rSet, key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (Array.isArray(p) && Array.isArray(c)) {
    graft(rSet, rPath, cSet, cPath);
    const out: Json[] = [];
    const place = (value: Json, side: 'p' | 'c', index: number): void => {
      graft(rSet, [...rPath, out.length], side === 'p' ? pSet : cSet, [...(side === 'p' ? pPath : cPath), index]);
      out.push(value);
    };
    if (CONCAT.has(field)) {
      p.forEach((v, i) => place(v, 'p', i));
      c.forEach((v, i) => place(v, 'c', i));
      return out;
    }
    const byKey = new Map<string, number>();
    p.forEach((v, i) => {
      const key = itemKey(field, v);
      if (key !== undefined) byKey.set(key, i);
    });
    const taken = new Map<number, number>();
    c.forEach((v, i) => {
      const key = itemKey(field, v);
      const at = key === undefined ? undefined : byKey.get(key);
      if (at !== undefined && !taken.has(at)) taken.set(at, i);
    });
    p.forEach((v, i) => {
      const ci = taken.get(i);
      if (ci === undefined) place(v, 'p', i);
      else if (!isObj(v)) place(c[ci], 'c', ci);
      else {
        const r = [...rPath, out.length];
        out.push(mergeValue(v, c[ci], [...pPath, i], [...cPath, ci], r, pSet, cSet, rSet, field));
      }
    });
    const merged = new Set(taken.values());
    c.forEach((v, i) => {
      if (!merged.has(i)) place(v, 'c', i);
    });
    return out;
  }
  graft(rSet, rPath, cSet, cPath);
  return c;
}
