// The import rules of docs/architecture.md as a table, checked by reading every import line.
// A new edge between layers has to be added here on purpose, with the doc.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

const SCRIPT = /\.(?:ts|mjs|cjs|js)$/;

function sourceFiles(dir: string, pattern = /\.ts$/): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    // Symbolic links are fixture data (some dangle on purpose), never sources.
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...sourceFiles(rel, pattern));
    else if (entry.isFile() && pattern.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Every module specifier of a file: static imports and re-exports, side-effect imports, import() and require(). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specs.map((m) => m[1] as string);
}

/** Where an import points: a project path, or `pkg:<name>` for a third-party package. */
function target(file: string, spec: string): string {
  if (spec.startsWith('node:')) return 'node:';
  if (spec.startsWith('.')) return relative(ROOT, resolve(ROOT, dirname(file), spec));
  const parts = spec.split('/');
  return `pkg:${spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]}`;
}

const stageOf = (path: string): string | undefined => /^src\/stages\/([^/.]+)/.exec(path)?.[1];

const under = (path: string, ...prefixes: string[]): boolean => prefixes.some((p) => path === p || path.startsWith(p.endsWith('.ts') ? p : `${p}/`));

/** Which third-party package may be imported where: one module of ours per library. */
const PACKAGE_HOMES: Record<string, string[]> = {
  // ajv checks the schemas themselves in tests; the runtime decoder walks the schemas directly.
  'pkg:ajv': [],
  'pkg:yaml': ['transpiler/yaml.ts'],
  'pkg:undici': ['src/resource/http.ts'],
  'pkg:json-schema-to-typescript': ['schemas/generate-types.ts'],
  'pkg:@grpc/grpc-js': ['src/terraform/grpc.ts'],
  // The provider has its own protobuf codec (src/terraform/protobuf.ts); tests check it against proto-loader.
  'pkg:@grpc/proto-loader': [],
  'pkg:@msgpack/msgpack': ['src/terraform/cty.ts'],
  'pkg:@peculiar/x509': ['src/terraform/certificate.ts'],
  'pkg:reflect-metadata': ['src/terraform/certificate.ts'],
};

function allowed(file: string, to: string): boolean {
  if (to === 'node:') return true;
  if (to.startsWith('pkg:')) return PACKAGE_HOMES[to]?.includes(file) ?? false;
  const base = ['src/report.ts', 'src/messages.ts'];
  if (file.endsWith('.gen.ts')) return false;
  if (under(file, 'schemas')) return under(to, 'schemas');
  if (file === 'src/messages.ts') return false;
  if (file === 'src/report.ts') return to === 'src/messages.ts';
  if (under(file, 'src/config')) return under(to, 'src/config', 'schemas', ...base);
  if (under(file, 'src/system')) return under(to, 'src/system', 'src/config', 'schemas', ...base);
  if (under(file, 'src/resource')) return under(to, 'src/resource', 'src/config', 'src/system/log.ts', 'src/system/fs-async.ts', 'schemas', ...base);
  if (under(file, 'src/stages')) {
    const from = stageOf(file);
    const into = stageOf(to);
    if (under(to, 'src/stages')) return into === from || to === 'src/stages/context.ts' || to === 'src/stages/index.ts';
    return under(to, 'src/config', 'src/resource', 'src/system', 'schemas', ...base);
  }
  if (under(file, 'src/providers')) {
    return to !== 'src/system/exec.ts' && under(to, 'src/providers', 'src/config', 'src/resource', 'src/system', 'schemas', ...base);
  }
  if (under(file, 'transpiler')) return under(to, 'transpiler', 'src/config', 'schemas', ...base);
  // The Terraform provider renders through the transpiler's entry and the config core only.
  if (under(file, 'src/terraform')) return under(to, 'src/terraform', 'transpiler/index.ts', 'src/config', 'schemas', ...base);
  // The startup snapshot's list of modules to evaluate at build time names them directly.
  if (file === 'src/warm.ts') return true;
  // The CLI reaches the stages only through the engine.
  if (under(file, 'src/cli', 'src/main.ts')) return !under(to, 'src/stages');
  // The engine (src/engine/) may use everything below the CLI.
  if (under(file, 'src/engine')) return !under(to, 'src/cli', 'transpiler', 'src/main.ts');
  return false;
}

/** The layers of docs/architecture.md's layout; every source file belongs to one. */
const LAYERS = ['src/main.ts', 'src/warm.ts', 'src/terraform', 'src/messages.ts', 'src/report.ts', 'src/cli', 'src/engine', 'src/config', 'src/resource', 'src/system', 'src/stages', 'src/providers', 'transpiler', 'schemas'];

const files = [...sourceFiles('src'), ...sourceFiles('transpiler'), ...sourceFiles('schemas')];

