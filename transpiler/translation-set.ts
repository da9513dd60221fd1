// The translation set: which YAML path every output (Ignition JSON) path came from, so findings
// on the generated config can be shown at the user's coordinates. Stored as a tree keyed by path
// segment; a path without its own entry maps through its deepest recorded ancestor, with the
// remaining segments converted to snake_case (the identity translation).

import type { ConfigPath, PathSegment } from '../src/report.ts';
import { snakeKey } from './fields.ts';

export interface TranslationNode {
  source?: ConfigPath;
  children?: Map<PathSegment, TranslationNode>;
}

/** A fresh set where the root maps to the root (everything is identity until recorded). */
export function identitySet(): TranslationNode {
  return { source: [] };
}

function nodeAt(root: TranslationNode, path: ConfigPath, create: boolean): TranslationNode | undefined {
  let node = root;
  for (const segment of path) {
    let next = node.children?.get(segment);
    if (next === undefined) {
      if (!create) return undefined;
      next = {};
      (node.children ??= new Map()).set(segment, next);
    }
    node = next;
  }
  return node;
}

/** Records that output `outPath` came from YAML `sourcePath` (and so does everything below it). */
export function record(set: TranslationNode, outPath: ConfigPath, sourcePath: ConfigPath): void {
  const node = nodeAt(set, outPath, true) as TranslationNode;
  node.source = sourcePath;
  node.children = undefined;
}

/**
 * Records `sourcePath` for `outPath` and every path inside `value` (upstream's
 * AddFromCommonSource), so that a finding anywhere in generated output points at the sugar itself.
 */
export function recordAll(set: TranslationNode, outPath: ConfigPath, value: unknown, sourcePath: ConfigPath): void {
  record(set, outPath, sourcePath);
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) recordAll(set, [...outPath, Array.isArray(value) ? Number(key) : key], item, sourcePath);
}

/** The YAML path an output path came from. */
export function sourceOf(set: TranslationNode, outPath: ConfigPath): ConfigPath {
  let node: TranslationNode | undefined = set;
  let best: ConfigPath = [];
  let depth = 0;
  for (let i = 0; node !== undefined; i++) {
    if (node.source !== undefined) {
      best = node.source;
      depth = i;
    }
    if (i === outPath.length) break;
    node = node.children?.get(outPath[i] as PathSegment);
  }
  return [...best, ...outPath.slice(depth).map((s) => (typeof s === 'string' ? snakeKey(s) : s))];
}

/** Copies the part of `from` under `fromPath` to `to` under `toPath`, anchoring it to its source. */
export function graft(to: TranslationNode, toPath: ConfigPath, from: TranslationNode, fromPath: ConfigPath): void {
  const sub = nodeAt(from, fromPath, false);
  const target = nodeAt(to, toPath, true) as TranslationNode;
  target.source = sub?.source ?? sourceOf(from, fromPath);
  target.children = sub?.children;
}
