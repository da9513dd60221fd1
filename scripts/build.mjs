// Bundles the CLI twice from src/main.ts:
// - dist/kindling.cjs: one self-contained CommonJS file, the payload of the single executable in
//   the initramfs (scripts/build-sea.mjs);
// - dist/esm/kindling.js + chunks: the npm bins, split so a command loads only its own code
//   (validate does not pay for the HTTP client, transpile not for the runner), since Node 20
//   has no compile cache and every start parses what it loads.
// Neither reads the package's files at run time: the schemas are compiled in. One exception, the
// Terraform provider, below.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const common = {
  entryPoints: { kindling: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

// The Terraform provider (gRPC, X.509, msgpack: about 1.8 MB of JavaScript) is not in
// dist/kindling.cjs but beside it, dist/terraform-provider.cjs, loaded when the provider starts:
// every start of the bundle pays for its size (about 25 ms of CPU for those 1.8 MB, code or string),
// and the single executable runs each boot stage. The single executable carries the file as a SEA
// asset (scripts/build-sea.mjs). The ESM build splits the provider into its own chunk instead.
const PROVIDER_FILE = 'terraform-provider.cjs';
const separateProvider = {
  name: 'separate-terraform-provider',
  setup(b) {
    b.onResolve({ filter: /\/terraform\/serve\.ts$/ }, (args) => ({ path: args.path, namespace: 'separate-terraform-provider' }));
    b.onLoad({ filter: /.*/, namespace: 'separate-terraform-provider' }, () => ({
      loader: 'js',
      contents: `
const sea = require('node:sea');
let loaded;
function load() {
  if (loaded === undefined) {
    if (sea.isSea()) {
      const m = { exports: {} };
      new Function('module', 'exports', 'require', sea.getAsset(${JSON.stringify(PROVIDER_FILE)}, 'utf8'))(m, m.exports, require);
      loaded = m.exports;
    } else {
      loaded = require(require('node:path').join(__dirname, ${JSON.stringify(PROVIDER_FILE)}));
    }
  }
  return loaded;
}
exports.serveProvider = (...args) => load().serveProvider(...args);
`,
    }));
  },
};

await rm('dist', { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    outfile: 'dist/kindling.cjs',
    entryPoints: ['src/main.ts'],
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [separateProvider],
  }),
  build({ ...common, outfile: `dist/${PROVIDER_FILE}`, entryPoints: ['src/terraform/serve.ts'], format: 'cjs' }),
  build({
    ...common,
    outdir: 'dist/esm',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies call require(); give ES modules one.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __kindlingRequire } from 'node:module';\nconst require = __kindlingRequire(import.meta.url);" },
  }),
]);
