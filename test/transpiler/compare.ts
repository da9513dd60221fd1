// Comparing transpiler output with upstream's as data (butane.md §10): every data URL is replaced
// by its encoding kind and decoded bytes, because Go's and zlib's gzip bytes differ.
import { gunzipSync } from 'node:zlib';
import { decodeDataUrl } from '../../src/config/data-url.ts';
import { parseYaml, type YamlNode } from '../../transpiler/yaml.ts';

type Json = unknown;

function encodingOf(source: string, compression: unknown): string {
  const kind = compression === 'gzip' ? 'gzip' : source.startsWith('data:;base64,') ? 'base64' : 'plain';
  const decoded = decodeDataUrl(source);
  if ('error' in decoded) return `${kind}:invalid`;
  let bytes = decoded.data;
  if (compression === 'gzip') {
    try {
      bytes = gunzipSync(decoded.data);
    } catch {
      // Content the user declared as compressed is kept as given, gzip or not.
    }
  }
  return `${kind}:${bytes.toString('base64')}`;
}

/** The value with data URLs decoded in place; key order is kept. */
export function normalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, Json>;
  const out: Record<string, Json> = {};
  const dataSource = typeof obj.source === 'string' && obj.source.startsWith('data:');
  for (const [key, item] of Object.entries(obj)) {
    if (dataSource && key === 'source') out.source = encodingOf(item as string, obj.compression);
    else if (dataSource && key === 'compression') out.compression = '<compression>';
    else out[key] = normalize(item);
  }
  return out;
}

/** A plain value from a YAML text (for MachineConfig outputs), scalars typed like JSON. */
export function yamlToValue(text: string): Json {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const convert = (node: YamlNode | undefined): Json => {
    if (node === undefined || node.kind === 'null') return null;
    if (node.kind === 'seq') return node.items.map(convert);
    if (node.kind === 'map') return Object.fromEntries(node.entries.map((e) => [e.key, convert(e.value)]));
    if (node.style !== 'plain') return node.text;
    if (node.text === 'true' || node.text === 'false') return node.text === 'true';
    // YAML 1.2 core schema numbers, which is how editors read the file.
    if (/^0x[0-9a-fA-F]+$/.test(node.text)) return parseInt(node.text.slice(2), 16);
    if (/^0o[0-7]+$/.test(node.text)) return parseInt(node.text.slice(2), 8);
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(node.text)) return Number(node.text);
    return node.text;
  };
  return convert(parsed.root);
}

/** Key paths in document order, to compare key order independently of values. */
export function keyOrder(value: Json, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyOrder(item, `${prefix}${i}.`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, Json>).flatMap(([k, v]) => [`${prefix}${k}`, ...keyOrder(v, `${prefix}${k}.`)]);
}
