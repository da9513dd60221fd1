// Times the transpiler on a ~1.5 MB Butane config through the npm bin (the split ES-module build,
// which runs transpile from dist/esm/transpile.cjs through its code cache) and in-process, and a
// small config through the bin next to a bare `node -e 0`; records median wall time, CPU time and
// peak RSS, the processes interleaved. `--baseline=FILE` also times an older build's bin (e.g. one
// built from an earlier commit) in the same rounds, so before and after share the machine's load.
// Usage: node scripts/run-ts.mjs bench/transpile/run.ts [repetitions] [--baseline=FILE --baseline-label=TEXT]

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transpile } from '../../transpiler/index.ts';
import { largeButane } from './large-butane.ts';
import { runSync } from '../../test/helpers/process.ts';

const COMMAND = 'npm run build:sea && node scripts/run-ts.mjs bench/transpile/run.ts';
const HEADING = '## Transpiler';
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const repetitions = Number(args.find((a) => !a.startsWith('--')) ?? 10);
const root = process.cwd();
const bin = resolve(root, 'dist/esm/kindling.js');
const sea = resolve(root, 'dist/kindling');
const baseline = flag('baseline');
const baselineLabel = flag('baseline-label') ?? 'baseline build';

interface Measured {
  name: string;
  medianMs: number;
  minMs: number;
  /** Median user + system CPU time of the process (less sensitive to other load than wall time). */
  cpuMs: number | undefined;
  peakRssKiB: number | undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Peak RSS of one run, from GNU time's verbose report. */
function peakRss(command: string, args: string[], env?: Record<string, string>): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const run = runSync('/usr/bin/time', ['-v', command, ...args], { env });
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return match ? Number(match[1]) : undefined;
}

/** CPU time (user + system) of one run, from bash's `time` (millisecond resolution, where GNU time has 10 ms). */
function cpuTime(command: string, args: string[], env: Record<string, string>): number | undefined {
  const run = runSync('bash', ['-c', 'TIMEFORMAT="cpu %3U %3S"; time "$@" >/dev/null 2>&1', 'bench', command, ...args], { env });
  const match = /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return match ? (Number(match[1]) + Number(match[2])) * 1000 : undefined;
}

interface Target {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * Times every target `repetitions` times, interleaved (one run of each per round), so that the
 * machine's load, which changes by the minute here, weighs on every row alike.
 */
function timeProcesses(targets: Target[]): Measured[] {
  const samples = targets.map(() => [] as number[]);
  const cpu = targets.map(() => [] as number[]);
  for (let i = 0; i < repetitions; i++) {
    targets.forEach(({ name, command, args, env = {} }, t) => {
      const start = process.hrtime.bigint();
      const run = runSync(command, args, { env });
      samples[t]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (run.exitCode !== 0) throw new Error(`${name} failed (exit ${run.exitCode}):\n${run.stderr}`);
      const used = cpuTime(command, args, env);
      if (used !== undefined) cpu[t]!.push(used);
    });
  }
  return targets.map(({ name, command, args, env }, t) => ({
    name,
    medianMs: median(samples[t]!),
    minMs: Math.min(...samples[t]!),
    cpuMs: cpu[t]!.length > 0 ? median(cpu[t]!) : undefined,
    peakRssKiB: peakRss(command, args, env),
  }));
}

function timeInProcess(text: string): Measured {
  const samples: number[] = [];
  for (let i = 0; i < repetitions + 2; i++) {
    const start = process.hrtime.bigint();
    const result = transpile(text, { pretty: false });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error !== undefined || result.report.length > 0) throw new Error(`transpile reported: ${result.error?.message ?? result.report[0]?.message}`);
    // The first two runs warm up the JIT and are not counted.
    if (i >= 2) samples.push(elapsed);
  }
  return { name: 'Kindling `transpile()` (in-process, warm), 1.5 MB', medianMs: median(samples), minMs: Math.min(...samples), cpuMs: undefined, peakRssKiB: process.resourceUsage().maxRSS };
}

