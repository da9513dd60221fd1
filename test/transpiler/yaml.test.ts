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

  test('aliases resolve and merge keys fill only missing keys', () => {
    const tree = root('base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n');
    const use = findYamlNode(tree, ['use']).node;
    expect(use?.kind === 'map' ? use.entries.map((e) => [e.key, e.value.kind === 'scalar' ? e.value.text : '']) : []).toEqual([
      ['y', '3'],
      ['x', '1'],
    ]);
  });

  test('a missing path reports the deepest existing ancestor', () => {
    const tree = root('a:\n  b: 1\n');
    const found = findYamlNode(tree, ['a', 'c', 'd']);
    expect(found.complete).toBe(false);
    expect(found.node?.pos).toEqual({ line: 2, col: 3 });
  });

  test('duplicate keys fail in yaml.v3 wording', () => {
    expect(parseYaml('a: 1\nb: 2\na: 3\n')).toEqual({ ok: false, message: 'yaml: unmarshal errors:\n  line 3: mapping key "a" already defined at line 1' });
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
