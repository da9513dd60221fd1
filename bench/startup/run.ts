// Start-up of the single executable against a bare start of its own runtime: `kindling version`,
// `kindling validate` of a one-file config and `kindling transpile` of a small Butane file, each
// against `node -e 0` of the pinned runtime. CPU per process is what the comparison uses (the
// machine is shared, so wall times move with its load): the children's user + system time that
// the kernel accounts to this process once it has reaped them (/proc/self/stat cutime + cstime),
// over a batch of runs. Writes bench/RESULTS.md's "## Start-up of the single executable".
// Usage: npm run build:sea && node scripts/run-ts.mjs bench/startup/run.ts [runs] [other-executable ...]
// Extra executables (e.g. a build without the snapshot) are measured the same way, for comparison.

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

async function measure(command: string, args: string[], runs: number): Promise<{ cpu: number; wall: number }> {
  const walls: number[] = [];
  const before = childTicks();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await run(command, args, { timeoutMs: 60_000 });
    walls.push(performance.now() - start);
    if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  }
  const cpu = ((childTicks() - before) * TICK_MS) / runs;
  walls.sort((a, b) => a - b);
  return { cpu, wall: walls[walls.length >> 1] as number };
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
    // Interleaved rounds, so that a change of load touches every row alike.
    const rounds = 4;
    const per = Math.max(1, Math.round(runs / rounds));
    const rows = new Map<string, { cpu: number[]; wall: number[] }>();
    const add = (label: string, sample: { cpu: number; wall: number }): void => {
      const row = rows.get(label) ?? { cpu: [], wall: [] };
      row.cpu.push(sample.cpu);
      row.wall.push(sample.wall);
      rows.set(label, row);
    };
    for (let round = 0; round < rounds; round++) {
      add('`node -e 0` (the same runtime)', await measure(node, ['-e', '0'], per));
      for (const exe of executables) {
        const name = exe === executables[0] ? '`kindling`' : `\`${exe.split('/').pop()}\``;
        add(`${name} version`, await measure(exe, ['version'], per));
        add(`${name} validate`, await measure(exe, ['validate', config], per));
        add(`${name} transpile`, await measure(exe, ['transpile', butane], per));
      }
      loads.push(loadAverage());
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
      `Each command ${per * rounds} times in ${rounds} interleaved rounds. CPU is user + system time per process (children's`,
      'times from /proc/self/stat, 10 ms ticks summed over the batch); × node is the ratio to `node -e 0` of the same',
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
