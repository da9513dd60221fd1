// Runs the Go plugin client (go-client.ts builds it) against Kindling's provider and parses its
// JSON lines. The provider is started as Terraform starts a mirrored provider: an executable
// named terraform-provider-ct_vVERSION (here Node running the bundle, with that argv[0]), so the
// name dispatch is exercised too.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';
import { buildClient, canBuildClient, repoRoot } from './go-client.ts';

export const bundle = join(repoRoot, 'dist', 'esm', 'kindling.js');
export const MAGIC_COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

export function requireBundle(): void {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'invalid';
  summary: string;
  detail: string;
  path?: string;
}

export interface StepResult {
  step: number;
  op: string;
  diagnostics?: Diagnostic[];
  state?: Record<string, unknown>;
  state_error?: string;
  rpc_error?: string | null;
  client_error?: string;
  [key: string]: unknown;
}

export interface ProviderStatus {
  reaped: boolean;
  exit_code?: number;
  signal?: string;
}

export interface ClientRun {
  exitCode: number;
  signal?: string;
  started?: { pid: number; version: number; protocol: string; network: string; address: string; handshake_ms: number };
  startError?: { error: string; provider?: ProviderStatus; provider_stderr?: string };
  steps: StepResult[];
  exit?: { provider: ProviderStatus; provider_stderr: string };
  events: Record<string, unknown>[];
  stderr: string;
  /** A value in the provider's environment, to find it in the process table later. */
  mark: string;
}

export type Step = Record<string, unknown> & { op: string };

export interface ScriptOptions {
  versions?: number[];
  cookie?: string;
  noAutoMtls?: boolean;
}

/** Runs one script of steps through a fresh client and provider. */
export async function runClient(client: string, steps: Step[], options: ScriptOptions = {}): Promise<ClientRun> {
  const mark = randomUUID();
  const script = {
    command: [process.execPath, bundle],
    argv0: 'terraform-provider-ct_v0.14.100',
    versions: options.versions,
    cookie: options.cookie,
    no_auto_mtls: options.noAutoMtls,
    steps,
  };
  const r = await run(client, [], { input: JSON.stringify(script), timeoutMs: 120_000, env: { KINDLING_TF_TEST_MARK: mark } });
  const events = r.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const find = (name: string) => events.find((e) => e['event'] === name);
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    started: find('started') as ClientRun['started'],
    startError: find('start_error') as ClientRun['startError'],
    steps: events.filter((e) => 'op' in e) as StepResult[],
    exit: find('exit') as ClientRun['exit'],
    events,
    stderr: r.stderr,
    mark,
  };
}

/** Pids of live processes whose environment carries `mark` (zombies have no environ). */
export function processesWithMark(mark: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`KINDLING_TF_TEST_MARK=${mark}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Waits (bounded) until no process carries `mark`; returns the ones left. */
export async function waitForNoProcesses(mark: string, limitMs = 20_000): Promise<number[]> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (processesWithMark(mark).length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return processesWithMark(mark);
}

/**
 * The checks every run ends with: the client finished, the provider ended by itself (go-plugin
 * only falls back on SIGKILL when the provider ignores Shutdown) and no process is left over.
 */
export async function expectCleanEnd(result: ClientRun): Promise<void> {
  expect(result.events.filter((e) => e['event'] === 'client_error')).toEqual([]);
  expect(result.exit?.provider).toMatchObject({ reaped: true, exit_code: 0 });
  expect(result.exit?.provider.signal).toBeUndefined();
  expect(result.exit?.provider_stderr ?? '').not.toMatch(/internal error|please report this|Uncaught|    at /);
  expect(await waitForNoProcesses(result.mark)).toEqual([]);
}

/** The one step result of an op in a run (by index). */
export function step(result: ClientRun, index: number): StepResult {
  const found = result.steps.find((s) => s.step === index);
  if (found === undefined) throw new Error(`no result for step ${index}: ${JSON.stringify(result.events)}\n${result.stderr}`);
  return found;
}

/**
 * Declares the suite's prerequisites: the Go toolchain and Debian's Go libraries (required in CI,
 * where .ci/run installs them) and the built bundle. Returns whether the suite runs and a getter
 * for the client binary, built in beforeAll.
 */
export function useGoClient(): { available: boolean; client: () => string } {
  const available = canRun('the Go plugin client (golang-1.19-go, go-plugin, grpc, go-cty, protoc-gen-go 1.3)', canBuildClient());
  let binary: string | undefined;
  beforeAll(async () => {
    if (!available) return;
    requireBundle();
    binary = await buildClient();
  }, 180_000);
  return {
    available,
    client: () => {
      if (binary === undefined) throw new Error('the Go client was not built');
      return binary;
    },
  };
}
