// The Ignition JSON Schemas of schemas/ignition/, bundled with the subtrees they have in common
// built once. The eight spec versions repeat most of their definitions word for word: as eight
// separate JSON documents they are 2,169 objects and arrays, of which 197 differ. esbuild inlines
// each JSON import as its own object literal, so the bundle's text held every copy, and the single
// executable's startup snapshot, which every process deserializes, held every copy as objects
// (bench/RESULTS.md, "Fifth round: the schemas"). Here every distinct subtree is one constant that
// all the documents holding it refer to. Nothing may tell the difference: the decoder
// (src/config/schema.ts) never changes a schema node and keeps what it works out per version root
// in WeakMaps, and each document keeps its keys in their order.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * JavaScript source of one module that builds every document in `documents` (name → parsed JSON)
 * with each distinct subtree built once, and exports document `name` as `doc_<name>`. Subtrees are
 * the same when their JSON text is, key order included.
 */
export function sharedSubtreesModule(documents) {
  const ids = new Map();
  const lines = [];
  const constant = (value) => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const text = JSON.stringify(value);
    let id = ids.get(text);
    if (id === undefined) {
      const body = Array.isArray(value)
        ? `[${value.map(constant).join(',')}]`
        : `{${Object.entries(value).map(([key, v]) => `${propertyName(key)}:${constant(v)}`).join(',')}}`;
      id = `s${ids.size}`;
      ids.set(text, id);
      lines.push(`const ${id}=${body};`);
    }
    return id;
  };
  const roots = documents.map(([name, document]) => {
    if (!/^\w+$/.test(name)) throw new Error(`schema-sharing: ${name} is not a plain name`);
    return constant(document);
  });
  // The constants are locals of a function run once, not module bindings: the bundle's top-level
  // scope would keep a name table entry for each, in every snapshot.
  const exports = documents.map(([name], i) => `export const doc_${name}=documents[${i}];`);
  return `const documents=(()=>{\n${lines.join('\n')}\nreturn [${roots.join(',')}];\n})();\n${exports.join('\n')}\n`;
}

/** A key as an object literal spells it; `__proto__` there would set the prototype, not a key. */
function propertyName(key) {
  if (key === '__proto__') throw new Error('schema-sharing: a schema has a key named __proto__');
  return JSON.stringify(key);
}

const NAMESPACE = 'kindling-shared-schemas';
const SCHEMA_FILE = /\/schemas\/ignition\/(\w+)\.json$/;

/**
 * esbuild plugin: an import of a JSON Schema of schemas/ignition/ yields that document from one
 * module holding all of them, built as sharedSubtreesModule() says.
 */
export const sharedSchemas = {
  name: 'shared-schemas',
  setup(b) {
    b.onLoad({ filter: SCHEMA_FILE }, (args) => {
      const name = SCHEMA_FILE.exec(args.path)[1];
      return { loader: 'js', contents: `export { doc_${name} as default } from ${JSON.stringify(`${NAMESPACE}:${join(args.path, '..')}`)};\n` };
    });
    b.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({ path: args.path.slice(NAMESPACE.length + 1), namespace: NAMESPACE }));
    b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const files = readdirSync(args.path).filter((file) => file.endsWith('.json')).sort();
      const documents = files.map((file) => [basename(file, '.json'), JSON.parse(readFileSync(join(args.path, file), 'utf8'))]);
      return { loader: 'js', contents: sharedSubtreesModule(documents), watchFiles: files.map((file) => join(args.path, file)) };
    });
  },
};
