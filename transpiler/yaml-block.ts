// A one-pass reader for the block-style YAML nearly every Butane config is written in, building the
// positioned tree directly (the full parser's document model cost half of a large transpile). Any
// text outside that subset, and every error, makes it give up: yaml.ts then uses the full parser,
// so the tree is always the one that parser gives (test/transpiler/yaml-block.test.ts checks it).

import type { Position } from '../src/report.ts';
import type { ScalarStyle, YamlEntry, YamlNode } from './yaml-node.ts';

/** Thrown (and caught in readBlockYaml) when the text leaves the subset. */
const OUTSIDE = { outside: true };

const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL']);
/** Characters that may not start a plain scalar or a key here (YAML indicators, some only sometimes). */
const NOT_PLAIN_START = new Set([...'[]{},#&*!|>\'"%@`<']);
/** Text the reader refuses wholesale: control characters, carriage returns, byte order marks, and
 * the characters YAML 1.1 took for line breaks. */
const AWKWARD = /[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]/;
const MAX_DEPTH = 150;
/** The double-quoted escapes read here; any other makes the reader give up. */
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' };

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/**
 * The tree for `text` when it is plain block YAML (block maps and sequences, single-line plain and
 * quoted scalars, literal block scalars, single-line flow sequences of scalars); undefined otherwise.
 */
