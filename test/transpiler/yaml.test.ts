// The positioned YAML tree: positions, scalar styles, anchors and merge keys, and yaml.v3-shaped errors.
import { describe, expect, test } from 'vitest';
import { findYamlNode, parseYaml, type YamlNode } from '../../transpiler/yaml.ts';

function root(text: string): YamlNode {
  const parsed = parseYaml(text);
  if (!parsed.ok || parsed.root === undefined) throw new Error(parsed.ok ? 'empty' : parsed.message);
  return parsed.root;
}

describe('parseYaml', () => {
  test('values and keys carry 1-based line and column', () => {
    const tree = root('a:\n  b: 0644\n  c: |\n    x\n');
    const b = findYamlNode(tree, ['a', 'b']);
    expect(b.node).toMatchObject({ kind: 'scalar', text: '0644', style: 'plain', pos: { line: 2, col: 6 } });
    expect(b.keyPos).toEqual({ line: 2, col: 3 });
    expect(findYamlNode(tree, ['a', 'c']).node).toMatchObject({ style: 'block', text: 'x\n', pos: { line: 3, col: 6 } });
  });

  test('null spellings become null nodes; quoted ones stay strings', () => {
    const tree = root('a: ~\nb: null\nc:\nd: "null"\n');
    expect(['a', 'b', 'c'].map((k) => findYamlNode(tree, [k]).node?.kind)).toEqual(['null', 'null', 'null']);
    expect(findYamlNode(tree, ['d']).node).toMatchObject({ kind: 'scalar', style: 'quoted', text: 'null' });
  });

  test('aliases resolve; a plain or !!merge `<<` stays in the tree marked as a merge key, a quoted one is a key', () => {
    const tree = root('base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nother:\n  !!merge <<: *b\nquoted:\n  "<<": *b\n');
    const entries = (path: string) => {
      const node = findYamlNode(tree, [path]).node;
      return node?.kind === 'map' ? node.entries.map((e) => [e.key, e.merge === true, e.value.kind]) : [];
    };
    expect(entries('use')).toEqual([
      ['<<', true, 'map'],
      ['y', false, 'scalar'],
    ]);
    expect(entries('other')).toEqual([['<<', true, 'map']]);
    expect(entries('quoted')).toEqual([['<<', false, 'map']]);
  });

  test('an alias to an unknown anchor fails as in yaml.v3', () => {
    expect(parseYaml('a: *nope\n')).toEqual({ ok: false, message: "yaml: unknown anchor 'nope' referenced" });
  });

  test('a tagged scalar stays a scalar with its tag (even !!null), and !!binary keeps its base64 text', () => {
    const tree = root('a: !!null x\nb: !!binary aGk=\nc: !!int "7"\n');
    expect(findYamlNode(tree, ['a']).node).toMatchObject({ kind: 'scalar', tag: '!!null', text: 'x' });
    expect(findYamlNode(tree, ['b']).node).toMatchObject({ kind: 'scalar', tag: '!!binary', text: 'aGk=' });
    expect(findYamlNode(tree, ['c']).node).toMatchObject({ kind: 'scalar', tag: '!!int', text: '7', style: 'quoted' });
  });

  test('a missing path reports the deepest existing ancestor', () => {
    const tree = root('a:\n  b: 1\n');
    const found = findYamlNode(tree, ['a', 'c', 'd']);
    expect(found.complete).toBe(false);
    expect(found.node?.pos).toEqual({ line: 2, col: 3 });
  });

  test('duplicate keys stay in the tree (yaml.v3 only rejects them in mappings it decodes)', () => {
    const tree = root('a: 1\nb: 2\na: 3\n');
    expect(tree.kind === 'map' ? tree.entries.map((e) => e.key) : []).toEqual(['a', 'b', 'a']);
  });

  // Each expected message is what Go's yaml.v3 v3.0.1 printed for the same text.
  test.each([
    ['storage:\n  files:\n  - path: /a\n   mode: 1\n', "yaml: line 1: did not find expected key"],
    ['a:\n  b: 1\n c: 2\n', 'yaml: line 2: did not find expected key'],
    ['a:\n  - b: 1\n    c: 2\n   d: 3\n', "yaml: line 1: did not find expected '-' indicator"],
    ['a:\n  b: 1\n    c: 2\n', 'yaml: line 3: mapping values are not allowed in this context'],
    ['a:\n  b:\n    - x\n   - y\n', 'yaml: line 1: did not find expected key'],
    ['a: b: c\n', 'yaml: mapping values are not allowed in this context'],
    ['a:\n  b: |\n    x\n  - y\n', 'yaml: line 1: did not find expected key'],
    ['storage:\n  files: [\n', 'yaml: line 2: did not find expected node content'],
  ])('libyaml wording for %j', (text, message) => {
    expect(parseYaml(text)).toMatchObject({ ok: false, message });
  });

  test('what follows a complete first root node is not read (yaml.v3 stops there)', () => {
    const tree = root('  variant: fcos\nversion: 1.0.0\n');
    expect(tree.kind === 'map' ? tree.entries.map((e) => e.key) : []).toEqual(['variant']);
  });

  test('syntax errors name the line', () => {
    const parsed = parseYaml('a: [\n');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(/^yaml: line \d+: /);
  });

  test('only the first document is read; an empty text has no root', () => {
    expect(findYamlNode(root('a: 1\n---\nb: 2\n'), ['b']).complete).toBe(false);
    expect(parseYaml('')).toEqual({ ok: true, root: undefined });
  });
});
