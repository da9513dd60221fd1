// The only importer of the `yaml` package: turns Butane source text into a small positioned tree.
// Scalars keep their raw text and style so the decoder can type them the way Go's yaml.v3 does
// (0644 is octal for an int field, `yes` is true for a bool field, anything is text for a string).
// Plain block YAML is read by yaml-block.ts in one pass; the package handles everything else.

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLError } from 'yaml';
import type { Position } from '../src/report.ts';
import { readBlockYaml } from './yaml-block.ts';
import type { ScalarStyle, YamlEntry, YamlNode } from './yaml-node.ts';

export type { ScalarStyle, YamlEntry, YamlNode } from './yaml-node.ts';

export type YamlParseResult = { ok: true; root: YamlNode | undefined } | { ok: false; message: string; pos?: Position };

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
  // yaml.v3 reads one document and stops once its root node is complete: whatever follows the
  // root (a less indented line after an indented first one) would only fail the next document.
  const contents = doc.contents as Node | null;
  const rootEnd = contents?.range?.[1];
  const trailing = (e: YAMLError): boolean => rootEnd !== undefined && e.pos[0] >= rootEnd && e.code === 'UNEXPECTED_TOKEN';
  const first = doc.errors.every(trailing) ? undefined : doc.errors[0];
  if (first !== undefined) {
    const at = lines.linePos(first.pos[0]);
    const libyaml = libyamlMessage(first, contents, text, lines);
    return { ok: false, message: libyaml ?? `yaml: line ${at.line}: ${lowerFirst(first.message)}`, pos: { line: at.line, col: at.col } };
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
  const root = contents === null ? undefined : convert(contents, 0, 0);
  if (unknownAnchor !== undefined) return { ok: false, message: `yaml: unknown anchor '${unknownAnchor}' referenced` };
  return { ok: true, root: root?.kind === 'null' ? undefined : root };
}

/** A block collection of the (partial) tree: where it starts and the column its keys or dashes sit at. */
interface Block {
  kind: 'map' | 'seq';
  offset: number;
  line: number;
  col: number;
}

/** Block mappings and sequences of a tree, leaving out sequences at their parent key's column (libyaml's indentless ones). */
function blocks(root: Node | null, lines: LineCounter): Block[] {
  const found: Block[] = [];
  const walk = (node: unknown, parentCol: number): void => {
    if (!(isMap(node) || isSeq(node)) || node.range === undefined || node.range === null) return;
    const at = lines.linePos(node.range[0]);
    const col = at.col - 1;
    const block = node.flow !== true && !(isSeq(node) && col === parentCol);
    if (block) found.push({ kind: isMap(node) ? 'map' : 'seq', offset: node.range[0], line: at.line, col });
    for (const item of node.items) {
      if (isPair(item)) walk(item.value, isMap(node) ? col : -1);
      else walk(item, -1);
    }
  };
  walk(root, -1);
  return found;
}

/**
 * libyaml's wording (through yaml.v3) for the indentation mistakes people make most, where the
 * `yaml` package words them its own way: the innermost block collection the stray line could
 * belong to did not find its next key or dash. yaml.v3 prints the 0-based line of that
 * collection's start (or of the stray token when the collection starts the file), and scanner
 * errors 1-based, leaving the line out when it is 0.
 */
function libyamlMessage(error: YAMLError, root: Node | null, text: string, lines: LineCounter): string | undefined {
  const where = (line: number, message: string): string => (line === 0 ? `yaml: ${message}` : `yaml: line ${line}: ${message}`);
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && error.message.startsWith('Nested mappings')) {
    const colon = /:(?=[ \t\r\n]|$)/g;
    colon.lastIndex = error.pos[0];
    const found = colon.exec(text);
    if (found === null) return undefined;
    const colonLine = lines.linePos(found.index).line;
    return where(colonLine === 1 ? 0 : colonLine, 'mapping values are not allowed in this context');
  }
  // Scanner errors: yaml.v3 prints the 1-based line of the token (no line at all on the first).
  const scanner = (offset: number, message: string): string => {
    const line = lines.linePos(offset).line;
    return where(line === 1 ? 0 : line, message);
  };
  if (error.code === 'TAB_AS_INDENT') {
    // After a line that ends in a plain scalar, libyaml is still scanning that scalar and names
    // its line; otherwise the tab cannot start a token on its own line.
    const all = text.split('\n');
    const tabLine = lines.linePos(error.pos[0]).line;
    let prev = tabLine - 2;
    while (prev >= 0 && /^\s*(#.*)?$/.test(all[prev] as string)) prev--;
    const last = prev < 0 ? '' : (all[prev] as string).replace(/\s+#.*$/, '').trimEnd();
    const value = /(?:^\s*-\s+|:\s+|^\s*)([^\s].*)$/.exec(last)?.[1] ?? '';
    const inScalar = prev >= 0 && !last.endsWith(':') && !/^[|>"'[{&*!-]/.test(value) && value !== '';
    if (!inScalar) return scanner(error.pos[0], 'found character that cannot start any token');
    return where(prev === 0 ? tabLine : prev + 1, 'found a tab character that violates indentation');
  }
  const unclosed = /^Missing closing (["'])quote/.exec(error.message);
  if (error.code === 'MISSING_CHAR' && unclosed !== null) {
    const open = text.lastIndexOf(unclosed[1] as string, error.pos[0]);
    return open < 0 ? undefined : scanner(open, 'found unexpected end of stream');
  }
  if (error.code === 'BAD_INDENT' && /^Flow (sequence|mapping) in block collection/.test(error.message) && text.slice(error.pos[0]).trim() === '') {
    // An unclosed flow collection at the end of the text: libyaml names the line the text ends on.
    return where(lines.linePos(error.pos[0]).line - 1, 'did not find expected node content');
  }
  const indentation =
    (error.code === 'BAD_INDENT' && /^All (mapping|sequence) items/.test(error.message)) ||
    (error.code === 'BLOCK_AS_IMPLICIT_KEY' && error.message.startsWith('A block sequence')) ||
    (error.code === 'MISSING_CHAR' && /^(Sequence item without|Implicit map keys need)/.test(error.message));
  if (!indentation) return undefined;
  const line = lines.linePos(error.pos[0]).line;
  const lineText = text.split('\n')[line - 1] ?? '';
  const tokenCol = lineText.length - lineText.trimStart().length;
  const owner = blocks(root, lines)
    .filter((b) => b.line < line && b.col <= tokenCol)
    .sort((a, b) => b.offset - a.offset)[0];
  // A plain word at a block's own column with no `:` after it: libyaml's scanner wanted a key.
  const content = lineText.trim();
  const plainWord = !/^[-[\]{}"'#?!&*|>%@`]/.test(content) && !/:( |$)/.test(content);
  if (plainWord && (owner === undefined ? tokenCol === 0 : owner.col === tokenCol)) {
    return where(line === 1 ? 0 : line, "could not find expected ':'");
  }
  if (owner === undefined) return undefined;
  const message = owner.kind === 'seq' ? "did not find expected '-' indicator" : 'did not find expected key';
  return where(owner.line - 1 === 0 ? line - 1 : owner.line - 1, message);
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
