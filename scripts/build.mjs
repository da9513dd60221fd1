// Bundles the CLI twice from src/main.ts:
// - dist/kindling.cjs: one self-contained CommonJS file, the payload of the single executable in
//   the initramfs (scripts/build-sea.mjs);
// - dist/esm/kindling.js + chunks: the npm bins, split so a command loads only its own code
//   (validate does not pay for the HTTP client, transpile not for the runner), since Node 20
//   has no compile cache and every start parses what it loads;
// - dist/esm/transpile.cjs: `transpile` (src/cli/butane.ts and everything it imports) as one
//   CommonJS file, which the npm bin runs through a V8 code cache on disk (src/cli/code-cache.ts):
//   a 1.5 MB config then starts from the bytecode the previous run compiled.
// Neither reads the package's files at run time: the schemas are compiled in. One exception, the
// Terraform provider, below.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { sharedSchemas } from './schema-sharing.mjs';

const common = {
  entryPoints: { kindling: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The JSON Schemas with the subtrees the spec versions share built once (scripts/schema-sharing.mjs).
  plugins: [sharedSchemas],
};

// The Terraform provider (gRPC, X.509, msgpack: about 1.2 MB of JavaScript) is one file,
// dist/terraform-provider.cjs, loaded only when the provider starts: it is in neither
// dist/kindling.cjs (every start of that bundle would pay for its size, and the single executable
// runs each boot stage) nor the ESM chunks (the npm bins, and the mirror's launcher, load this same
// file). Its render pipeline (transpiler, config core, YAML: another 0.6 MB) is a second file,
// dist/terraform-render.cjs, loaded on the first ReadDataSource: Terraform starts the provider three
// or four times per plan and most starts never read, and V8 parses what a file holds even when it
// runs none of it (about 10 ms of CPU for those 0.6 MB). The single executable carries both files as
// SEA assets (scripts/build-sea.mjs).
const PROVIDER_FILE = 'terraform-provider.cjs';
const RENDER_FILE = 'terraform-render.cjs';
// `importer`, when given, limits the replacement to imports from that file: another module may
// import a file of the same name (the engine has its own ./render.ts).
const loaderPlugin = (name, filter, contents, importer) => ({
  name,
  setup(b) {
    b.onResolve({ filter }, (args) => (importer === undefined || args.importer.endsWith(importer) ? { path: args.path, namespace: name } : undefined));
    b.onLoad({ filter: /.*/, namespace: name }, () => ({ loader: 'js', contents }));
  },
});
/** CommonJS source of loadSibling(): a bundle file beside this one, or the SEA asset of that name. */
const siblingLoader = (file) => `
const sea = require('node:sea');
function loadSibling() {
  if (sea.isSea()) {
    const m = { exports: {} };
    new Function('module', 'exports', 'require', sea.getAsset(${JSON.stringify(file)}, 'utf8'))(m, m.exports, require);
    return m.exports;
  }
  return require(require('node:path').join(__dirname, ${JSON.stringify(file)}));
}
`;
const separateProvider = loaderPlugin(
  'separate-terraform-provider',
  /\/terraform\/serve\.ts$/,
  `${siblingLoader(PROVIDER_FILE)}let loaded;\nexports.serveProvider = (...args) => (loaded ??= loadSibling()).serveProvider(...args);\n`,
);
const separateRender = loaderPlugin('separate-terraform-render', /^\.\/render\.ts$/, `${siblingLoader(RENDER_FILE)}module.exports = loadSibling();\n`, '/src/terraform/provider.ts');
// The single executable's startup snapshot holds the text of dist/kindling.cjs, and every process
// deserializes it, whether or not it runs that code. The transpiler (Butane's YAML reader and
// writer, gzip, sugar, translation tables: about a third of the bundle) runs only for `transpile`
// and for `apply` of a Butane file, never at boot or in `validate`, so in that build dispatch.ts's
// imports of it load a file of its own instead, dist/transpile.cjs (a third SEA asset): those two
// commands then parse it at start (bench/RESULTS.md, "Single executable start-up").
const TRANSPILE_ASSET = 'transpile.cjs';
const separateTranspile = {
  name: 'separate-transpile',
  setup(b) {
    b.onResolve({ filter: /^(\.\/butane|\.\.\/\.\.\/transpiler\/index)\.ts$/ }, (args) =>
      args.importer.endsWith('/src/cli/dispatch.ts') ? { path: args.path, namespace: 'separate-transpile' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'separate-transpile' }, () => ({
      loader: 'js',
      contents: `${siblingLoader(TRANSPILE_ASSET)}let loaded;\nexports.runButane = (...args) => (loaded ??= loadSibling()).runButane(...args);\nexports.transpile = (...args) => (loaded ??= loadSibling()).transpile(...args);\n`,
    }));
  },
};
// undici, the HTTP client (about 0.75 MB, most of what was left of the bundle): only a process that
// makes an HTTP request loads it, the fetch stage on platforms that serve the config over HTTP and
// stages with remote resources, so in that build it is a file of its own too, dist/undici.cjs (a
// SEA asset), which the first request parses (bench/RESULTS.md, "Single executable start-up").
const UNDICI_ASSET = 'undici.cjs';
const separateUndici = loaderPlugin('separate-undici', /^undici$/, `${siblingLoader(UNDICI_ASSET)}module.exports = loadSibling();\n`, '/src/resource/http.ts');
/** A CommonJS file of its own in dist/ (a SEA asset), built from `contents`. */
const assetBuild = (file, contents, loader) => ({
  ...common,
  entryPoints: undefined,
  outfile: `dist/${file}`,
  format: 'cjs',
  minifyWhitespace: true,
  stdin: { contents, resolveDir: '.', sourcefile: file.replace(/\.cjs$/, `-asset.${loader}`), loader },
});
const undiciAssetBuild = assetBuild(UNDICI_ASSET, "module.exports = require('undici');\n", 'js');
const transpileAssetBuild = assetBuild(
  TRANSPILE_ASSET,
  "export { runButane } from './src/cli/butane.ts';\nexport { transpile } from './transpiler/index.ts';\n",
  'ts',
);

// In the ESM build the dynamic import of serve.ts becomes its own chunk in dist/esm/chunks/
// (checked after the build), two levels below dist/.
const ESM_PROVIDER_PATH = `../../${PROVIDER_FILE}`;
const separateProviderEsm = loaderPlugin('separate-terraform-provider', /\/terraform\/serve\.ts$/, `
const file = ${JSON.stringify(ESM_PROVIDER_PATH)};
export const serveProvider = (...args) => require(file).serveProvider(...args);
`);

// In the ESM build, dispatch.ts's import of ./butane.ts becomes a loader of dist/esm/transpile.cjs
// through the code cache. Its chunk lands in dist/esm/chunks/ (checked after the build).
const TRANSPILE_FILE = 'transpile.cjs';
const ESM_TRANSPILE_PATH = `../${TRANSPILE_FILE}`;
const cachedTranspileEsm = {
  name: 'cached-transpile',
  setup(b) {
    b.onResolve({ filter: /^\.\/butane\.ts$/ }, (args) => (args.importer.endsWith('/src/cli/dispatch.ts') ? { path: args.path, namespace: 'cached-transpile' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'cached-transpile' }, () => ({
      loader: 'js',
      resolveDir: 'src/cli',
      contents: `
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache } from './code-cache.ts';
import { TRANSPILE_V8_FLAGS } from './jit-tuning.ts';
const loaded = loadWithCodeCache(fileURLToPath(new URL(${JSON.stringify(ESM_TRANSPILE_PATH)}, import.meta.url)), process.env, TRANSPILE_V8_FLAGS);
export async function runButane(argv, io) {
  try {
    return await loaded.exports.runButane(argv, io);
  } finally {
    loaded.save();
  }
}
`,
    }));
  },
};

// The provider bundle is built for start-up time, since Terraform starts it three or four times per
// plan (bench/RESULTS.md, "Terraform provider"):
// - packages' ES module builds where they have one (mainFields): @peculiar/x509's is about 300 kB
//   smaller than its CommonJS one once esbuild drops what the provider does not reach;
// - @grpc/proto-loader (with protobufjs) stays out: the provider has its own codec
//   (src/terraform/protobuf.ts), and grpc-js requires proto-loader only inside its channelz admin
//   service, which the provider never registers, so that require never runs.
const providerBuild = {
  ...common,
  outfile: `dist/${PROVIDER_FILE}`,
  entryPoints: ['src/terraform/serve.ts'],
  format: 'cjs',
  mainFields: ['module', 'main'],
  external: ['@grpc/proto-loader'],
};
const providerBuilds = [
  { ...providerBuild, plugins: [...common.plugins, separateRender] },
  { ...providerBuild, outfile: `dist/${RENDER_FILE}`, entryPoints: ['src/terraform/render.ts'] },
];

await rm('dist', { recursive: true, force: true });
const [, esm] = await Promise.all([
  build({
    ...common,
    outfile: 'dist/kindling.cjs',
    entryPoints: ['src/main.ts'],
    format: 'cjs',
    // The single executable's startup snapshot holds this file's text, and every process
    // deserializes it: without comments and indentation it is 1.5 MB instead of 2.1 MB, and one
    // byte per character (a few comments of bundled packages hold characters beyond Latin-1,
    // which made V8 keep the whole text two bytes per character, 4.2 MB). Names are kept, so
    // stack traces still name functions, at column positions on few lines.
    minifyWhitespace: true,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [...common.plugins, separateProvider, separateTranspile, separateUndici],
  }),
  build({
    ...common,
    outdir: 'dist/esm',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies call require(); give ES modules one.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __kindlingRequire } from 'node:module';\nconst require = __kindlingRequire(import.meta.url);" },
    plugins: [...common.plugins, separateProviderEsm, cachedTranspileEsm],
    metafile: true,
  }),
  build({ ...common, outfile: `dist/esm/${TRANSPILE_FILE}`, entryPoints: ['src/cli/butane.ts'], format: 'cjs' }),
  ...providerBuilds.map((options) => build(options)),
  build(transpileAssetBuild),
  build(undiciAssetBuild),
]);
const transpileChunks = Object.entries(esm.metafile.outputs).filter(([, output]) => Object.keys(output.inputs).some((input) => input.startsWith('cached-transpile:')));
if (transpileChunks.length !== 1 || !transpileChunks[0][0].startsWith('dist/esm/chunks/')) {
  throw new Error(`build: the transpile loader must be in one chunk under dist/esm/chunks/ (it loads ${ESM_TRANSPILE_PATH}), found ${transpileChunks.map(([path]) => path).join(', ')}`);
}
const loaderChunks = Object.entries(esm.metafile.outputs).filter(([, output]) => Object.keys(output.inputs).some((input) => input.startsWith('separate-terraform-provider:')));
if (loaderChunks.length !== 1 || !loaderChunks[0][0].startsWith('dist/esm/chunks/')) {
  throw new Error(`build: the provider loader must be alone in a chunk under dist/esm/chunks/ (it requires ${ESM_PROVIDER_PATH}), found ${loaderChunks.map(([path]) => path).join(', ')}`);
}
