// The block YAML that Hetzner's metadata service serves (PyYAML's default output): nested
// mappings and sequences by indentation, `- key: value` items, sequences at their key's
// indentation, plain, quoted and empty-flow (`[]`, `{}`) scalars. Multi-line scalars are skipped
// over, not read: no attribute comes from one. The `yaml` package has its one home in the
// transpiler, which providers may not import; this subset is all a metadata document needs.

export type BlockValue = string | boolean | null | BlockValue[] | { [key: string]: BlockValue };
export type BlockMapping = { [key: string]: BlockValue };

export const isMapping = (v: BlockValue | undefined): v is BlockMapping => typeof v === 'object' && v !== null && !Array.isArray(v);
export const listOf = (v: BlockValue | undefined): BlockValue[] => (Array.isArray(v) ? v : []);
/** A non-empty string value, else undefined. */
export const textOf = (v: BlockValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface Line {
  indent: number;
  text: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s'"-][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$/;

export function parseBlockYaml(text: string): BlockValue {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const body = raw.trimStart();
    if (body === '' || body.startsWith('#') || body === '---') continue;
    lines.push({ indent: raw.length - body.length, text: body.trimEnd() });
  }
  let i = 0;

  function block(indent: number): BlockValue {
    const first = lines[i];
    if (first === undefined || first.indent < indent) return null;
    return isItem(first.text) ? sequence(first.indent) : mapping(first.indent);
  }

  function sequence(indent: number): BlockValue[] {
    const out: BlockValue[] = [];
    while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) {
      const line = lines[i]!;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        i++;
        out.push(block(indent + 1));
      } else if (KEY.test(rest) || isItem(rest)) {
        // `- key: value` opens a mapping (or `- - x` a sequence) at the column of its first key.
        lines[i] = { indent: indent + (line.text.length - rest.length), text: rest };
        out.push(block(lines[i]!.indent));
      } else {
        i++;
        out.push(scalar(rest, indent));
      }
    }
    return out;
  }

  function mapping(indent: number): { [key: string]: BlockValue } {
    const out: { [key: string]: BlockValue } = {};
    while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i]!.text)) {
      const m = KEY.exec(lines[i]!.text);
      i++;
      if (m === null) {
        skipDeeper(indent);
        continue;
      }
      const key = unquote(m[1]!);
      const value = m[2]?.trim() ?? '';
      if (value !== '') out[key] = scalar(value, indent);
      else if (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) out[key] = sequence(indent);
      else out[key] = block(indent + 1);
    }
    return out;
  }

  /** A scalar; lines indented deeper than its key continue a multi-line scalar and are passed over. */
  function scalar(text: string, indent: number): BlockValue {
    skipDeeper(indent);
    if (text === '[]') return [];
    if (text === '{}') return {};
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null' || text === '~') return null;
    return unquote(text);
  }

  function skipDeeper(indent: number): void {
    while (i < lines.length && lines[i]!.indent > indent) i++;
  }

  return block(0);
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  return text;
}
