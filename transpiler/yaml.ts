// The only importer of the `yaml` package: turns Butane source text into a small positioned tree.
// Scalars keep their raw text and style so the decoder can type them the way Go's yaml.v3 does
// (0644 is octal for an int field, `yes` is true for a bool field, anything is text for a string).
// Plain block YAML is read by yaml-block.ts in one pass; the package handles everything else.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Position } from '../src/report.ts';
import { readBlockYaml } from './yaml-block.ts';
import type { ScalarStyle, YamlEntry, YamlNode } from './yaml-node.ts';

export type { ScalarStyle, YamlEntry, YamlNode } from './yaml-node.ts';

export type YamlParseResult = { ok: true; root: YamlNode | undefined } | { ok: false; message: string };

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

/**
 * Parses the first YAML document of `text` (later documents are ignored, as Go's yaml.Unmarshal
 * does). Syntax errors come back as one message in yaml.v3's shape. Duplicate keys stay in the
 * tree: yaml.v3 only finds them in the mappings it decodes, so the decoder checks them.
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
    return { ok: false, message: `yaml: line ${at.line}: ${lowerFirst(first.message)}` };
  }
  let unknownAnchor: string | undefined;
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const convert = (node: Node | null | undefined, fallback: number, depth: number): YamlNode => {
    if (depth > 200) return { kind: 'null', pos: pos(fallback) };
    if (node === null || node === undefined) return { kind: 'null', pos: pos(fallback) };
    if (isAlias(node)) {
      const target = node.resolve(doc as Document.Parsed);
      // yaml.v3's parser stops here; the package would read the alias as null.
      if (target === undefined && unknownAnchor === undefined) unknownAnchor = node.source;
      return convert(target as Node | undefined, node.range?.[0] ?? fallback, depth + 1);
    }
    const start = node.range?.[0] ?? fallback;
    if (isScalar(node)) {
      // Tags the package resolves even in the failsafe schema (!!binary, !!merge) keep their source text.
      const text = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value ?? ''));
      const style: ScalarStyle =
        node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'
          ? 'quoted'
          : node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
            ? 'block'
            : 'plain';
      const tag = node.tag === undefined ? undefined : node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      // A tagged scalar (even !!null) stays a scalar: yaml-resolve.ts decides what the tag makes of it.
      if (style === 'plain' && tag === undefined && NULL_WORDS.has(text)) return { kind: 'null', pos: pos(start) };
      return tag === undefined ? { kind: 'scalar', pos: pos(start), text, style } : { kind: 'scalar', pos: pos(start), text, style, tag };
    }
    if (isSeq(node)) {
      return { kind: 'seq', pos: pos(start), items: node.items.map((item) => convert(item as Node, start, depth + 1)) };
    }
    if (isMap(node)) {
      const entries: YamlEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyStart = keyNode?.range?.[0] ?? start;
        const key = !isScalar(keyNode) ? '' : typeof keyNode.value === 'string' ? keyNode.value : (keyNode.source ?? String(keyNode.value ?? ''));
        const value = convert(pair.value as Node | null, keyNode?.range?.[1] ?? keyStart, depth + 1);
        const keyPos = pos(keyStart);
        // yaml.v3 takes a plain `<<` (or one tagged !!merge) as a merge key; a quoted one is text.
        const keyTag = isScalar(keyNode) ? keyNode.tag?.replace(/^tag:yaml\.org,2002:/, '!!') : undefined;
        if (key === '<<' && isScalar(keyNode) && ((keyNode.type === 'PLAIN' && keyTag === undefined) || keyTag === '!!merge')) {
          entries.push({ key, keyPos, value, merge: true });
          continue;
        }
        entries.push({ key, keyPos, value });
      }
      return { kind: 'map', pos: pos(start), entries };
    }
    return { kind: 'null', pos: pos(start) };
  };
  const contents = doc.contents as Node | null;
  const root = contents === null ? undefined : convert(contents, 0, 0);
  if (unknownAnchor !== undefined) return { ok: false, message: `yaml: unknown anchor '${unknownAnchor}' referenced` };
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
