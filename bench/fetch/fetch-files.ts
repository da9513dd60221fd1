// Benchmark (issue 4): remote files from a loopback server that waits before every response. Wall
// time of Ignition 2.14's fetch + files stages against Kindling's, both whole runners run as
// processes through their CLIs on the same config, paired; also the peak RSS of each stage process
// for one large generated body. Writes bench/RESULTS.md's "## Resources".
// Usage (root, after `npm run build`): node scripts/run-ts.mjs bench/fetch/fetch-files.ts [--files 200] [--latency 50] [--runs 5] [--large-mib 512] [--no-record]
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTemplateRoot } from '../../test/stages/files/support/template-root.ts';
import { IGNITION_BIN, installKindling, installSetfilesStub, runKindling, runUpstream, type RunRequest, type RunResult } from '../../test/differential-runner/support/runners.ts';
import { startServer } from '../../test/differential-runner/support/server.ts';
import { loadAverage, recordSection, sourceVersion } from '../files/results-section.ts';
import { runSync } from '../../test/helpers/process.ts';

/** Fetches the runner keeps in flight (FETCH_CONCURRENCY in src/engine/fetch-stage.ts). */
const IN_FLIGHT = 32;

const HEADING = '## Resources';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const count = option('files', 200);
const latencyMs = option('latency', 50);
const runs = option('runs', 5);
const largeMiB = option('large-mib', 512);

const body = (i: number): string => `file number ${i}\n${'x'.repeat(1000 + (i % 37))}\n`;
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (ms: number): string => ms.toFixed(0);
const total = (r: RunResult): number => (r.ms.fetch ?? 0) + (r.ms.files ?? 0);

if (!existsSync(IGNITION_BIN)) throw new Error(`upstream Ignition not found at ${IGNITION_BIN} (set IGNITION_BIN)`);
if (process.getuid?.() !== 0) throw new Error('run as root: Ignition 2.14 chowns what it writes');

