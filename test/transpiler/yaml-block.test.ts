// The one-pass block YAML reader must agree with the full `yaml` parser on everything it accepts:
// checked on every Butane input of the corpus, on generated block documents and on damaged ones.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readBlockYaml } from '../../transpiler/yaml-block.ts';
import { parseYaml, parseYamlFully } from '../../transpiler/yaml.ts';
import { largeButane } from '../../bench/transpile/large-butane.ts';

const root = new URL('../..', import.meta.url).pathname;

function corpus(): { name: string; text: string }[] {
  const inputs: { name: string; text: string }[] = [];
  const dirs = [join(root, 'test/fixtures/transpile'), join(root, '../shared/conformance/butane-docs/cases')];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'input.bu');
      if (existsSync(file)) inputs.push({ name, text: readFileSync(file, 'utf8') });
    }
  }
  return inputs;
}

/** The full parser's answer in the reader's terms: the tree, or undefined for no tree or an error. */
function fully(text: string): unknown {
  const parsed = parseYamlFully(text);
  return parsed.ok ? parsed.root : { error: parsed.message };
}

/** Asserts the reader either declines or gives exactly the full parser's tree; true when it read. */
function agrees(text: string): boolean {
  const fast = readBlockYaml(text);
  if (fast === undefined) return false;
  expect(fast).toEqual(fully(text));
  return true;
}

describe('readBlockYaml on real configs', () => {
  test('agrees with the full parser on every corpus input and reads most of them', () => {
    const inputs = corpus();
    expect(inputs.length).toBeGreaterThan(100);
    const read = inputs.filter((input) => agrees(input.text));
    expect(read.length / inputs.length).toBeGreaterThan(0.9);
  });

  test('reads the benchmark config, and parseYaml takes that path', () => {
    const text = largeButane();
    expect(agrees(text)).toBe(true);
    expect(parseYaml(text)).toEqual({ ok: true, root: readBlockYaml(text) });
  });
});

describe('readBlockYaml on hand-picked shapes', () => {
  const cases: [string, string][] = [
    ['literal chomping and blank lines', 'a: |\n  x\n\n  y\n\n\nb: |-\n    z\n     w\nc: |\n\n  lead\n'],
    ['sequences at the key column and nested ones', 'a:\n- x\n- y: 1\n  z: [p, "q", \'r\']\n-\n  - deep\nb: ~\n'],
    ['comments everywhere', '# top\na: 1 # one\n\n  # indented comment\nb:   # trailing\n  c: "d # not a comment"\ne: f#g\n'],
    ['escapes in double quotes', 'a: "x\\ny\\t\\"z\\\\"\nb: \'single\'\n'],
    ['null spellings and odd plain text', 'a: null\nb: Null\nc: "~"\nd: 0644\ne: -1\nf: a:b\ng: http://x/y?z=1\n'],
  ];
  test.each(cases)('%s', (_name, text) => {
    expect(agrees(text)).toBe(true);
  });

  const declined: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['folded scalars', 'a: >\n  x\n'],
    ['multi-line plain scalars', 'a: x\n  y\n'],
    ['empty values', 'a:\nb: 1\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs in indentation', 'a:\n\tb: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['flow maps', 'a: {b: 1}\n'],
    ['carriage returns', 'a: 1\r\nb: 2\r\n'],
    ['a literal at the end without a newline', 'a: |\n  x'],
  ];
  test.each(declined)('declines %s', (_name, text) => {
    expect(readBlockYaml(text)).toBeUndefined();
  });
});

// Generated block documents: keys, every scalar style the reader knows, nesting by maps and lists.
const word = fc.constantFrom('a', 'path', 'x_y', 'name.service', '/etc/hosts', '0644', '0x1F', 'yes', 'true', '~', 'null', 'NULL', '1.5', 'a b c', 'a#b', 'a:b', '-1', 'é', '');
const plainScalar = word.filter((w) => w !== '');
const quotedScalar = fc.tuple(fc.constantFrom('"', "'"), fc.constantFrom('x', 'a: b', '# h', '', 'null', 'q\\nr', 'p\\"s', 'it', '  pad  ')).map(([q, body]) =>
  q === "'" ? `'${body.replace(/\\/g, '')}'` : `"${body}"`,
);
const comment = fc.constantFrom('', '', ' # note', '  #x');
const literal = fc
  .tuple(fc.constantFrom('|', '|-', '|+', '|2', '>'), fc.array(fc.constantFrom('line', '', '  more', '# hash', 'tail  '), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }))
  .map(([header, lines, extra]) => ({ header, lines, extra }));

