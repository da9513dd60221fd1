// The Terraform provider's costs that users feel, next to an upstream-style plugin:
// - time to handshake: process start to the `1|N|unix|...|grpc|CERT` line on stdout, started with
//   the environment go-plugin gives it (cookie, versions, client certificate), for Kindling as the
//   mirror's launcher runs it and directly, and for a go-plugin provider built from Debian's
//   packages (bench/terraform/go-provider: HashiCorp's server, what SDK-based providers like ct run);
// - `terraform plan` of 20 ct_config data sources (when terraform is on PATH), for Kindling and for
//   the same HCL served by the go-plugin provider (which echoes content instead of rendering it:
//   the floor of Terraform's own work plus plugin start-up), and how many times Terraform starts
//   the provider per plan.
// Writes bench/RESULTS.md's "## Terraform provider". Usage (repository root, after npm run build):
//   node scripts/run-ts.mjs bench/terraform/run.ts [handshake-runs] [plan-runs]
import { cpus } from 'node:os';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAverage, recordSection, sourceVersion } from '../files/results-section.ts';
import { buildGoProgram } from '../../test/terraform/go-client.ts';
import { DOCKER_SNIPPET, USERS_CONTENT } from '../../test/terraform/butane-inputs.ts';
import { runSync, start } from '../../test/helpers/process.ts';

const HEADING = '## Terraform provider';
const COMMAND = 'npm run bench:terraform';
const handshakeRuns = Number(process.argv[2] ?? 15);
const planRuns = Number(process.argv[3] ?? 5);
const root = process.cwd();
const bundle = resolve(root, 'dist/esm/kindling.js');
const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const fmt = (ms: number): string => ms.toFixed(ms < 100 ? 1 : 0);

/**
 * The start-up work's before/after (fixed text: re-runs of this bench add new tables above it).
 * Both measured by this bench in one sitting, the "before" tree being tf-client at 340418b.
 */
const START_UP_HISTORY = [
  '### Start-up: before and after (2026-12-07, one sitting, load average about 6)',
  '',
  'Both rows measured by `npm run bench:terraform` within two minutes of each other: "before" in a clean export of 340418b (tf-client), "after" at 87ecd8b (tf-startup).',
  '',
  '| | before | after |',
  '|---|---:|---:|',
  '| handshake CPU, mirror launcher (median of 15) | 230 ms | 140 ms |',
  '| handshake CPU, `node dist/esm/kindling.js` | 240 ms | 130 ms |',
  '| handshake wall, mirror launcher (median) | 335 ms | 197 ms |',
  '| `terraform plan`, 20 `ct_config` (median of 5) | 1737 ms, 5.83× go-plugin | 803 ms, 2.62× go-plugin |',
  '| provider files loaded at start | 2.4 MB (ESM chunk 1.8 MB) | 1.2 MB |',
  '',
  'Where the CPU went (`node --cpu-prof` of the provider started with go-plugin\'s environment, up to its handshake line, then `process.cpuUsage()` around each step), and what changed (arrows: median handshake CPU measured the same way right after each step, earlier in the day):',
  '',
  '- @grpc/proto-loader building definitions from the descriptor set (every message\'s DescriptorProto re-encoded for reflection), about a third of the profile: replaced by a codec over field tables that scripts/generate-terraform-proto.mjs compiles from the .proto files (src/terraform/protobuf.ts; byte-for-byte equal to proto-loader\'s encoding in test/terraform/provider-protobuf.test.ts); proto-loader and protobufjs left out of the bundle (grpc-js requires them only for channelz\'s admin service). 220 → 190 ms.',
  '- Parsing code that never runs at start: the render pipeline (transpiler, config core, yaml) now loads on the first ReadDataSource, from its own file (dist/terraform-render.cjs, a second SEA asset; about 9 ms); the ESM bins load the same provider file as the CJS bundle instead of a 1.8 MB chunk; packages\' ES module builds (`mainFields`) shrink @peculiar/x509 and its ASN.1 packages by about 300 kB. 190 → 150 ms.',
  '- The client certificate check: node:crypto\'s X509Certificate instead of the library\'s ASN.1 parser (about 3 ms; the library still encodes the server certificate, and WebCrypto makes its key).',
  '- Tried and left out: minifying the provider bundle (586 kB instead of 1.2 MB, no CPU difference beyond noise, and unreadable stack traces in the provider\'s logs); importing only grpc-js\'s server modules (512 kB instead of 610 kB, same load time, internal paths).',
  '- What remains (in-process, about 60 ms of Node\'s own start before any of our code): loading @grpc/grpc-js with http2/tls (about 25 ms), loading @peculiar/x509 with its ASN.1 schemas, tsyringe and reflect-metadata (about 25 ms), making the server certificate (about 10 ms) and binding the TLS server (about 6 ms).',
  '',
];