const fmt = (ms: number): string => ms.toFixed(1);

/** Where a large transpile spends its time, from `node --cpu-prof` of the bin (kept with the numbers). */
const NOTES = [
  'Where the time goes (1.5 MB, `node --cpu-prof` of the npm bin with a warm code cache, 5 runs averaged',
  'at load 3, after the start-up and JIT work of the section "Transpiler: start-up and JIT"; 472 ms of',
  'samples, profiling included): Node\'s start-up and its ES-module loader about 60 ms; loading',
  'dist/esm/transpile.cjs through the code cache about 25 ms (10 of them deserialising the cache); gzip',
  'about 125 ms (all 2000 files win as gzip: matching about 35 ms, the three Huffman codes per member',
  '(bitCounts, generate) about 40 ms, block writing and CRC the rest); checkConfig about 55 ms (typed',
  'decode, rules, duplicates); the YAML read about 45 ms; serialisation about 25 ms; garbage collection',
  'about 65 ms spread over all of these (scavenges copying the YAML tree and the config, which live to',
  'the end; a larger or faster-growing young generation did not lower it).',
  '',
  'What made it faster than commit 3ab1f04 (an earlier run), output unchanged: block-style YAML is read in',
  'one pass straight into the positioned tree (transpiler/yaml-block.ts; the `yaml` package\'s Document',
  'plus a separate walk cost about half of the old run, and it stays the fallback for anything else);',
  'the data-URL contest compares lengths and builds only the winning URL, skips gzip where it cannot',
  'win; decoding builds a YAML path only for the keys it',
  'reports; mode warnings and key renames are worked out once per distinct value. Since 29bd0b6: V8 flags',
  'for the transpile command, the npm bin\'s code cache, and checkConfig trusting the data URLs the',
  'transpile encoded (section "Transpiler: start-up and JIT").',
];

function section(results: Measured[], bytes: number, outBytes: number, sameAsBaseline: boolean | undefined): string {
  const rows = results.map(
    (r) => `| ${r.name} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} | ${r.cpuMs === undefined ? 'n/a' : r.cpuMs.toFixed(0)} | ${r.peakRssKiB === undefined ? 'n/a' : (r.peakRssKiB / 1024).toFixed(1)} |`,
  );
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    HEADING,
    '',
    `Command: \`${COMMAND} ${repetitions}${baseline === undefined ? '' : ` --baseline=… --baseline-label='${baselineLabel}'`}\``,
    '',
    `Input: bench/transpile/large-butane.ts, ${(bytes / 1e6).toFixed(2)} MB of Butane (fcos 1.6.0: 2000 inline files, 200 units, 20 users) → ${(outBytes / 1e6).toFixed(2)} MB of Ignition JSON; the small config is 9 lines with one inline file.`,
    `Machine: ${cpus().length} × ${cpu}, Node ${process.version}; ${repetitions} runs each, measured ${new Date().toISOString().slice(0, 10)} with a load average of ${(loadavg()[0] ?? 0).toFixed(1)} (the machine is shared, so compare rows of one run). No upstream \`butane\` binary was available to compare against.`,
    '',
    ...(sameAsBaseline === undefined ? [] : [`Output of the 1.5 MB config byte-identical to the baseline build's: ${sameAsBaseline ? 'yes' : '**no**'}.`, '']),
    '| Run | median ms | min ms | CPU ms (median) | peak RSS MiB |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Process rows are wall time of a whole process (start-up included), the rows run interleaved (one',
    'run of each per round); CPU is user + system time of one more run each round under bash\'s `time`',
    '(it can exceed wall time: V8 compiles and collects garbage on helper threads), peak RSS comes from',
    'one extra run under `/usr/bin/time -v`. The npm bin rows use a code cache warmed by one run (the',
    'first start after an install or upgrade compiles, as the "code cache off" row). `node -e 0` is the',
    'floor any Node CLI pays. The in-process row times only `transpile()` after two warm-up runs; its',
    'RSS is the harness process\'s own peak.',
    '',
    ...NOTES,
    '',
  ].join('\n');
}

