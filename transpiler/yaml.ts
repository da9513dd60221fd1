// The only importer of the `yaml` package: turns Butane source text into a small positioned tree.
// Scalars keep their raw text and style so the decoder can type them the way Go's yaml.v3 does
// (0644 is octal for an int field, `yes` is true for a bool field, anything is text for a string).
// Plain block YAML is read by yaml-block.ts in one pass; the package handles everything else.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Position } from '../src/report.ts';
import { readBlockYaml } from './yaml-block.ts';

export type ScalarStyle = 'plain' | 'quoted' | 'block';

export type YamlNode =
  | { kind: 'map'; pos: Position; entries: YamlEntry[] }
  | { kind: 'seq'; pos: Position; items: YamlNode[] }
  | { kind: 'scalar'; pos: Position; text: string; style: ScalarStyle; tag?: string }
  | { kind: 'null'; pos: Position };

export interface YamlEntry {
  key: string;
  keyPos: Position;
  value: YamlNode;
}

export type YamlParseResult = { ok: true; root: YamlNode | undefined } | { ok: false; message: string; pos?: Position };

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

/**
 * Parses the first YAML document of `text` (later documents are ignored, as Go's yaml.Unmarshal
 * does). Syntax errors and duplicate keys come back as one message in yaml.v3's shape.
 */
export function parseYaml(text: string): YamlParseResult {
  const root = readBlockYaml(text);
  return root === undefined ? parseYamlFully(text) : { ok: true, root };
}

/** parseYaml through the `yaml` package alone, whatever the text. */
export function parseYamlFully(text: string): YamlParseResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
    merge: false,
  });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc === undefined) return { ok: true, root: undefined };
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = lines.linePos(first.pos[0]);
    return { ok: false, message: `yaml: line ${at.line}: ${lowerFirst(first.message)}`, pos: { line: at.line, col: at.col } };
  }
  const duplicates: string[] = [];
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const convert = (node: Node | null | undefined, fallback: number, depth: number): YamlNode => {
    if (depth > 200) return { kind: 'null', pos: pos(fallback) };
    if (node === null || node === undefined) return { kind: 'null', pos: pos(fallback) };
    if (isAlias(node)) {
      const target = node.resolve(doc as Document.Parsed);
      return convert(target as Node | undefined, node.range?.[0] ?? fallback, depth + 1);
    }
    const start = node.range?.[0] ?? fallback;
    if (isScalar(node)) {
      const text = typeof node.value === 'string' ? node.value : String(node.value ?? '');
      const style: ScalarStyle =
        node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'
          ? 'quoted'
          : node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
            ? 'block'
            : 'plain';
      const tag = node.tag === undefined ? undefined : node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      if (style === 'plain' && tag === undefined && NULL_WORDS.has(text)) return { kind: 'null', pos: pos(start) };
      if (tag === '!!null') return { kind: 'null', pos: pos(start) };
      return tag === undefined ? { kind: 'scalar', pos: pos(start), text, style } : { kind: 'scalar', pos: pos(start), text, style, tag };
    }
    if (isSeq(node)) {
      return { kind: 'seq', pos: pos(start), items: node.items.map((item) => convert(item as Node, start, depth + 1)) };
    }
    if (isMap(node)) {
      const entries: YamlEntry[] = [];
      const merged: YamlEntry[] = [];
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyStart = keyNode?.range?.[0] ?? start;
        const key = isScalar(keyNode) ? String(keyNode.value ?? '') : '';
        const value = convert(pair.value as Node | null, keyNode?.range?.[1] ?? keyStart, depth + 1);
        if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
          // Merge keys: entries of the referenced maps fill in keys the map does not set itself.
          const sources = value.kind === 'seq' ? value.items : [value];
          for (const source of sources) if (source.kind === 'map') merged.push(...source.entries);
          continue;
        }
        const keyPos = pos(keyStart);
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          duplicates.push(`line ${keyPos.line}: mapping key "${key}" already defined at line ${earlier}`);
          continue;
        }
        seen.set(key, keyPos.line);
        entries.push({ key, keyPos, value });
      }
      for (const entry of merged) {
        if (seen.has(entry.key)) continue;
        seen.set(entry.key, entry.keyPos.line);
        entries.push(entry);
      }
      return { kind: 'map', pos: pos(start), entries };
    }
    return { kind: 'null', pos: pos(start) };
  };
  const contents = doc.contents as Node | null;
  const root = contents === null ? undefined : convert(contents, 0, 0);
  if (duplicates.length > 0) return { ok: false, message: `yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}` };
  return { ok: true, root: root?.kind === 'null' ? undefined : root };
}

function lowerFirst(message: string): string {
  return message.length === 0 ? message : message[0]!.toLowerCase() + message.slice(1);
}

/** The node at `path` and the deepest existing ancestor when the full path is absent. */
export function findYamlNode(
  root: YamlNode | undefined,
  path: readonly (string | number)[],
): { node: YamlNode | undefined; keyPos?: Position; complete: boolean } {
  let node = root;
  let keyPos: Position | undefined;
  for (const segment of path) {
    if (node === undefined) return { node, complete: false };
    let next: YamlNode | undefined;
    let nextKeyPos: Position | undefined;
    if (typeof segment === 'number' && node.kind === 'seq') next = node.items[segment];
    else if (typeof segment === 'string' && node.kind === 'map') {
      const entry = node.entries.find((e) => e.key === segment);
      next = entry?.value;
      nextKeyPos = entry?.keyPos;
    }
    if (next === undefined) return { node, keyPos, complete: false };
    node = next;
    keyPos = nextKeyPos;
  }
  return { node, keyPos, complete: true };
}
