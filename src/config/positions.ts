// Where things are in a JSON text: a position tree built only when a report needs positions
// (the correlate step), and offset -> line:col as Ignition computes it (bytes, 1-based).

import type { ConfigPath, Position, Report } from '../report.ts';

export interface JsonNode {
  /** Byte offset of the value's first character. */
  start: number;
  /** Byte offset just past the value. */
  end: number;
  /** Byte offset of the key's opening quote, for object members. */
  keyStart?: number;
  object?: Map<string, JsonNode>;
  array?: JsonNode[];
}

/** Builds the tree of a document that is known to be valid JSON. */
export function buildPositionTree(b: Uint8Array): JsonNode {
  let i = 0;
  const skipSpace = (): void => {
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  const skipString = (): void => {
    i++;
    for (;;) {
      const c = b[i++];
      if (c === 0x22 || c === undefined) return;
      if (c === 0x5c) i++;
    }
  };
  const decoder = new TextDecoder();
  const readKey = (): string => {
    const from = i;
    skipString();
    return JSON.parse(decoder.decode(b.subarray(from, i))) as string;
  };
  const value = (): JsonNode => {
    skipSpace();
    const start = i;
    const c = b[i];
    if (c === 0x7b) {
      i++;
      const members = new Map<string, JsonNode>();
      skipSpace();
      if (b[i] === 0x7d) i++;
      else {
        for (;;) {
          skipSpace();
          const keyStart = i;
          const key = readKey();
          skipSpace();
          i++; // ':'
          const child = value();
          child.keyStart = keyStart;
          members.set(key, child);
          skipSpace();
          if (b[i++] === 0x7d) break;
        }
      }
      return { start, end: i, object: members };
    }
    if (c === 0x5b) {
      i++;
      const items: JsonNode[] = [];
      skipSpace();
      if (b[i] === 0x5d) i++;
      else {
        for (;;) {
          items.push(value());
          skipSpace();
          if (b[i++] === 0x5d) break;
        }
      }
      return { start, end: i, array: items };
    }
    if (c === 0x22) {
      skipString();
      return { start, end: i };
    }
    while (i < b.length) {
      const d = b[i] as number;
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) break;
      i++;
    }
    return { start, end: i };
  };
  return value();
}

/** The deepest node along `path` and whether the whole path exists. */
export function findNode(root: JsonNode, path: ConfigPath): { node: JsonNode; complete: boolean } {
  let node = root;
  for (const segment of path) {
    const next = typeof segment === 'number' ? node.array?.[segment] : node.object?.get(segment);
    if (next === undefined) return { node, complete: false };
    node = next;
  }
  return { node, complete: true };
}

/** Ignition's marker: line = 1 + newlines before the offset, col = bytes since the last newline. */
export function lineColAt(b: Uint8Array, offset: number, lineIndex?: LineIndex): Position {
  const index = lineIndex ?? buildLineIndex(b);
  let lo = 0;
  let hi = index.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((index[mid] as number) < offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (index[lo] as number) };
}

/** Offsets of each newline, with -1 standing for the start of line 1. */
export type LineIndex = number[];

export function buildLineIndex(b: Uint8Array): LineIndex {
  const index = [-1];
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) index.push(i);
  return index;
}

/**
 * Fills `pos` of every entry that has a path, from the JSON text it refers to. An unused key points
 * at the key itself; everything else at the value, or at the deepest ancestor that exists.
 * Objects and lists count from just inside their opening bracket, as upstream's markers do.
 */
export function correlateJson(report: Report, text: string | Uint8Array): void {
  const needed = report.filter((e) => e.path !== undefined && e.pos === undefined);
  if (needed.length === 0) return;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const tree = buildPositionTree(bytes);
  const lines = buildLineIndex(bytes);
  for (const e of needed) {
    const { node, complete } = findNode(tree, e.path as ConfigPath);
    // Upstream's position tree records objects and lists just past their opening bracket.
    const container = node.object !== undefined || node.array !== undefined;
    const offset = complete && e.code === 'UNUSED_KEY' && node.keyStart !== undefined ? node.keyStart : node.start + (container ? 1 : 0);
    e.pos = lineColAt(bytes, offset, lines);
  }
}
