// Reading the Ignition schemas as data in tests: resolving local $refs, enumerating every field
// with the Go struct that holds it, and building a config that puts a value at a field.

export interface SchemaNode {
  $id?: string;
  $ref?: string;
  title?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  'x-go-type'?: string;
  [keyword: string]: unknown;
}

/** One step of a field path: an object key, or `[]` for "an element of this list". */
export type Step = string;
export const ELEMENT: Step = '[]';

export interface Field {
  /** Keys from the root with `[]` for list elements, e.g. storage, files, [], mode. */
  steps: Step[];
  /** The schema node as written at this place (carries this place's x-go-type). */
  node: SchemaNode;
  /** The title of the Go struct that holds the field (for elements: the struct holding the list). */
  holder: string;
}

export function resolve(root: SchemaNode, node: SchemaNode): SchemaNode {
  let current = node;
  while (current.$ref !== undefined) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = root.definitions?.[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

export function typesOf(node: SchemaNode): string[] {
  if (node.type === undefined) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}

/** Every property and every list element of the schema, depth first in property order. */
export function fields(root: SchemaNode): Field[] {
  const out: Field[] = [];
  const visit = (node: SchemaNode, steps: Step[], holder: string): void => {
    const resolved = resolve(root, node);
    if (resolved.properties !== undefined) {
      const title = resolved.title ?? '?';
      for (const [key, child] of Object.entries(resolved.properties)) {
        out.push({ steps: [...steps, key], node: child, holder: title });
        visit(child, [...steps, key], title);
      }
    }
    if (resolved.items !== undefined) {
      out.push({ steps: [...steps, ELEMENT], node: resolved.items, holder });
      visit(resolved.items, [...steps, ELEMENT], holder);
    }
  };
  visit(root, [], root.title ?? '?');
  return out;
}

/** The schema node at a dotted path such as `storage.luks[].clevis.tang[].advertisement`. */
export function nodeAt(root: SchemaNode, dotted: string): SchemaNode | undefined {
  let current: SchemaNode | undefined = root;
  for (const part of dotted.split('.')) {
    const isList = part.endsWith('[]');
    const key = isList ? part.slice(0, -2) : part;
    if (current === undefined) return undefined;
    current = resolve(root, current).properties?.[key];
    if (isList && current !== undefined) current = resolve(root, current).items;
  }
  return current;
}

/** A config whose only content at `steps` is `value` (lists get one element). */
export function configWith(steps: Step[], value: unknown): unknown {
  let built: unknown = value;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as Step;
    built = step === ELEMENT ? [built] : { [step]: built };
  }
  return built;
}

/** Go's field path in type errors: the keys only, list elements leave no trace. */
export function goPath(steps: Step[]): string {
  return steps.filter((s) => s !== ELEMENT).join('.');
}
