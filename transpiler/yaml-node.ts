// The positioned YAML tree the transpiler reads: what yaml.ts (the full parser, on the `yaml`
// package) and yaml-block.ts (the one-pass block reader) both produce. Kept apart so that the
// two readers depend on it and not on each other.

import type { Position } from '../src/report.ts';

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
  /**
   * A `<<` merge key (plain or tagged !!merge, as yaml.v3 recognises it). It stays in the tree:
   * the decoder applies it and, like upstream's unused-key check, reports the key itself.
   */
  merge?: true;
}
