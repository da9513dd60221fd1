// Every first-boot stage on the host, side by side: Debian's Ignition 2.14 and Kindling (the single
// executable when `npm run build:sea` has made dist/kindling, and the npm bin on Node 20), each stage
// its own process, fetch-offline -> umount, on the files workload (bench/files/workload.ts) into a
// fresh copy of the template root each round. Wall time per stage from the harness, user + system
// CPU per stage from /usr/bin/time. Rounds alternate which runner goes first. Writes
// bench/RESULTS.md's "## Runner: every stage on the host".
//
// Each round's root is a new ext4 file system (mkfs.ext4's defaults, journal included, on a loop
// device), as the root of a first boot is. A directory on the scratch file system is not: there
// each round deletes the last one's trees first, and on a file system without a journal (this
// host's) ext4 then skips every recently freed inode when it allocates one, which made each create
// cost 250 µs or more for both runners and the stage's time depend on the rounds before it.
// `--work-dir-root` keeps the roots in the scratch directory instead, as before, for comparison.
// KINDLING_BENCH_BASE_SEA=path adds another single executable (a base commit's) to the same rounds.
// Usage (root): node scripts/run-ts.mjs bench/stages/run.ts [rounds] [--work-dir-root]

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runSync } from '../../test/helpers/process.ts';
import { IGNITION_BIN, installKindling } from '../../test/differential-runner/support/runners.ts';
import { loadAverage, recordSection, sourceVersion } from '../files/results-section.ts';
import { setUpWorkload } from '../files/setup.ts';

const HEADING = '## Runner: every stage on the host';
const COMMAND = 'npm run build && npm run build:sea && node scripts/run-ts.mjs bench/stages/run.ts';
const STAGES = ['fetch-offline', 'fetch', 'kargs', 'disks', 'mount', 'files', 'umount'] as const;
type Stage = (typeof STAGES)[number];

