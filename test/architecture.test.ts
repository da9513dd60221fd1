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
  // The Terraform provider renders through the transpiler's entry and the config core only.
  if (under(file, 'src/terraform')) return under(to, 'src/terraform', 'transpiler/index.ts', 'src/config', 'schemas', ...base);
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
  test('the Terraform provider keeps each protocol library behind one module and stays off the CLI', () => {
    expect(allowed('src/terraform/serve.ts', 'pkg:@grpc/grpc-js')).toBe(false);
    expect(allowed('src/terraform/provider.ts', 'pkg:@msgpack/msgpack')).toBe(false);
    expect(allowed('src/terraform/render.ts', 'src/cli/io.ts')).toBe(false);
    expect(allowed('src/terraform/render.ts', 'transpiler/yaml.ts')).toBe(false);
  });
});
