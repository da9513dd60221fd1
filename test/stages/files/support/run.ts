// Runs the files stage on a fresh temp root made from the template, for unit tests.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesStage } from '../../../../src/stages/files/index.ts';
import { run } from '../../../helpers/process.ts';
import type { Config, StageContext } from '../../../../src/stages/context.ts';
import { testContext, type TestContext } from './context.ts';
import { makeTemplateRoot } from './template-root.ts';

const roots: string[] = [];

/** A root in a scratch directory of its own, so what lies beside it can be checked too. */
export function newRoot(template = true): string {
  const scratch = mkdtempSync(join(tmpdir(), 'kindling-files-'));
  roots.push(scratch);
  const root = join(scratch, 'root');
  mkdirSync(root);
  if (template) makeTemplateRoot(root);
  return root;
}

export function removeRoots(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export function config(body: Omit<Config, 'ignition'>): Config {
  return { ignition: { version: '3.7.0-experimental' }, ...body };
}

export async function runFiles(root: string, body: Omit<Config, 'ignition'>, ctx: StageContext = testContext(root)): Promise<TestContext> {
  await filesStage(config(body), ctx);
  return ctx as TestContext;
}

export const text = (s: string): string => `data:,${encodeURIComponent(s)}`;

/** Runs a command through the harness's process runner; a non-zero exit fails with its stderr. */
export async function mustRun(command: string, args: readonly string[]): Promise<string> {
  const result = await run(command, args);
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}
