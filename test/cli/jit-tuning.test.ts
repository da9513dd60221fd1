// The V8 flags `transpile` sets (src/cli/jit-tuning.ts) on both Nodes Kindling ships for: the
// machine's (the npm bins) and the single executable's pinned runtime. V8 prints an error on
// stderr for a flag it does not know, which would add a line to every transpile's diagnostics.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { INTERPRETER_ONLY_V8_FLAGS, transpileV8Flags } from '../../src/cli/jit-tuning.ts';
import { run, runSync } from '../helpers/process.ts';

const REPO = resolve(import.meta.dirname, '../..');
const BUNDLE = resolve(REPO, 'dist/kindling.cjs');
const BUTANE = 'variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n';
const runtimes: { name: string; node: string }[] = [{ name: 'this Node', node: process.execPath }];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) runSync('npm', ['run', 'build'], { cwd: REPO, check: true });
  // The pinned runtime of the single executable (fetched once into .cache/, as the boot tests do).
  const sea = await run(process.execPath, [resolve(REPO, 'scripts/sea-runtime.mjs')], { check: true });
  runtimes.push({ name: 'the single executable\'s Node', node: sea.stdout.trim() });
});

describe('transpile V8 flags', () => {
  test('the interrupt budget only on V8 11, where it exists', () => {
    expect(transpileV8Flags('11.3.244.8-node.33')).toContain('--interrupt-budget=300000');
    expect(transpileV8Flags('14.6.202.34-node.34')).toEqual(['--no-turbo-inlining', '--no-turbo-loop-peeling']);
  });

  test('every flag is one the runtime knows, and a transpile writes nothing on stderr', async () => {
    const outputs: string[] = [];
    for (const { name, node } of runtimes) {
      const version = (await run(node, ['-p', 'process.versions.v8'], { check: true })).stdout.trim();
      const known = (await run(node, ['--v8-options'], { check: true })).stdout;
      for (const flag of transpileV8Flags(version)) {
        const bare = flag.replace(/^--(no-)?/, '').replace(/=.*/, '');
        expect(known, `${name} (V8 ${version}) knows ${flag}`).toMatch(new RegExp(`^\\s+--${bare} `, 'm'));
      }
      const result = await run(node, [BUNDLE, 'transpile'], { input: BUTANE });
      expect({ name, code: result.exitCode, stderr: result.stderr }).toEqual({ name, code: 0, stderr: '' });
      outputs.push(result.stdout);
    }
    expect(new Set(outputs).size).toBe(1);
  });

  test('validate of a small config interprets with flags each runtime knows, and says nothing on stderr', async () => {
    const config = '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/motd","contents":{"source":"data:,hello"}}]}}';
    for (const { name, node } of runtimes) {
      const known = (await run(node, ['--v8-options'], { check: true })).stdout;
      for (const flag of INTERPRETER_ONLY_V8_FLAGS.split(' ')) {
        expect(known, `${name} knows ${flag}`).toMatch(new RegExp(`^\\s+--${flag.replace(/^--no-/, '')} `, 'm'));
      }
      const result = await run(node, [BUNDLE, 'validate', '-'], { input: config });
      expect({ name, code: result.exitCode, stdout: result.stdout, stderr: result.stderr }).toEqual({ name, code: 0, stdout: '', stderr: '' });
    }
  });
});
