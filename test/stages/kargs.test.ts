// The kargs stage hands kernelArguments to the distro helper: shouldExist first, then
// shouldNotExist, in config order, and nothing at all when there are none. The helper here is a
// real script that records its argv and can fail, like a distro's helper would.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { kargsHelperArgs, kargsStage } from '../../src/stages/kargs.ts';
import { ProvisionError } from '../../src/report.ts';
import { testContext } from './disks/context.ts';

const config = (kernelArguments: Config['kernelArguments']): Config => ({ ignition: { version: '3.7.0-experimental' }, kernelArguments });

describe('kargsHelperArgs', () => {
  test.each([
    { name: 'nothing', args: undefined, argv: [] },
    { name: 'only shouldExist', args: { shouldExist: ['quiet', 'console=ttyS0,115200'] }, argv: ['--should-exist', 'quiet', '--should-exist', 'console=ttyS0,115200'] },
    { name: 'only shouldNotExist', args: { shouldNotExist: ['rhgb'] }, argv: ['--should-not-exist', 'rhgb'] },
    {
      name: 'both, shouldExist first whatever the key order',
      args: { shouldNotExist: ['rhgb'], shouldExist: ['mitigations=auto nosmt'] },
      argv: ['--should-exist', 'mitigations=auto nosmt', '--should-not-exist', 'rhgb'],
    },
  ])('$name', ({ args, argv }) => {
    expect(kargsHelperArgs(config(args))).toEqual(argv);
  });
});

describe('kargs stage', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kindling-kargs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const helper = (exitCode: number): string => {
    const path = join(dir, 'kargs-helper');
    writeFileSync(path, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> ${join(dir, 'argv')}; done\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  test('runs the helper with the computed arguments', async () => {
    const ctx = testContext(dir);
    ctx.tools.kargsHelper = helper(0);
    await kargsStage(config({ shouldExist: ['a=1'], shouldNotExist: ['b'] }), ctx);
    expect(readFileSync(join(dir, 'argv'), 'utf8').split('\n')).toEqual(['--should-exist', 'a=1', '--should-not-exist', 'b', '']);
  });

  test('does not run the helper without kernel arguments', async () => {
    const ctx = testContext(dir);
    ctx.tools.kargsHelper = join(dir, 'does-not-exist');
    await expect(kargsStage(config({ shouldExist: [], shouldNotExist: [] }), ctx)).resolves.toBeUndefined();
  });

  test('a failing helper fails the stage at $.kernelArguments', async () => {
    const ctx = testContext(dir);
    ctx.tools.kargsHelper = helper(3);
    const error = await kargsStage(config({ shouldExist: ['x'] }), ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ProvisionError.is(error)).toBe(true);
    expect((error as ProvisionError).path).toEqual(['kernelArguments']);
  });
});
