// Benchmark: 200 remote files served over loopback with 50 ms added latency per request. Wall time
// of upstream Ignition 2.14's fetch + files stages against Kindling's fetchAll writing each file to
// its destination (temp file + rename) in a scratch root, until Kindling's runner exists.
// Usage: node scripts/run-ts.mjs bench/fetch/fetch-files.ts [--files 200] [--latency 50] [--runs 3] [--large-mib 512]
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createFetchContext } from '../../src/resource/context.ts';
import { closeFetchContext, defaultConcurrency, fetchAll } from '../../src/resource/fetch.ts';
import type { ResourceRef } from '../../src/resource/types.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const count = option('files', 200);
const latencyMs = option('latency', 50);
const runs = option('runs', 3);
const largeMiB = option('large-mib', 512);

function body(i: number): string {
  return `file number ${i}\n${'x'.repeat(1000 + (i % 37))}\n`;
}

function ignitionBinary(): string | undefined {
  const candidates = [process.env.IGNITION_BIN, '/usr/lib/dracut/modules.d/30ignition/ignition'];
  try {
    candidates.unshift(execFileSync('sh', ['-c', 'command -v ignition'], { encoding: 'utf8' }).trim());
  } catch {
    // not on PATH; Debian ships it inside the dracut module
  }
  return candidates.find((c) => c !== undefined && c !== '' && existsSync(c));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const chunk = Buffer.alloc(1 << 20, 'k');

const server = createServer((req, res) => {
  if (req.url === '/large') {
    // Generated on the fly so neither side ever holds the whole body.
    let left = largeMiB;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  const m = /^\/f\/(\d+)$/.exec(req.url ?? '');
  setTimeout(() => (m === null ? res.writeHead(404).end() : res.end(body(Number(m[1])))), latencyMs);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const files = Array.from({ length: count }, (_, i) => ({
  path: `/srv/bench/d${i % 10}/file-${i}`,
  mode: 420,
  contents: { source: `${base}/f/${i}` },
}));
const config = { ignition: { version: '3.3.0' }, storage: { files } };
const work = mkdtempSync(join(tmpdir(), 'kindling-bench-fetch-'));

function check(root: string): void {
  for (const [i, f] of files.entries()) {
    if (readFileSync(join(root, f.path), 'utf8') !== body(i)) throw new Error(`wrong content at ${f.path}`);
  }
}

async function ours(concurrency: number): Promise<number> {
  const root = mkdtempSync(join(work, 'ours-'));
  const start = performance.now();
  const ctx = createFetchContext();
  const list: ResourceRef[] = files.map((f, i) => ({ resource: f.contents, path: ['storage', 'files', i, 'contents'] }));
  await Promise.all([...new Set(files.map((f) => dirname(join(root, f.path))))].map((d) => mkdir(d, { recursive: true })));
  const fetched = await fetchAll(list, ctx, { concurrency, dir: join(root, 'srv') });
  for (const [i, f] of files.entries()) {
    const dest = join(root, f.path);
    await chmod(fetched[i]!.file, f.mode);
    await rename(fetched[i]!.file, dest);
  }
  await closeFetchContext(ctx);
  const ms = performance.now() - start;
  check(root);
  rmSync(root, { recursive: true, force: true });
  return ms;
}

async function upstream(binary: string): Promise<number> {
  const root = mkdtempSync(join(work, 'upstream-'));
  const run = mkdtempSync(join(work, 'run-'));
  mkdirSync(join(root, 'etc/selinux'), { recursive: true });
  writeFileSync(join(root, 'etc/selinux/config'), 'SELINUX=disabled\nSELINUXTYPE=targeted\n');
  const stubs = join(run, 'bin');
  mkdirSync(stubs);
  writeFileSync(join(stubs, 'setfiles'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(stubs, 'setfiles'), 0o755);
  const cfg = join(run, 'config.ign');
  writeFileSync(cfg, JSON.stringify(config));
  const common = ['-platform', 'file', '-config-cache', join(run, 'cache.json'), '-state-file', join(run, 'state'), '-log-to-stdout'];
  const env = { ...process.env, IGNITION_CONFIG_FILE: cfg, PATH: `${stubs}:${process.env.PATH ?? ''}` };
  const start = performance.now();
  for (const stage of [['-stage', 'fetch', '-neednet', join(run, 'neednet')], ['-stage', 'files', '-root', root]]) {
    // Asynchronously: the file server lives in this process and must keep answering.
    const child = spawn(binary, [...common, ...stage], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const status = await new Promise<number | null>((r) => child.on('close', r));
    if (status !== 0) throw new Error(`ignition ${stage[1]} failed (${status}):\n${output}`);
  }
  const ms = performance.now() - start;
  check(root);
  rmSync(root, { recursive: true, force: true });
  rmSync(run, { recursive: true, force: true });
  return ms;
}

try {
  const binary = ignitionBinary();
  const results: Record<string, number> = {};
  const sample = async (name: string, fn: () => number | Promise<number>): Promise<void> => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await fn());
    results[name] = median(times);
    console.log(`${name}: median ${median(times).toFixed(0)} ms over ${runs} runs (${times.map((t) => t.toFixed(0)).join(', ')})`);
  };
  console.log(`${count} files, ${latencyMs} ms latency per request, ${base}`);
  {
    const ctx = createFetchContext({ tmpDir: work });
    const before = process.memoryUsage().rss;
    const peakBefore = process.resourceUsage().maxRSS;
    const start = performance.now();
    const got = await fetchAll([{ resource: { source: `${base}/large` }, path: [] }], ctx);
    const ms = performance.now() - start;
    rmSync(got[0]!.file);
    await closeFetchContext(ctx);
    const peakAfter = process.resourceUsage().maxRSS;
    console.log(
      `large file: ${got[0]!.size / 2 ** 20} MiB in ${ms.toFixed(0)} ms; RSS before ${(before / 2 ** 20).toFixed(0)} MiB, ` +
        `peak RSS grew by ${((peakAfter - peakBefore) / 1024).toFixed(0)} MiB`,
    );
  }
  await sample(`kindling fetchAll, concurrency ${defaultConcurrency}`, () => ours(defaultConcurrency));
  await sample('kindling fetchAll, concurrency 1', () => ours(1));
  if (binary === undefined) console.log('upstream ignition not found (set IGNITION_BIN); skipped');
  else {
    await sample('ignition 2.14 fetch + files', () => upstream(binary));
    const up = results['ignition 2.14 fetch + files']!;
    console.log(`ratio upstream / kindling (concurrency ${defaultConcurrency}): ${(up / results[`kindling fetchAll, concurrency ${defaultConcurrency}`]!).toFixed(1)}x`);
    console.log(`ratio upstream / kindling (concurrency 1): ${(up / results['kindling fetchAll, concurrency 1']!).toFixed(2)}x`);
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
