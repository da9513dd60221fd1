// The import rules of docs/architecture.md as a table, checked by reading every import line.
// A new edge between layers has to be added here on purpose, with the doc.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
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
  if (under(file, 'src/resource')) return under(to, 'src/resource', 'src/config', 'src/system/log.ts', 'schemas', ...base);
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
  if (under(file, 'src/cli', 'src/main.ts')) return true;
  // The engine layer (src/engine.ts and friends) may use everything below the CLI.
  return !under(to, 'src/cli', 'transpiler', 'src/main.ts');
}

describe('module dependency rules', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('transpiler'), ...sourceFiles('schemas')];
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