interface Row {
  name: string;
  medianMs: number;
  minMs: number;
  /** Median user + system CPU time of the provider up to its handshake line. */
  cpuMs?: number;
}

/** CPU time (user + system) a live process has used, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** go-plugin's client certificate: any self-signed certificate the provider can parse. */
function clientCertificate(dir: string): string {
  runSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'client.key'), '-out', join(dir, 'client.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { check: true });
  return readFileSync(join(dir, 'client.pem'), 'utf8');
}

/** Wall and CPU milliseconds from spawn to the first stdout line; the provider is then ended with SIGTERM. */
function handshakeOnce(command: string, args: string[], env: NodeJS.ProcessEnv, argv0?: string): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = start(command, args, { env, extendEnv: false, argv0 });
    let text = '';
    let elapsed: number | undefined;
    let cpu = NaN;
    child.process.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (elapsed === undefined && text.includes('\n')) {
        elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        cpu = cpuMsOf(child.pid);
        if (!/^1\|[56]\|unix\|[^|]+\|grpc\|/.test(text)) reject(new Error(`unexpected handshake: ${text}`));
        void child.stop();
      }
    });
    void child.done().then((result) => (elapsed === undefined ? reject(new Error(`${command} exited before the handshake: ${result.stderr}`)) : resolvePromise({ wall: elapsed, cpu })));
  });
}

async function handshake(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, argv0?: string): Promise<Row> {
  await handshakeOnce(command, args, env, argv0); // warm the page cache
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < handshakeRuns; i++) {
    const one = await handshakeOnce(command, args, env, argv0);
    samples.push(one.wall);
    cpu.push(one.cpu);
  }
  return { name, medianMs: median(samples), minMs: Math.min(...samples), cpuMs: median(cpu) };
}

function timeProcess(name: string, command: string, args: string[]): Row {
  const samples: number[] = [];
  for (let i = 0; i < handshakeRuns; i++) {
    const started = process.hrtime.bigint();
    runSync(command, args);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { name, medianMs: median(samples), minMs: Math.min(...samples) };
}

function hasTerraform(): boolean {
  return runSync('sh', ['-c', 'command -v terraform']).exitCode === 0;
}

/** 20 data sources, each its own content and snippet (distinct names, so no two renders are alike). */
function twentyDataSources(source: string): string {
  const blocks = Array.from(
    { length: 20 },
    (_, i) => `data "ct_config" "node${i}" {
  content  = ${JSON.stringify(USERS_CONTENT.replace('name: core', `name: core${i}`))}
  strict   = true
  snippets = [${JSON.stringify(DOCKER_SNIPPET.replace('docker.service', `docker${i}.service`))}]
}

output "node${i}" {
  value = data.ct_config.node${i}.id
}
`,
  );
  return `terraform {\n  required_providers {\n    ct = {\n      source = "${source}"\n    }\n  }\n}\n\n${blocks.join('\n')}`;
}

interface PlanResult extends Row {
  starts: number;
}

function terraform(cwd: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string; stderr: string } {
  const started = process.hrtime.bigint();
  const r = runSync('terraform', args, { cwd, env, extendEnv: false });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.exitCode !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

function plan(name: string, work: string, source: string, env: NodeJS.ProcessEnv): PlanResult {
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'main.tf'), twentyDataSources(source));
  terraform(work, ['init', '-input=false', '-no-color'], env);
  const args = ['plan', '-input=false', '-no-color', '-lock=false'];
  terraform(work, args, env); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < planRuns; i++) samples.push(terraform(work, args, env).ms);
  // One more run with Terraform's debug log, to count how often it starts the provider.
  const logged = terraform(work, args, { ...env, TF_LOG: 'debug' });
  const starts = (logged.stderr.match(/plugin started/g) ?? []).length;
  return { name, medianMs: median(samples), minMs: Math.min(...samples), starts };
}

