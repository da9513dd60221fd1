// Times validation of a ~1.4 MB config: upstream ignition-validate, Kindling's CLI bundle and
// in-process parseConfig, N runs each; prints and records median wall time, ratio and peak RSS.
// Usage: node scripts/run-ts.mjs bench/validate/run.ts [repetitions]   (after npm run build)

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../src/config/index.ts';
import { largeConfig } from './large-config.ts';
import { runSync } from '../../test/helpers/process.ts';

const COMMAND = 'node scripts/run-ts.mjs bench/validate/run.ts';
const HEADING = '## Config parsing and validation';
const repetitions = Number(process.argv[2] ?? 15);
const root = process.cwd();
// The npm bin (split ES modules), as users run it.
const bundle = resolve(root, 'dist/esm/kindling.js');

interface Measured {
  name: string;
  medianMs: number;
  minMs: number;
  peakRssKiB: number | undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const hasGnuTime = existsSync('/usr/bin/time');

/** Peak RSS of one run of the command, from GNU time's verbose report. */
function peakRss(command: string, args: string[]): number | undefined {
  if (!hasGnuTime) return undefined;
  const run = runSync('/usr/bin/time', ['-v', command, ...args]);
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return match ? Number(match[1]) : undefined;
}

function timeProcess(name: string, command: string, args: string[]): Measured {
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = process.hrtime.bigint();
    const run = runSync(command, args);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.exitCode !== 0) throw new Error(`${name} rejected the benchmark config (exit ${run.exitCode}):\n${run.stdout}${run.stderr}`);
  }
  return { name, medianMs: median(samples), minMs: Math.min(...samples), peakRssKiB: peakRss(command, args) };
}

function timeInProcess(text: string): Measured {
  const samples: number[] = [];
  for (let i = 0; i < repetitions + 2; i++) {
    const start = process.hrtime.bigint();
    const result = parseConfig(text);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.failure !== undefined || result.config === undefined) throw new Error('parseConfig rejected the benchmark config');
    // The first two runs warm up the JIT and are not counted.
    if (i >= 2) samples.push(elapsed);
  }
  return { name: 'Kindling `parseConfig` (in-process, warm)', medianMs: median(samples), minMs: Math.min(...samples), peakRssKiB: process.resourceUsage().maxRSS };
}

function upstreamVersion(): string {
  return runSync('ignition-validate', ['--version'], { check: true }).stdout.trim();
}

const fmt = (ms: number): string => ms.toFixed(1);

function section(results: Measured[], bytes: number): string {
  const upstream = results[0] as Measured;
  const rows = results.map(
    (r) => `| ${r.name} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} | ${(r.medianMs / upstream.medianMs).toFixed(2)} | ${r.peakRssKiB === undefined ? 'n/a' : (r.peakRssKiB / 1024).toFixed(1)} |`,
  );
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    HEADING,
    '',
    `Command: \`npm run build && ${COMMAND} ${repetitions}\``,
    '',
    `Input: bench/validate/large-config.ts, ${(bytes / 1e6).toFixed(2)} MB (1000 files with inline data URLs, 50 units, 5 users), spec 3.3.0, valid for both.`,
    `Machine: ${cpus().length} × ${cpu}, Node ${process.version}, upstream \`${upstreamVersion()}\`; ${repetitions} runs each, measured ${new Date().toISOString().slice(0, 10)}` +
      ` (load average ${loadavg()[0]?.toFixed(1)} at the end: other work shares the machine, so compare rows of one run, not runs).`,
    '',
    '| Validator | median ms | min ms | × upstream | peak RSS MiB |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Process rows are wall time of a whole process (start-up included) as measured by the harness;',
    'peak RSS of processes comes from one extra run under `/usr/bin/time -v`. `node -e 0` is the floor',
    'any Node CLI pays before reading the config. The in-process row times only `parseConfig` after',
    "two warm-up runs; its RSS is the benchmark process's own peak (`process.resourceUsage().maxRSS`),",
    'so it includes the harness and the generated text.',
    '',
  ].join('\n');
}

/** Replaces this benchmark's section of bench/RESULTS.md, leaving every other section alone. */
function record(text: string): void {
  const file = join(root, 'bench/RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = current.indexOf(HEADING);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${text}`;
  } else {
    const after = current.indexOf('\n## ', start + HEADING.length);
    next = current.slice(0, start) + text + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
}

if (!existsSync(bundle)) throw new Error('dist/esm/kindling.js is missing: run `npm run build` first');
const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
try {
  const text = largeConfig();
  const file = join(dir, 'large.ign');
  writeFileSync(file, text);
  const results = [
    timeProcess('upstream `ignition-validate`', 'ignition-validate', [file]),
    timeProcess('Kindling `node dist/esm/kindling.js validate` (the npm bin)', process.execPath, [bundle, 'validate', file]),
    timeProcess('`node -e 0` (baseline, not a validator)', process.execPath, ['-e', '0']),
    timeInProcess(text),
  ];
  const out = section(results, Buffer.byteLength(text));
  process.stdout.write(out);
  record(out);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
