// Vitest setup file (test/vitest.config.ts): a child process must not outlive the test that
// started it. Children a test starts are stopped after it, and the test fails naming them;
// children started in beforeAll may live until the file's end, where the same check runs.
import { afterAll, afterEach, beforeEach } from 'vitest';
import { startedSoFar, stopAll } from './process.ts';

let mark = 0;

beforeEach(() => {
  mark = startedSoFar();
});

afterEach(async () => {
  const left = await stopAll(mark);
  if (left.length > 0) throw new Error(`the test left ${left.length} process(es) running, now stopped: ${left.join('; ')}`);
});

afterAll(async () => {
  const left = await stopAll();
  if (left.length > 0) throw new Error(`the file left ${left.length} process(es) running, now stopped: ${left.join('; ')}`);
});