export function readBlockYaml(text: string): YamlNode | undefined {
  if (AWKWARD.test(text)) return undefined;
  try {
    return read(text);
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

function outside(): never {
  throw OUTSIDE;
}

function read(text: string): YamlNode {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length; ) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    starts.push(at);
    ends.push(end);
    at = end + 1;
  }
  const count = starts.length;
  const endsWithNewline = text.endsWith('\n');
  /** The current line: the next one not yet consumed. */
  let li = 0;

  const pos = (offset: number): Position => {
    // Lines are consumed in order, so the offset's line is at or shortly after the current one.
    let line = li < count ? li : count - 1;
    while (line > 0 && (starts[line] as number) > offset) line--;
    while (line + 1 < count && (starts[line + 1] as number) <= offset) line++;
    return { line: line + 1, col: offset - (starts[line] as number) + 1 };
  };

  const indentOf = (line: number): number => {
    const start = starts[line] as number;
    let at = start;
    while (text.charCodeAt(at) === SPACE) at++;
    return at - start;
  };

  /** Skips blank and comment-only lines; the indentation of the next content line, or -1 at the end. */
  const nextContent = (): number => {
    for (; li < count; li++) {
      const start = starts[li] as number;
      const end = ends[li] as number;
      let at = start;
      while (at < end && text.charCodeAt(at) === SPACE) at++;
      if (at === end) continue;
      const c = text.charCodeAt(at);
      if (c === HASH) continue;
      if (c === TAB) outside();
      if (at === start && (text.startsWith('---', at) || text.startsWith('...', at))) outside();
      return at - start;
    }
    return -1;
  };

  /** Offset of the first character at or after `at` on the line that is not a space. */
  const skipSpaces = (at: number, end: number): number => {
    while (at < end && text.charCodeAt(at) === SPACE) at++;
    return at;
  };

  /** Only spaces and an optional comment may follow on the line. */
  const expectLineEnd = (at: number, end: number): void => {
    const rest = skipSpaces(at, end);
    if (rest === end) return;
    if (text.charCodeAt(rest) !== HASH || rest === at) outside();
  };

  /** End of a plain scalar starting at `at`: before ` #` or the line's end, trailing spaces cut. */
  const plainEnd = (at: number, end: number): number => {
    let stop = at;
    while (stop < end && !(text.charCodeAt(stop) === HASH && text.charCodeAt(stop - 1) === SPACE)) stop++;
    if (stop < end) stop--;
    while (stop > at && text.charCodeAt(stop - 1) === SPACE) stop--;
    return stop;
  };

  /** Offset of the `:` that ends an implicit key starting at `at`, or -1 when the line holds none. */
  const keyColon = (at: number, end: number): number => {
    for (let i = at; i < end; i++) {
      if (text.charCodeAt(i) !== COLON) continue;
      const next = i + 1 === end ? SPACE : text.charCodeAt(i + 1);
      if (next === SPACE) return i;
      if (next === TAB) outside();
    }
    return -1;
  };

  /** A quoted scalar opening at `at` and closing on the same line: its value and the offset after it. */
  const quoted = (at: number, end: number): { value: string; after: number } => {
    const q = text[at] as string;
    if (q === "'") {
      let close = at + 1;
      while (close < end && text[close] !== q) close++;
      if (close >= end || text.charCodeAt(close + 1) === 0x27) outside();
      return { value: text.slice(at + 1, close), after: close + 1 };
    }
    let value = '';
    let from = at + 1;
    for (let i = from; ; i++) {
      if (i >= end) outside();
      const c = text[i] as string;
      if (c === '"') return { value: value + text.slice(from, i), after: i + 1 };
      if (c !== '\\') continue;
      const escaped = SIMPLE_ESCAPES[text[i + 1] as string];
      if (escaped === undefined) outside();
      value += text.slice(from, i) + escaped;
      i++;
      from = i + 1;
    }
  };

  const scalar = (value: string, style: ScalarStyle, offset: number): YamlNode =>
    style === 'plain' && NULL_WORDS.has(value) ? { kind: 'null', pos: pos(offset) } : { kind: 'scalar', pos: pos(offset), text: value, style };

  /** A flow sequence of scalars that opens and closes on this line. */
  const flowSeq = (open: number, end: number): YamlNode => {
    const items: YamlNode[] = [];
    for (let i = open; i < end; i++) if (text.charCodeAt(i) === TAB) outside();
    let at = skipSpaces(open + 1, end);
    if (text.charCodeAt(at) === 0x5d) {
      expectLineEnd(at + 1, end);
      li++;
      return { kind: 'seq', pos: pos(open), items };
    }
    for (;;) {
      at = skipSpaces(at, end);
      if (at >= end) outside();
      const c = text[at] as string;
      let after: number;
      if (c === '"' || c === "'") {
        const q = quoted(at, end);
        items.push(scalar(q.value, 'quoted', at));
        after = skipSpaces(q.after, end);
      } else {
        if (NOT_PLAIN_START.has(c) || ('-?:'.includes(c) && (at + 1 >= end || ' ,]'.includes(text[at + 1] as string)))) outside();
        let stop = at;
        while (stop < end && !',]'.includes(text[stop] as string)) {
          if ('[{}#:"\''.includes(text[stop] as string)) outside();
          stop++;
        }
        after = stop;
        while (stop > at && text.charCodeAt(stop - 1) === SPACE) stop--;
        items.push(scalar(text.slice(at, stop), 'plain', at));
      }
      const sep = text[after];
      if (sep === ']') {
        expectLineEnd(after + 1, end);
        li++;
        return { kind: 'seq', pos: pos(open), items };
      }
      if (sep !== ',') outside();
      at = skipSpaces(after + 1, end);
      if (text.charCodeAt(at) === 0x5d) outside();
    }
  };

  /** A literal block scalar (`|`, `|-`) whose header is at `at`; content must be indented past `parent`. */
  const literal = (at: number, end: number, parent: number): YamlNode => {
    const headerPos = pos(at);
    let header = at + 1;
    const chomp = text[header];
    if (chomp === '-') header++;
    else if (chomp === '+') outside();
    const next = text.charCodeAt(header);
    if (header < end && next !== SPACE) outside();
    expectLineEnd(header, end);
    li++;
    const lines: string[] = [];
    let indent = -1;
    let blanks = 0;
    for (; li < count; li++) {
      const start = starts[li] as number;
      const lineEnd = ends[li] as number;
      const spaces = indentOf(li);
      if (start + spaces === lineEnd) {
        // A whitespace-only line; one reaching past the content's indentation is awkward to judge.
        if (indent < 0 ? spaces > 0 : spaces > indent) outside();
        blanks++;
        continue;
      }
      if (indent < 0) {
        if (spaces <= parent) break;
        indent = spaces;
      } else if (spaces < indent) break;
      for (; blanks > 0; blanks--) lines.push('');
      lines.push(text.slice(start + indent, lineEnd));
    }
    if (indent < 0) outside();
    if (li === count && !endsWithNewline && blanks === 0) outside();
    const body = lines.join('\n');
    return { kind: 'scalar', pos: headerPos, text: chomp === '-' ? body : `${body}\n`, style: 'block' };
  };

  /**
   * A scalar or flow sequence starting at `at` on the current line, then consumes the line (and a
   * block scalar's body). `parent` is the indentation of the collection it belongs to.
   */
  const inlineValue = (at: number, end: number, parent: number): YamlNode => {
    const c = text[at] as string;
    if (c === '|') return literal(at, end, parent);
    if (c === '[') return flowSeq(at, end);
    if (c === '"' || c === "'") {
      const q = quoted(at, end);
      expectLineEnd(q.after, end);
      const node = scalar(q.value, 'quoted', at);
      li++;
      return node;
    }
    if (NOT_PLAIN_START.has(c)) outside();
    if ((c === '-' || c === '?' || c === ':') && (at + 1 === end || text.charCodeAt(at + 1) === SPACE)) outside();
    const stop = plainEnd(at, end);
    const value = text.slice(at, stop);
    if (value.includes(': ') || value.endsWith(':') || value.includes('\t')) outside();
    li++;
    return scalar(value, 'plain', at);
  };

  /** Whether the line's content, at column `indent`, is a sequence item's dash. */
  const isItemAt = (line: number, indent: number): boolean => {
    const at = (starts[line] as number) + indent;
    return text.charCodeAt(at) === DASH && (at + 1 === ends[line] || text.charCodeAt(at + 1) === SPACE);
  };

  /** A node that starts on a later line, indented past `parent` (or a sequence at `parent` itself). */
  const nestedValue = (parent: number, sequenceAtParent: boolean, depth: number): YamlNode => {
    const indent = nextContent();
    if (indent < 0) outside();
    const first = (starts[li] as number) + indent;
    const isItem = isItemAt(li, indent);
    if (indent > parent) return isItem ? sequence(indent, depth + 1) : mapping(indent, first, depth + 1);
    if (indent === parent && sequenceAtParent && isItem) return sequence(indent, depth + 1);
    return outside();
  };

  /** A block mapping whose keys sit at column `indent`; the first key starts at `first`. */
  const mapping = (indent: number, first: number, depth: number): YamlNode => {
    if (depth > MAX_DEPTH) outside();
    const entries: YamlEntry[] = [];
    const seen = new Set<string>();
    const mapPos = pos(first);
    let keyStart = first;
    for (;;) {
      const end = ends[li] as number;
      const c = text[keyStart] as string;
      if (NOT_PLAIN_START.has(c) || c === '-' || c === '?' || c === ':') outside();
      const colon = keyColon(keyStart, end);
      if (colon < 0) outside();
      let keyEnd = colon;
      while (keyEnd > keyStart && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      const key = text.slice(keyStart, keyEnd);
      if (key.includes(' #') || key.includes('\t') || key.length > 1000 || key === '<<' || seen.has(key)) outside();
      seen.add(key);
      const keyPos = pos(keyStart);
      const valueAt = skipSpaces(colon + 1, end);
      let value: YamlNode;
      if (valueAt === end || (text.charCodeAt(valueAt) === HASH && valueAt > colon + 1)) {
        li++;
        value = nestedValue(indent, true, depth);
      } else value = inlineValue(valueAt, end, indent);
      entries.push({ key, keyPos, value });
      const next = nextContent();
      if (next < indent) return { kind: 'map', pos: mapPos, entries };
      if (next > indent) outside();
      keyStart = (starts[li] as number) + next;
    }
  };

  /** A block sequence whose dashes sit at column `indent`. */
  const sequence = (indent: number, depth: number): YamlNode => {
    if (depth > MAX_DEPTH) outside();
    const items: YamlNode[] = [];
    const seqPos = pos((starts[li] as number) + indent);
    for (;;) {
      const start = starts[li] as number;
      const end = ends[li] as number;
      const dash = start + indent;
      if (text.charCodeAt(dash) !== DASH || (dash + 1 < end && text.charCodeAt(dash + 1) !== SPACE)) outside();
      const at = skipSpaces(dash + 1, end);
      if (at === end || (text.charCodeAt(at) === HASH && at > dash + 1)) {
        li++;
        items.push(nestedValue(indent, false, depth));
      } else if (text.charCodeAt(at) === DASH && (at + 1 === end || text.charCodeAt(at + 1) === SPACE)) {
        outside();
      } else if (!NOT_PLAIN_START.has(text[at] as string) && keyColon(at, plainEnd(at, end)) >= 0) {
        items.push(mapping(at - start, at, depth + 1));
      } else items.push(inlineValue(at, end, indent));
      const next = nextContent();
      if (next < indent || (next === indent && !isItemAt(li, next))) return { kind: 'seq', pos: seqPos, items };
      if (next > indent) outside();
    }
  };

  const indent = nextContent();
  if (indent !== 0) outside();
  const first = starts[li] as number;
  if (text.charCodeAt(first) === DASH) outside();
  const root = mapping(0, first, 0);
  if (nextContent() >= 0) outside();
  return root;
}
