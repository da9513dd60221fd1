// Vitest setup file (test/vitest.config.ts): a child process must not outlive its test. A server
// or guest a test starts (`start`) is stopped after that test, which then fails naming it; one
// started in beforeAll may live until the file's end. Commands from `run` may outlast a test that
// queued them for later ones (a process pool), but not the file: whatever is left when the file
// ends is stopped and fails it.
import { afterAll, afterEach, beforeEach } from 'vitest';
import { startedSoFar, stopAll } from './process.ts';

let mark = 0;

beforeEach(() => {
  mark = startedSoFar();
});

afterEach(async () => {
  const left = await stopAll(mark, { supervisedOnly: true });
  if (left.length > 0) throw new Error(`the test left ${left.length} process(es) running, now stopped: ${left.join('; ')}`);
});

afterAll(async () => {
  const left = await stopAll();
  if (left.length > 0) throw new Error(`the file left ${left.length} process(es) running, now stopped: ${left.join('; ')}`);
});
