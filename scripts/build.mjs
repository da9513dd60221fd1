// Bundles the CLI twice from src/main.ts:
// - dist/kindling.cjs: one self-contained CommonJS file, the payload of the single executable in
//   the initramfs (scripts/build-sea.mjs);
// - dist/esm/kindling.js + chunks: the npm bins, split so a command loads only its own code
//   (validate does not pay for the HTTP client, transpile not for the runner), since Node 20
//   has no compile cache and every start parses what it loads.
// Neither reads the package's files at run time: the schemas are compiled in.
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

await rm('dist', { recursive: true, force: true });
await Promise.all([
  build({ ...common, outfile: 'dist/kindling.cjs', entryPoints: ['src/main.ts'], format: 'cjs', banner: { js: '#!/usr/bin/env node' } }),
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
