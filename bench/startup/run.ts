// Start-up of the single executable against a bare start of its own runtime: `kindling version`,
// `kindling validate` of a one-file config and `kindling transpile` of a small Butane file, each
// against `node -e 0` of the pinned runtime. CPU per process is what the comparison uses (the
// machine is shared, so wall times move with its load): the children's user + system time that
// the kernel accounts to this process once it has reaped them (/proc/self/stat cutime + cstime),
// summed over every run of a command. Writes bench/RESULTS.md's "## Start-up of the single executable".
// Usage: npm run build:sea && node scripts/run-ts.mjs bench/startup/run.ts [runs] [other-executable ...]
// Extra executables (e.g. a build without the snapshot) are measured the same way, for comparison.
//
// Every executable starts from the same page cache: its pages are dropped (dd's `nocache`, which
// needs no root) and one run of each command reads them back. How a binary's pages sit in the cache
// (the folio sizes that readahead or earlier runs left) moved a start by 2-3 ms, as much as a
// change under test: a copy of an executable made minutes earlier, and run often since, measured
// 1.27x `node -e 0` where a fresh copy of the same bytes measured 1.20x (bench/RESULTS.md).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../test/helpers/process.ts';
import { loadAverage, recordSection, sourceVersion } from '../files/results-section.ts';

const HEADING = '## Start-up of the single executable';
const COMMAND = 'npm run build:sea && node scripts/run-ts.mjs bench/startup/run.ts';
const TICK_MS = 10; // USER_HZ is 100 on Linux

function childTicks(): number {
  // Fields after the command name: state is 3, cutime 16 and cstime 17 (1-based, as proc(5) counts).
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

/** One run of a command: its CPU in ms (whole ticks) and its wall time. */
async function measure(command: string, args: string[]): Promise<{ cpu: number; wall: number }> {
  const before = childTicks();
  const start = performance.now();
  const result = await run(command, args, { timeoutMs: 60_000 });
  const wall = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return { cpu: (childTicks() - before) * TICK_MS, wall };
}

/** The items in a random order (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 40);
  const executables = [resolve('dist/kindling'), ...process.argv.slice(3).map((p) => resolve(p))];
  // The pinned runtime the executable embeds (scripts/sea-runtime.mjs prints its path).
  const node = (await run(process.execPath, ['scripts/sea-runtime.mjs'], { timeoutMs: 300_000 })).stdout.trim();
  const work = mkdtempSync(join(tmpdir(), 'kindling-bench-startup-'));
  try {
    const config = join(work, 'one.ign');
    writeFileSync(config, JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,hello' } }] } }));
    const butane = join(work, 'one.bu');
    writeFileSync(butane, 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n');
    const loads = [loadAverage()];
    const rows = new Map<string, { cpu: number[]; wall: number[] }>();
    const add = (label: string, sample: { cpu: number; wall: number }): void => {
      const row = rows.get(label) ?? { cpu: [], wall: [] };
      row.cpu.push(sample.cpu);
      row.wall.push(sample.wall);
      rows.set(label, row);
    };
    // Each round runs every command once, in a new random order, so that a change of load (the
    // machine is shared, and it moves by tens of percent from one minute to the next) touches every
    // row alike; runs of whole batches one after another let it fall on one row.
    const commands: { label: string; command: string; args: string[] }[] = [{ label: '`node -e 0` (the same runtime)', command: node, args: ['-e', '0'] }];
    for (const exe of executables) {
      const name = exe === executables[0] ? '`kindling`' : `\`${exe.split('/').pop()}\``;
      commands.push({ label: `${name} version`, command: exe, args: ['version'] });
      commands.push({ label: `${name} validate`, command: exe, args: ['validate', config] });
      commands.push({ label: `${name} transpile`, command: exe, args: ['transpile', butane] });
    }
    for (const { label } of commands) rows.set(label, { cpu: [], wall: [] });
    for (const file of [node, ...executables]) await run('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { timeoutMs: 60_000 });
    for (const { command, args } of commands) await measure(command, args);
    for (let round = 0; round < runs; round++) {
      for (const { label, command, args } of shuffled(commands)) add(label, await measure(command, args));
      if ((round + 1) % Math.max(1, Math.floor(runs / 4)) === 0) loads.push(loadAverage());
    }
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
    const floor = mean(rows.get('`node -e 0` (the same runtime)')!.cpu);
    const lines = [...rows.entries()].map(([label, row]) => `| ${label} | ${mean(row.cpu).toFixed(1)} | ${(mean(row.cpu) / floor).toFixed(2)} | ${median(row.wall).toFixed(0)} |`);
    const text = [
      HEADING,
      '',
      `Command: \`${COMMAND} ${runs}\``,
      '',
      `Each command ${runs} times, in ${runs} rounds that run every command once in a random order, after one run each that follows`,
      "dropping every executable's pages from the page cache (so all of them start from the same cache). CPU is user + system",
      "time per process (children's times from /proc/self/stat, 10 ms ticks, summed over a command's runs); × node is the ratio to `node -e 0` of the same",
      'runtime, the floor any process of this executable pays. Wall is the median of single runs and moves with the load.',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; source ${sourceVersion()}; measured ${new Date().toISOString().slice(0, 10)};`,
      `load average (1 min) ${loads.join(', ')}.`,
      '',
      '| Command | CPU ms per process | × node | wall ms (median) |',
      '|---|---:|---:|---:|',
      ...lines,
      '',
    ].join('\n');
    process.stdout.write(`${text}\n`);
    recordSection(HEADING, text);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