const work = mkdtempSync(join(tmpdir(), 'kindling-bench-fetch-'));
chmodSync(work, 0o755);
const server = await startServer(latencyMs);
// The same files without the added latency show what each runner costs by itself.
const direct = await startServer(0);
try {
  const template = join(work, 'template');
  mkdirSync(template);
  makeTemplateRoot(template);
  const stubs = installSetfilesStub(work);
  const kindling = installKindling(work);
  const routes = Object.fromEntries(Array.from({ length: count }, (_, i) => [`f/${i}`, body(i)]));
  server.route('b', routes);
  direct.route('b', routes);
  server.route('large', { blob: { generated: largeMiB * 2 ** 20 }, small: { generated: 2 ** 20 } });
  const filesFrom = (base: string) => Array.from({ length: count }, (_, i) => ({ path: `/srv/bench/d${i % 10}/file-${i}`, mode: 420, contents: { source: `${base}/b/f/${i}` } }));
  const files = filesFrom(server.base);
  const configText = JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files } });
  const directText = JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: filesFrom(direct.base) } });

  const fresh = (name: string, text = configText): RunRequest => {
    const dir = mkdtempSync(join(work, `${name}-`));
    const root = join(dir, 'root');
    runSync('cp', ['-a', template, root], { check: true });
    return { dir, root, configText: text };
  };
  const runSide = async (name: string, run: (r: RunRequest) => Promise<RunResult>, text: string): Promise<RunResult> => {
    const request = fresh(name, text);
    const result = await run(request);
    if (!result.ok) throw new Error(`${name} failed in its ${result.failedStage} stage:\n${result.output.slice(-3000)}`);
    for (const [i, f] of files.entries()) {
      if (readFileSync(join(request.root, f.path), 'utf8') !== body(i)) throw new Error(`${name}: wrong content at ${f.path}`);
    }
    rmSync(request.dir, { recursive: true, force: true });
    return result;
  };
  const upstream = (text: string): Promise<RunResult> => runSide('upstream', (q) => runUpstream(q, stubs), text);
  const ours = (text: string): Promise<RunResult> => runSide('kindling', (q) => runKindling(q, kindling), text);

  console.log(`${count} files, ${latencyMs} ms latency per request, ${server.base}; load ${loadAverage()}`);
  const loads: string[] = [loadAverage()];
  const measure = async (text: string, n: number): Promise<{ theirs: RunResult[]; mine: RunResult[]; ratios: number[] }> => {
    const out = { theirs: [] as RunResult[], mine: [] as RunResult[], ratios: [] as number[] };
    for (let i = 0; i < n; i++) {
      // Alternate which goes first so neither always meets a warmer cache.
      let k: RunResult;
      let u: RunResult;
      if (i % 2 === 0) {
        k = await ours(text);
        u = await upstream(text);
      } else {
        u = await upstream(text);
        k = await ours(text);
      }
      out.mine.push(k);
      out.theirs.push(u);
      out.ratios.push(total(u) / total(k));
      loads.push(loadAverage());
      console.log(`pair ${i + 1}: ignition ${fmt(total(u))} ms, kindling ${fmt(total(k))} ms (fetch ${fmt(k.ms.fetch!)}, files ${fmt(k.ms.files!)}); load ${loadAverage()}`);
    }
    return out;
  };
  const { theirs, mine, ratios } = await measure(configText, runs);
  console.log('without added latency:');
  const bare = await measure(directText, 3);

  // Peak RSS of each stage process for one large body, from GNU time's %M (KiB).
  const rss = async (name: string, run: (r: RunRequest) => Promise<RunResult>, mib: number): Promise<{ fetch: number; files: number; seconds: number }> => {
    const source = `${server.base}/large/${mib === largeMiB ? 'blob' : 'small'}`;
    const largeConfig = JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/srv/large', contents: { source } }] } });
    const request = { ...fresh(`${name}-large`), configText: largeConfig, wrap: ['/usr/bin/time', '-f', 'peak-rss-kib %M'] };
    const result = await run(request);
    if (!result.ok) throw new Error(`${name} failed on the large body:\n${result.output.slice(-3000)}`);
    const size = statSync(join(request.root, 'srv/large')).size;
    rmSync(request.dir, { recursive: true, force: true });
    if (size !== mib * 2 ** 20) throw new Error(`${name} wrote ${size} bytes of the large body`);
    const peak = (stage: string): number => Number(new RegExp(`--- ${stage} \\(exit 0\\)\\n[\\s\\S]*?peak-rss-kib (\\d+)`).exec(result.output)?.[1] ?? NaN) / 1024;
    return { fetch: peak('fetch'), files: peak('files'), seconds: total(result) / 1000 };
  };
  const largeRows: string[] = [];
  if (largeMiB > 0) {
    const sides: [string, (r: RunRequest) => Promise<RunResult>][] = [
      ['Ignition 2.14', (r) => runUpstream(r, stubs)],
      ['Kindling', (r) => runKindling(r, kindling)],
    ];
    for (const [name, run] of sides) {
      for (const mib of [1, largeMiB]) {
        const peak = await rss(name.split(' ')[0]!.toLowerCase(), run, mib);
        largeRows.push(`| ${name}, ${mib} MiB | ${peak.fetch.toFixed(0)} | ${peak.files.toFixed(0)} | ${peak.seconds.toFixed(1)} | ${loadAverage()} |`);
        console.log(`${mib} MiB: ${name} peak RSS fetch ${peak.fetch.toFixed(0)} MiB, files ${peak.files.toFixed(0)} MiB, ${peak.seconds.toFixed(1)} s`);
      }
    }
  }

  const up = theirs.map(total);
  const row = (name: string, results: RunResult[]): string => {
    const totals = results.map(total);
    return `| ${name} | ${fmt(median(totals))} | ${fmt(Math.min(...totals))} | ${fmt(median(results.map((r) => r.ms.fetch!)))} | ${fmt(median(results.map((r) => r.ms.files!)))} |`;
  };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const text = [
    HEADING,
    '',
    `Command (as root): \`npm run build && node scripts/run-ts.mjs bench/fetch/fetch-files.ts --runs ${runs} --large-mib ${largeMiB}\``,
    '',
    `Workload: ${count} files of about 1 KiB, each served by a loopback HTTP server in the benchmark process that waits`,
    `${latencyMs} ms before every response; a spec 3.3.0 config with \`storage.files[].contents.source\` pointing at them,`,
    'into a fresh copy of the test template root each run. Both sides are whole runners, each stage its own process',
    'started through its CLI, the same way (test/differential-runner/support/runners.ts): `-platform file -stage fetch`',
    'with `IGNITION_CONFIG_FILE`, then `-stage files -root DIR`. Upstream: Ignition 2.14',
    `(\`${IGNITION_BIN}\`, \`setfiles\` stubbed); it fetches the files one at a time in its files stage.`,
    'Kindling: `dist/esm/kindling.js` through a symlink named `ignition`; its fetch stage fetches and verifies every',
    `resource into the cache beside the state file (${IN_FLIGHT} at a time), and its files stage reads only that cache.`,
    'Every run checks every file\'s content afterwards (outside the timing).',
    `Machine: ${cpus().length} × ${cpu}, Node ${process.version}; source ${sourceVersion()}; ${runs} pairs, measured ${new Date().toISOString().slice(0, 10)};`,
    `load average (1 min) ${loads.join(', ')} before the first and after each pair: other work shares the machine.`,
    '',
    '| Run | median ms | min ms | fetch stage median ms | files stage median ms |',
    '|---|---:|---:|---:|---:|',
    row(`Ignition 2.14 fetch + files stages, ${latencyMs} ms latency`, theirs),
    row(`Kindling fetch + files stages, ${latencyMs} ms latency`, mine),
    row('Ignition 2.14, no added latency (3 pairs)', bare.theirs),
    row('Kindling, no added latency (3 pairs)', bare.mine),
    '',
    `Paired ratio upstream ÷ Kindling with ${latencyMs} ms latency (median of per-pair ratios): **${median(ratios).toFixed(1)}×** (min ${Math.min(...ratios).toFixed(1)}, max ${Math.max(...ratios).toFixed(1)}); the aim is 10×.`,
    `The floor for one-at-a-time fetching is ${count} × ${latencyMs} ms = ${((count * latencyMs) / 1000).toFixed(0)} s; with ${IN_FLIGHT} in flight it is ${fmt(Math.ceil(count / IN_FLIGHT) * latencyMs)} ms. Kindling's cost without`,
    `latency (${fmt(median(bare.mine.map(total)))} ms: two Node processes, parsing, the files stage) comes on top of that floor; 10× needs`,
    `the whole run under ${fmt(median(up) / 10)} ms (${fmt(median(up))} ms ÷ 10).`,
    ...(largeRows.length === 0
      ? []
      : [
          '',
          `Bounded memory: one generated body of 1 MiB, then of ${largeMiB} MiB (\`--large-mib ${largeMiB}\`), through the same two stages; peak`,
          'RSS of each stage process from `/usr/bin/time -f %M`. The growth from 1 MiB to the large body is what the body costs:',
          '',
          '| Runner, body | fetch stage peak RSS MiB | files stage peak RSS MiB | total s | load |',
          '|---|---:|---:|---:|---:|',
          ...largeRows,
        ]),
    '',
  ].join('\n');
  process.stdout.write(`\n${text}`);
  if (!process.argv.includes('--no-record')) recordSection(HEADING, text);
} finally {
  await server.close();
  await direct.close();
  rmSync(work, { recursive: true, force: true });
}
