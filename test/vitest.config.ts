// One vitest configuration for the whole suite. Privileged tests (loop devices, useradd, mounts)
// live in test/privileged and decide for themselves whether they can run (see test/helpers/env.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // Fails a test that leaves a child process running (test/helpers/process.ts tracks them).
    setupFiles: ['test/helpers/no-stragglers.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The npm bin's code cache (src/cli/code-cache.ts) stays out of the user's home during tests;
    // test/cli/code-cache.test.ts turns it on, in directories of its own.
    env: { KINDLING_NO_CODE_CACHE: '1' },
    reporters: ['default'],
  },
});
