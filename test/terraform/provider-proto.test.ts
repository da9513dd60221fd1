// The .proto files are ours and the descriptor set compiled into the bundle is generated from
// them: check for drift (with protoc, as CI has it), and for what the Go test client's
// protoc-gen-go 1.3 needs (no proto3 `optional`, a go_package in every file).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PROTO_DIR = join(ROOT, 'src/terraform/proto');

function protoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return protoFiles(path);
    return name.endsWith('.proto') ? [path] : [];
  });
}

describe('terraform provider protocol files', () => {
  test('no proto3 optional fields, and every file names its Go package', () => {
    const files = protoFiles(PROTO_DIR);
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      expect(text, file).not.toMatch(/^\s*optional\s/m);
      expect(text, file).toMatch(/option go_package = "[^"]+";/);
    }
  });

  test.runIf(canRun('protoc (Debian: protobuf-compiler)', hasCommand('protoc')))('descriptors.gen.ts matches the .proto files', async () => {
    const result = await run(process.execPath, [join(ROOT, 'scripts/generate-terraform-proto.mjs'), '--stdout'], { cwd: ROOT });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout, 'run node scripts/generate-terraform-proto.mjs').toBe(readFileSync(join(PROTO_DIR, 'descriptors.gen.ts'), 'utf8'));
  });
});