interface Sample {
  wall: number;
  cpu: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Runner {
  label: string;
  bin: string;
  env: NodeJS.ProcessEnv;
  flags: (dir: string) => string[];
}

async function stage(runner: Runner, name: Stage, root: string, dir: string): Promise<Sample> {
  const timeFile = join(dir, 'time');
  const args = ['-f', '%U %S', '-o', timeFile, runner.bin, '-platform', 'file', '-stage', name, '-root', root, ...runner.flags(dir)];
  const start = performance.now();
  const result = await run('/usr/bin/time', args, { env: runner.env as Record<string, string>, timeoutMs: 120_000 });
  const wall = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`${runner.label} -stage ${name} failed (exit ${result.exitCode}):\n${(result.stdout + result.stderr).slice(-2000)}`);
  const [user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { wall, cpu: ((user ?? 0) + (system ?? 0)) * 1000 };
}

/** A new, empty ext4 file system mounted at `root`; the returned function unmounts and deletes it. */
function freshFileSystem(dir: string, root: string): () => void {
  const image = join(dir, 'root.img');
  // Sparse: only what mkfs and the round write takes space.
  runSync('truncate', ['-s', '2G', image], { check: true });
  runSync('mkfs.ext4', ['-q', '-F', image], { check: true });
  runSync('mount', ['-o', 'loop', image, root], { check: true });
  return () => {
    runSync('umount', [root], { check: true });
    rmSync(image, { force: true });
  };
}

async function round(runner: Runner, template: string, work: string, freshFs: boolean): Promise<Record<Stage, Sample>> {
  const dir = join(work, runner.label.replace(/\W+/g, '-'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  const root = join(dir, 'root');
  mkdirSync(root);
  const release = freshFs ? freshFileSystem(dir, root) : () => undefined;
  try {
    cpSync(template, root, { recursive: true, verbatimSymlinks: true });
    const samples = {} as Record<Stage, Sample>;
    for (const name of STAGES) samples[name] = await stage(runner, name, root, dir);
    if (!existsSync(join(root, 'etc/systemd/system-preset/20-ignition.preset'))) throw new Error(`${runner.label} did not provision the root`);
    return samples;
  } finally {
    release();
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const freshFs = !process.argv.includes('--work-dir-root');
  const { work, template, env, kindlingEnv: ourEnv } = setUpWorkload('kindling-bench-stages-');
  try {
    const flags = (dir: string): string[] => ['-config-cache', join(dir, 'run/ignition.json'), '-state-file', join(dir, 'run/state'), '-neednet', join(dir, 'run/neednet'), '-log-to-stdout'];
    const runners: Runner[] = [{ label: 'Ignition 2.14', bin: IGNITION_BIN, env, flags }];
    /** A copy of a single executable in `work`, run as `ignition` like the initramfs runs it. */
    const seaRunner = (label: string, executable: string, name: string): Runner => {
      const copy = join(work, name);
      mkdirSync(copy);
      cpSync(executable, join(copy, 'kindling'));
      symlinkSync('kindling', join(copy, 'ignition'));
      return { label, bin: join(copy, 'ignition'), env: ourEnv, flags };
    };
    const sea = resolve('dist/kindling');
    if (existsSync(sea)) runners.push(seaRunner('Kindling (single executable)', sea, 'sea'));
    // Another build of the single executable in the same rounds (a base commit's, for before/after).
    const base = process.env.KINDLING_BENCH_BASE_SEA;
    if (base !== undefined && base !== '') runners.push(seaRunner('Kindling (base single executable)', base, 'base-sea'));
    runners.push({ label: 'Kindling (npm bin, Node 20)', bin: installKindling(work), env: ourEnv, flags });

    const samples = new Map<string, Record<Stage, Sample>[]>(runners.map((r) => [r.label, []]));
    const loads = [loadAverage()];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? runners : [...runners].reverse();
      for (const runner of order) samples.get(runner.label)!.push(await round(runner, template, work, freshFs));
      loads.push(loadAverage());
    }

    const upstream = samples.get(runners[0]!.label)!;
    // Rows that sum stages: the fetch and files stages together are issue 15's measure.
    const SUMS = { 'fetch + files': ['fetch', 'files'], total: STAGES } as const satisfies Record<string, readonly Stage[]>;
    type Row = Stage | keyof typeof SUMS;
    const value = (s: Record<Stage, Sample>, name: Row, kind: keyof Sample): number =>
      name in SUMS ? SUMS[name as keyof typeof SUMS].reduce((sum, st) => sum + s[st][kind], 0) : s[name as Stage][kind];
    const cell = (label: string, name: Row, kind: keyof Sample): number => median(samples.get(label)!.map((s) => value(s, name, kind)));
    const ratio = (label: string, name: Row, kind: keyof Sample): string => {
      const per = samples.get(label)!.map((s, i) => value(s, name, kind) / Math.max(value(upstream[i]!, name, kind), 1));
      return median(per).toFixed(2);
    };
    const rows: string[] = [];
    for (const name of [...STAGES, ...(Object.keys(SUMS) as (keyof typeof SUMS)[])]) {
      const cells = runners.map((r) => `${cell(r.label, name, 'wall').toFixed(0)} / ${cell(r.label, name, 'cpu').toFixed(0)}`);
      const ratios = runners.slice(1).map((r) => `${ratio(r.label, name, 'wall')} / ${ratio(r.label, name, 'cpu')}`);
      rows.push(`| ${name} | ${[...cells, ...ratios].join(' | ')} |`);
    }
    const text = [
      HEADING,
      '',
      `Command (as root): \`${COMMAND.replace('node ', process.env.KINDLING_BENCH_BASE_SEA ? 'KINDLING_BENCH_BASE_SEA=BASE node ' : 'node ')} ${rounds}${freshFs ? '' : ' --work-dir-root'}\``,
      '',
      'Workload: bench/files/workload.ts (1000 inline files, 50 units, 20 drop-ins, 5 users, 2 groups; spec 3.3.0) from the',
      '`file` platform, every stage from fetch-offline to umount as its own process into a fresh copy of the template root',
      `each round, ${freshFs ? 'on a new ext4 file system (mkfs.ext4 defaults, on a loop device) per round and runner' : 'in the scratch directory (`--work-dir-root`)'}`,
      '(`setfiles` stubbed for upstream). Cells are medians over the rounds, "wall ms / CPU ms" (CPU = user + system of the',
      'stage process and its children, from /usr/bin/time); ratios are medians of per-round ratios to Ignition 2.14 in the',
      'same round.',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; source ${sourceVersion()}; ${rounds} rounds,`,
      `measured ${new Date().toISOString().slice(0, 10)}; load average (1 min) ${loads.join(', ')} before the first and after each round.`,
      '',
      `| Stage | ${runners.map((r) => r.label).join(' | ')} | ${runners
        .slice(1)
        .map((r) => `${r.label.replace('Kindling ', '')} ÷ upstream`)
        .join(' | ')} |`,
      `|---|${runners.map(() => '---:').join('|')}|${runners
        .slice(1)
        .map(() => '---:')
        .join('|')}|`,
      ...rows,
      '',
      'Issue 15 asks for fetch + files ≤ 0.7× Ignition and the fetch stage\'s CPU ≤ 1×; the section after this one holds',
      'the paired before/after runs, the earlier ones included.',
      '',
    ].join('\n');
    process.stdout.write(`${text}\n`);
    recordSection(HEADING, text);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