type Gen = { kind: 'scalar'; text: string } | { kind: 'literal'; header: string; lines: string[]; extra: number } | { kind: 'flow'; items: string[] } | { kind: 'map'; entries: [string, Gen][] } | { kind: 'seq'; items: Gen[] };

const tree: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(plainScalar, quotedScalar).map((text): Gen => ({ kind: 'scalar', text })),
    literal.map((l): Gen => ({ kind: 'literal', ...l })),
    fc.array(fc.oneof(plainScalar.filter((w) => !/[#:]/.test(w) && w.trim() === w), quotedScalar), { maxLength: 3 }).map((items): Gen => ({ kind: 'flow', items })),
    fc.array(fc.tuple(plainScalar.filter((w) => !/[#:]/.test(w)), tie('node')), { minLength: 1, maxLength: 3 }).map((entries): Gen => ({ kind: 'map', entries })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((items): Gen => ({ kind: 'seq', items })),
  ),
})).node;

/** Writes `node` as the value after `key:` or `-` whose line is indented by `indent`. */
function emitValue(node: Gen, indent: number, step: number, inMap: boolean): string {
  switch (node.kind) {
    case 'scalar':
      return ` ${node.text}\n`;
    case 'flow':
      return ` [${node.items.join(', ')}]\n`;
    case 'literal':
      return ` ${node.header}\n${node.lines.map((l) => (l === '' ? '\n' : `${' '.repeat(indent + node.extra)}${l}\n`)).join('')}`;
    case 'map':
      return `\n${emitMap(node, indent + step, step)}`;
    case 'seq':
      // yaml.v3 style puts a map's list at the key's own column; both forms occur in real configs.
      return `\n${emitSeq(node, inMap && node.items.length % 2 === 1 ? indent : indent + step, step)}`;
  }
}

function emitMap(node: Extract<Gen, { kind: 'map' }>, indent: number, step: number): string {
  return node.entries.map(([key, value]) => `${' '.repeat(indent)}${key}:${emitValue(value, indent, step, true)}`).join('');
}

function emitSeq(node: Extract<Gen, { kind: 'seq' }>, indent: number, step: number): string {
  return node.items
    .map((item) => {
      if (item.kind === 'map' && item.entries.length % 2 === 1) {
        // The compact form: the first key on the dash's line, the others under it.
        const [[key, value], ...rest] = item.entries as [[string, Gen], ...[string, Gen][]];
        const inner = indent + 2;
        return `${' '.repeat(indent)}- ${key}:${emitValue(value, inner, step, true)}${emitMap({ kind: 'map', entries: rest }, inner, step)}`;
      }
      return `${' '.repeat(indent)}-${emitValue(item, indent, step, false)}`;
    })
    .join('');
}

function emitDocument(entries: [string, Gen][], step: number, notes: string[]): string {
  const text = emitMap({ kind: 'map', entries }, 0, step);
  // Comments go on some lines' ends; a line inside a literal just gets longer, which is fine too.
  const lines = text.split('\n');
  return lines.map((line, i) => (line.trim() === '' || line.trimEnd().endsWith('|') ? line : line + (notes[i % notes.length] ?? ''))).join('\n');
}

const documents = fc.tuple(fc.array(fc.tuple(plainScalar.filter((w) => !/[#:]/.test(w) && w !== '-1'), tree), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(comment, { minLength: 1, maxLength: 4 })).map(([entries, step, notes]) =>
  emitDocument(entries, step, notes),
);

describe('readBlockYaml on generated documents', () => {
  test('agrees with the full parser whenever it reads a document', () => {
    let read = 0;
    fc.assert(
      fc.property(documents, (text) => {
        if (agrees(text)) read++;
      }),
      { numRuns: 600 },
    );
    // The generator aims at the subset, so most documents must take the fast path.
    expect(read).toBeGreaterThan(150);
  });

  test('agrees with the full parser (or declines) after random damage', () => {
    const damage = fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '  ', ':', ': ', '#', ' #', '-', '- ', '\t', '\n', '\n\n', '|', '>', '"', "'", '[', ']', '{', '}', ',', '&', '*', '!', '%', '@', '?', '~', '---', '\\', 'x', '')), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(documents, damage, (text, edits) => {
        let damaged = text;
        for (const [at, insert] of edits) {
          const i = at % (damaged.length + 1);
          damaged = insert === '' ? damaged.slice(0, i) + damaged.slice(i + 1) : damaged.slice(0, i) + insert + damaged.slice(i);
        }
        agrees(damaged);
      }),
      { numRuns: 1500 },
    );
  });
});
