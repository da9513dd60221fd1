// Runs a config through both whole runners as separate processes, fetch stage then files stage:
// Debian's Ignition 2.14 and Kindling's built CLI invoked through a symlink named `ignition`.
// Shared by the differential runner test and bench/fetch; everything is asynchronous because
// the HTTP server the configs point at lives in the calling process.
import { chmodSync, cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, runSync } from '../../helpers/process.ts';

export const IGNITION_BIN = process.env.IGNITION_BIN ?? '/usr/lib/dracut/modules.d/30ignition/ignition';

const STAGE_TIMEOUT_MS = 30_000;

/** The repository, found upwards from this module (which benchmarks run from a bundle in .tmp/). */
function repository(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts/build.mjs'))) return dir;
  }
  throw new Error(`no Kindling repository above ${import.meta.dirname}`);
}

export type StageName = 'fetch' | 'files';

export interface RunResult {
  /** Both stages passed. */
  ok: boolean;
  /** The first stage that failed. */
  failedStage?: StageName;
  output: string;
  /** Per stage, wall time of its process in ms. */
  ms: Partial<Record<StageName, number>>;
}

export interface RunRequest {
  /** Scratch directory of this run (config, cache, state); must exist. */
  dir: string;
  /** Target root for the files stage. */
  root: string;
  /** The user config as given to the `file` platform. */
  configText: string;
  /** Files of the system config directory (/usr/lib/ignition) by relative path: `base.d/x.ign`, `user.ign`. */
  systemFiles?: Record<string, string>;
  /** Called between the stages (after a passed fetch stage). */
  afterFetch?: () => void;
  /** Run the files stage even when the fetch stage failed (to show it changes nothing). */
  filesAfterFailedFetch?: boolean;
  /** A command each stage process runs under, such as `/usr/bin/time -f ...`. */
  wrap?: string[];
}

/**
 * A private copy of the npm bin build (dist/esm, or $KINDLING_DIST_ESM), made executable and
 * reachable as `ignition`, so a concurrent `npm run build` cannot pull it away mid-run.
 */
export function installKindling(into: string): string {
  const repo = repository();
  const dist = process.env.KINDLING_DIST_ESM ?? join(repo, 'dist/esm');
  if (!existsSync(join(dist, 'kindling.js'))) runSync('npm', ['run', 'build'], { cwd: repo, check: true });
  const dir = join(into, 'kindling');
  cpSync(dist, dir, { recursive: true });
  chmodSync(join(dir, 'kindling.js'), 0o755);
  symlinkSync('kindling.js', join(dir, 'ignition'));
  return join(dir, 'ignition');
}

/** A `setfiles` that accepts anything: Ignition 2.14 relabels when the root's SELinux config asks for it. */
export function installSetfilesStub(into: string): string {
  const dir = join(into, 'stub-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'setfiles'), '#!/bin/sh\ncat >/dev/null\nexit 0\n');
  chmodSync(join(dir, 'setfiles'), 0o755);
  return dir;
}

async function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: string; ok: boolean; output: string; ms: number }> {
  const start = performance.now();
  // A runner that retries forever must fail the case, not hang the suite.
  const result = await run(command, args, { env, timeoutMs: STAGE_TIMEOUT_MS });
  const status = result.timedOut ? `timed out after ${STAGE_TIMEOUT_MS} ms` : (result.signal ?? String(result.exitCode));
  return { status, ok: result.exitCode === 0, output: `${result.stdout}${result.stderr}`, ms: performance.now() - start };
}

async function runStages(
  request: RunRequest,
  command: (stage: StageName, flags: string[]) => [string, string[]],
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const common = ['-platform', 'file', '-config-cache', join(request.dir, 'run/ignition.json'), '-state-file', join(request.dir, 'run/ignition/state'), '-log-to-stdout'];
  const result: RunResult = { ok: true, output: '', ms: {} };
  for (const stage of ['fetch', 'files'] as const) {
    if (stage === 'files') {
      if (result.ok) request.afterFetch?.();
      else if (request.filesAfterFailedFetch !== true) break;
    }
    const flags = stage === 'files' ? ['-stage', stage, '-root', request.root, ...common] : ['-stage', stage, '-neednet', join(request.dir, 'run/neednet'), ...common];
    const [cmd, args] = command(stage, flags);
    const [wrapper, ...wrapArgs] = request.wrap ?? [];
    const outcome = await (wrapper === undefined ? runProcess(cmd, args, env) : runProcess(wrapper, [...wrapArgs, cmd, ...args], env));
    result.output += `--- ${stage} (exit ${outcome.status})\n${outcome.output}`;
    result.ms[stage] = outcome.ms;
    if (!outcome.ok && result.ok) {
      result.ok = false;
      result.failedStage = stage;
    }
  }
  return result;
}

function writeInputs(request: RunRequest, systemDir: string): string {
  mkdirSync(join(request.dir, 'run/ignition'), { recursive: true });
  const file = join(request.dir, 'config.ign');
  writeFileSync(file, request.configText);
  for (const [path, text] of Object.entries(request.systemFiles ?? {})) {
    mkdirSync(dirname(join(systemDir, path)), { recursive: true });
    writeFileSync(join(systemDir, path), text);
  }
  return file;
}

/**
 * Ignition 2.14 reads system configs only from /usr/lib/ignition (no environment override), so a
 * run with system files gets a private mount namespace where an overlay adds them to /usr/lib.
 */
export function runUpstream(request: RunRequest, stubs: string, binary = IGNITION_BIN): Promise<RunResult> {
  const lower = join(request.dir, 'upstream-lib');
  const configFile = writeInputs(request, join(lower, 'ignition'));
  const env = { ...process.env, PATH: `${stubs}:${process.env.PATH ?? ''}`, IGNITION_CONFIG_FILE: configFile };
  const withBase = Object.keys(request.systemFiles ?? {}).length > 0;
  const overlay = `mount --make-rprivate / && mount -t overlay overlay -o lowerdir=${lower}:/usr/lib /usr/lib && exec "$@"`;
  return runStages(request, (_stage, flags) => (withBase ? ['unshare', ['-m', 'sh', '-c', overlay, 'sh', binary, ...flags]] : [binary, flags]), env);
}

/** Kindling's CLI; every system path it would consult points into the run's scratch directory. */
export function runKindling(request: RunRequest, binary: string): Promise<RunResult> {
  const systemDir = join(request.dir, 'usr-lib-ignition');
  mkdirSync(systemDir, { recursive: true });
  const configFile = writeInputs(request, systemDir);
  const env = {
    ...process.env,
    IGNITION_CONFIG_FILE: configFile,
    IGNITION_KERNEL_CMDLINE_PATH: join(request.dir, 'no-cmdline'),
    IGNITION_SYSTEM_CONFIG_DIR: systemDir,
    IGNITION_SYSTEM_LOCAL_CONFIG_DIR: join(request.dir, 'etc-ignition'),
    IGNITION_SYSTEM_RUNTIME_CONFIG_DIR: join(request.dir, 'run-ignition'),
  };
  return runStages(request, (_stage, flags) => [binary, flags], env);
}

/** Runs `jobs` with at most `limit` at a time; each result is available as soon as its job ends. */
export function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T>[] {
  const results: Promise<T>[] = [];
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = (): Promise<void> => (running < limit ? (running++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next();
  };
  for (const job of jobs) {
    results.push(
      slot().then(async () => {
        try {
          return await job();
        } finally {
          release();
        }
      }),
    );
  }
  return results;
}