/** Replaces this benchmark's section of bench/RESULTS.md, leaving every other section alone. */
function record(text: string): void {
  const file = join(root, 'bench/RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = current.indexOf(`${HEADING}\n`);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${text}`;
  else {
    const after = current.indexOf('\n## ', start + HEADING.length);
    next = current.slice(0, start) + text + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
}

if (!existsSync(bin)) throw new Error('dist/esm/kindling.js is missing: run `npm run build` first');
if (baseline !== undefined && !existsSync(baseline)) throw new Error(`--baseline: ${baseline} does not exist`);
const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-transpile-'));
try {
  const text = largeButane();
  const large = join(dir, 'large.bu');
  const small = join(dir, 'small.bu');
  writeFileSync(large, text);
  writeFileSync(small, 'variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /etc/hostname\n      mode: 0644\n      contents:\n        inline: myhost\n');
  const out = join(dir, 'large.ign');
  const baselineOut = join(dir, 'large-baseline.ign');
  // The npm bin keeps a V8 code cache (src/cli/code-cache.ts): here in a directory of the bench's
  // own, warmed by one run first, and one row with the cache off.
  const cache = { XDG_CACHE_HOME: join(dir, 'cache'), KINDLING_NO_CODE_CACHE: '' };
  runSync(process.execPath, [bin, 'transpile', small], { env: cache, check: true });
  const results = [
    ...timeProcesses([
      { name: '`node -e 0` (floor)', command: process.execPath, args: ['-e', '0'] },
      ...(baseline === undefined
        ? []
        : [
            { name: `${baselineLabel}: \`transpile\`, small config`, command: process.execPath, args: [baseline, 'transpile', small] },
            { name: `${baselineLabel}: \`transpile\`, 1.5 MB`, command: process.execPath, args: [baseline, 'transpile', '-o', baselineOut, large] },
          ]),
      { name: 'Kindling `node dist/esm/kindling.js transpile`, small config', command: process.execPath, args: [bin, 'transpile', small], env: cache },
      { name: 'Kindling `node dist/esm/kindling.js transpile`, 1.5 MB', command: process.execPath, args: [bin, 'transpile', '-o', out, large], env: cache },
      {
        name: 'Kindling `node dist/esm/kindling.js transpile`, 1.5 MB, code cache off',
        command: process.execPath,
        args: [bin, 'transpile', '-o', join(dir, 'large-nocache.ign'), large],
        env: { KINDLING_NO_CODE_CACHE: '1' },
      },
      // The single executable (npm run build:sea), when built: Node 26 with the startup snapshot.
      ...(existsSync(sea)
        ? [
            { name: 'Kindling single executable `dist/kindling transpile`, small config', command: sea, args: ['transpile', small] },
            { name: 'Kindling single executable `dist/kindling transpile`, 1.5 MB', command: sea, args: ['transpile', '-o', join(dir, 'large-sea.ign'), large] },
          ]
        : []),
    ]),
    timeInProcess(text),
  ];
  if (existsSync(sea) && !readFileSync(join(dir, 'large-sea.ign')).equals(readFileSync(out))) throw new Error('the single executable and the npm bin disagree on the 1.5 MB output');
  if (!readFileSync(join(dir, 'large-nocache.ign')).equals(readFileSync(out))) throw new Error('the npm bin with and without its code cache disagree on the 1.5 MB output');
  const same = baseline === undefined ? undefined : readFileSync(out).equals(readFileSync(baselineOut));
  const report = section(results, Buffer.byteLength(text), readFileSync(out).length, same);
  process.stdout.write(report);
  record(report);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