if (!existsSync(bundle)) throw new Error('dist/esm/kindling.js is missing: run `npm run build` first');
const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-terraform-'));
try {
  const goProvider = await buildGoProgram(resolve(root, 'bench/terraform/go-provider'));
  const mirror = join(dir, 'mirror');
  const made = runSync(process.execPath, [bundle, 'terraform-mirror', mirror]);
  if (made.exitCode !== 0) throw new Error(`terraform-mirror failed: ${made.stderr}`);
  const launcher = /(\/\S+terraform-provider-ct_v\S+)/.exec(made.stdout + made.stderr)?.[1];
  if (launcher === undefined || !existsSync(launcher)) throw new Error(`cannot find the mirrored provider in: ${made.stdout}${made.stderr}`);
  // The go-plugin provider under its own source address in the same mirror, for the plan floor.
  const goDir = join(mirror, 'kindling.local', 'bench', 'ct', '0.0.1', 'linux_amd64');
  mkdirSync(goDir, { recursive: true });
  copyFileSync(goProvider, join(goDir, 'terraform-provider-ct_v0.0.1'));

  const env = { ...process.env, TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: clientCertificate(dir) };
  const handshakes: Row[] = [
    timeProcess('`node -e 0` (whole process, the floor of any Node start)', process.execPath, ['-e', '0']),
    await handshake('go-plugin provider (Go, Debian go-plugin 1.0.1)', goProvider, [], env),
    await handshake('Kindling, the mirror launcher (sh → node bundle), as Terraform runs it', launcher, [], env),
    await handshake('Kindling, `node dist/esm/kindling.js` as terraform-provider-ct', process.execPath, [bundle], env, 'terraform-provider-ct'),
  ];
  const sea = resolve(root, 'dist/kindling');
  if (existsSync(sea)) handshakes.push(await handshake('Kindling single executable (dist/kindling)', sea, [], env, 'terraform-provider-ct'));
  const goHandshake = handshakes[1]?.medianMs ?? NaN;
  const goCpu = Math.max(handshakes[1]?.cpuMs ?? NaN, 10);

  const plans: PlanResult[] = [];
  let terraformVersion = 'not on PATH: plan bench skipped';
  if (hasTerraform()) {
    terraformVersion = runSync('terraform', ['version']).stdout.split('\n')[0] ?? '?';
    writeFileSync(join(dir, 'terraform.rc'), `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["kindling.local/*/*"]\n  }\n}\n`);
    const tfEnv: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
    delete tfEnv['TF_LOG'];
    plans.push(plan('go-plugin provider (echoes content: Terraform + plugin floor)', join(dir, 'plan-go'), 'kindling.local/bench/ct', tfEnv));
    plans.push(plan('Kindling (renders 20 configs with a snippet each, strict)', join(dir, 'plan-kindling'), 'kindling.local/kindling/ct', tfEnv));
  }
  const goPlan = plans[0]?.medianMs ?? NaN;

  const text = [
    HEADING,
    '',
    `Command: \`${COMMAND}\` (= \`npm run build && node scripts/run-ts.mjs bench/terraform/run.ts ${handshakeRuns} ${planRuns}\`)`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${terraformVersion}; measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from ${sourceVersion()} with a load average of ${loadAverage()} (a shared machine: compare rows of one run).`,
    '',
    `### Time to handshake (median of ${handshakeRuns} starts, after one warm-up)`,
    '',
    'From spawning the provider with go-plugin\'s environment (magic cookie, `PLUGIN_PROTOCOL_VERSIONS=5,6`, an ECDSA client certificate) to its handshake line on stdout.',
    '',
    '| Provider | median ms | min ms | × go-plugin | CPU ms (median) | × go-plugin CPU |',
    '|---|---:|---:|---:|---:|---:|',
    ...handshakes.map(
      (r) =>
        `| ${r.name} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} | ${(r.medianMs / goHandshake).toFixed(1)} | ${r.cpuMs === undefined ? 'n/a' : r.cpuMs.toFixed(0)} | ${r.cpuMs === undefined ? 'n/a' : (r.cpuMs / goCpu).toFixed(1)} |`,
    ),
    '',
    'CPU is the provider process\'s user + system time when its handshake line arrives (from /proc, 10 ms ticks; the go-plugin provider uses at most one tick, so its CPU ratios are lower bounds): less sensitive than wall time to the other load on a shared machine.',
    '',
    ...(plans.length === 0
      ? ['No `terraform` on PATH: the plan bench did not run.']
      : [
          `### \`terraform plan\` with 20 \`ct_config\` data sources (median of ${planRuns}, after init and one warm-up plan)`,
          '',
          '| Provider | median ms | min ms | × go-plugin | provider starts per plan |',
          '|---|---:|---:|---:|---:|',
          ...plans.map((r) => `| ${r.name} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} | ${(r.medianMs / goPlan).toFixed(2)} | ${r.starts} |`),
          '',
          'Provider starts are counted from `plugin started` lines of one extra plan under `TF_LOG=debug`. The go-plugin row is the floor',
          'any provider pays with this Terraform; poseidon/ct (not available offline) starts like it and renders in Go.',
        ]),
    '',
    ...START_UP_HISTORY,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  recordSection(HEADING, text);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