describe('module dependency rules', () => {
  test('the tree has sources to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  test('no import crosses a layer it may not', () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        if (!allowed(file, to)) violations.push(`${file} -> ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });
  test('stages never import each other or providers', () => {
    expect(allowed('src/stages/files/index.ts', 'src/stages/disks/index.ts')).toBe(false);
    expect(allowed('src/stages/files/index.ts', 'src/providers/aws.ts')).toBe(false);
    expect(allowed('src/config/index.ts', 'pkg:undici')).toBe(false);
  });
  test('the Terraform provider keeps each protocol library behind one module and stays off the CLI', () => {
    expect(allowed('src/terraform/serve.ts', 'pkg:@grpc/grpc-js')).toBe(false);
    expect(allowed('src/terraform/provider.ts', 'pkg:@msgpack/msgpack')).toBe(false);
    expect(allowed('src/terraform/render.ts', 'src/cli/io.ts')).toBe(false);
    expect(allowed('src/terraform/render.ts', 'transpiler/yaml.ts')).toBe(false);
  });
  test('the CLI reaches stages only through the engine', () => {
    expect(allowed('src/cli/metadata.ts', 'src/stages/files/ssh-keys.ts')).toBe(false);
    expect(allowed('src/cli/run.ts', 'src/engine/run.ts')).toBe(true);
    expect(allowed('src/engine/run.ts', 'src/stages/files/index.ts')).toBe(true);
  });
  test('every source file sits in a layer of docs/architecture.md', () => {
    expect(files.filter((file) => !LAYERS.some((layer) => under(file, layer)))).toEqual([]);
    // The engine is a directory now; a file of the old name would sit outside every rule.
    expect(existsSync(join(ROOT, 'src/engine.ts'))).toBe(false);
  });
});

/**
 * Directories whose tests still start processes with node:child_process themselves, pending their
 * move onto test/helpers/process.ts. Delete an entry once its directory is moved; the test below
 * fails while an entry is no longer needed, so the list only shrinks.
 */
const CHILD_PROCESS_PENDING: string[] = [];

describe('the harness', () => {
  const harness = [...sourceFiles('test', SCRIPT), ...sourceFiles('bench', SCRIPT), ...sourceFiles('scripts', SCRIPT)];
  const usesChildProcess = (file: string) => importsOf(file).some((spec) => spec === 'node:child_process' || spec === 'child_process');

  test('tests, benches and scripts start processes only through test/helpers/process.ts', () => {
    expect(harness.filter((file) => usesChildProcess(file) && !under(file, ...CHILD_PROCESS_PENDING))).toEqual([]);
  });
  test('every pending directory still needs its exemption', () => {
    expect(CHILD_PROCESS_PENDING.filter((dir) => !harness.some((file) => under(file, dir) && usesChildProcess(file)))).toEqual([]);
  });
  test('execa is imported only by the helper and the plain-Node build scripts, never on the boot path', () => {
    const importers = [...files, ...harness].filter((file) => importsOf(file).some((spec) => spec === 'execa'));
    expect(importers.filter((file) => file !== 'test/helpers/process.ts' && !/^scripts\/[^/]+\.mjs$/.test(file))).toEqual([]);
  });
});

describe('imports', () => {
  test('no import names an absolute path', () => {
    const everything = ['src', 'transpiler', 'schemas', 'test', 'bench', 'scripts', 'initrd'].flatMap((dir) => sourceFiles(dir, SCRIPT));
    expect(everything.length).toBeGreaterThan(100);
    const absolute = everything.flatMap((file) => importsOf(file).filter((spec) => spec.startsWith('/') || spec.startsWith('file:')).map((spec) => `${file} -> ${spec}`));
    expect(absolute).toEqual([]);
  });
});

describe('node:crypto on first use', () => {
  // Held in the single executable's startup snapshot it costs every process its deserialization;
  // src/warm.ts also fails the build when anything loads it there.
  const ALLOWED = ['src/terraform/', 'src/cli/code-cache.ts'];
  test('src imports only its types; values come from process.getBuiltinModule', () => {
    const violations: string[] = [];
    for (const file of sourceFiles('src')) {
      if (ALLOWED.some((prefix) => file.startsWith(prefix))) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?([^;]*?)\s+from\s+'(?:node:)?crypto'/gms)) {
        const [, typeOnly, names] = m as unknown as [string, string | undefined, string];
        const values = names.replace(/[{}]/g, '').split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '));
        if (typeOnly === undefined && values.length > 0) violations.push(`${file}: ${values.join(', ')}`);
      }
      if (/\bimport\(\s*'(node:)?crypto'|\brequire\(\s*'(node:)?crypto'/.test(text)) violations.push(`${file}: dynamic import`);
    }
    expect(violations).toEqual([]);
  });
});

describe('network gates', () => {
  // fetch-offline is offline because every socket is opened behind requireOnline (src/resource/offline.ts).
  const GATES = ['src/resource/http.ts', 'src/resource/tftp.ts', 'src/providers/send.ts'];
  const SOCKET_MODULES = /^node:(http|https|http2|dgram)$/;
  // node:net and node:tls only for their pure helpers, never to connect.
  const PURE_NAMES = new Set(['isIP', 'isIPv4', 'isIPv6', 'BlockList', 'rootCertificates']);
  test('only the gated modules can open a connection', () => {
    const violations: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('transpiler')]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?([^;]*?)\s+from\s+'(node:[^']+)'/gms)) {
        const [, typeOnly, names, spec] = m as unknown as [string, string | undefined, string, string];
        if (typeOnly !== undefined) continue;
        if (SOCKET_MODULES.test(spec) && !GATES.includes(file)) violations.push(`${file} -> ${spec}`);
        if (spec === 'node:net' || spec === 'node:tls') {
          const used = names.replace(/[{}]/g, '').split(',').map((n) => n.trim().replace(/^type\s+.*/, '').split(/\s+as\s+/)[0]!).filter((n) => n !== '');
          for (const name of used) if (!PURE_NAMES.has(name)) violations.push(`${file} -> ${spec} ${name}`);
        }
      }
      if (/\bimport\(\s*'node:(http|https|http2|dgram|net|tls)'/.test(text)) violations.push(`${file} -> dynamic network import`);
    }
    expect(violations).toEqual([]);
  });
});
