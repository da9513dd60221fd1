// Bundles the CLI into one CommonJS file (dist/kindling.cjs) that every bin name runs.
// The bundle carries its schemas inside it and never reads the package's files at run time,
// because it is also the payload of the single executable in the initramfs.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/kindling.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
