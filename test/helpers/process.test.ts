// The harness's process helper: results, failures that name the command, timeouts, and the
// bookkeeping that lets test/helpers/no-stragglers.ts fail a test which leaves a child running.
import { describe, expect, test } from 'vitest';
import { type Child, run, runBinary, runSync, start, startedSoFar, stopAll } from './process.ts';

const node = process.execPath;
const ignoresTerm = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('up')";

/** Resolves once the child has written something: its signal handlers are in place by then. */
const ready = (child: Child) => new Promise((done) => child.process.stdout?.once('data', done));

describe('run', () => {
  test('reports exit code and both streams without throwing', async () => {
    const result = await run(node, ['-e', "process.stdout.write('out'); process.stderr.write('err'); process.exitCode = 3"]);
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err', timedOut: false });
  });

  test('check throws with the command, exit code and stderr', async () => {
    await expect(run(node, ['-e', "console.error('broken'); process.exit(4)"], { check: true })).rejects.toThrow(/exit code 4[\s\S]*broken/);
    expect(() => runSync(node, ['-e', "console.error('broken'); process.exit(4)"], { check: true })).toThrow(/exit code 4[\s\S]*broken/);
  });

  test('a command that cannot start is an error, not an exit code', async () => {
    await expect(run('kindling-no-such-command', [])).rejects.toThrow(/could not start kindling-no-such-command/);
    expect(() => runSync('kindling-no-such-command', [])).toThrow(/could not start/);
  });

  test('input is fed to stdin, and without input stdin is at end of file', async () => {
    expect((await run('cat', [], { input: 'fed' })).stdout).toBe('fed');
    expect(runSync('cat', []).stdout).toBe('');
  });

  test('a timeout ends the child, even one that ignores SIGTERM', async () => {
    // A shell installs its trap at once; a Node child may still be starting when SIGTERM comes.
    const result = await run('sh', ['-c', 'trap "" TERM; while :; do sleep 1; done'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });

  test('binary output keeps every byte', async () => {
    const result = await runBinary(node, ['-e', 'process.stdout.write(Buffer.from([0, 255, 128, 10]))']);
    expect([...result.bytes]).toEqual([0, 255, 128, 10]);
  });
});

describe('start and stopAll', () => {
  test('stop ends a supervised child and reports how it ended', async () => {
    const child = start(node, ['-e', 'setInterval(() => {}, 1000)']);
    expect(child.pid).toBeGreaterThan(0);
    const result = await child.stop();
    expect(result.signal).toBe('SIGTERM');
  });

  test('stopAll ends only the children started after a mark, and names them', async () => {
    const earlier = start(node, ['-e', 'setInterval(() => {}, 1000)']);
    const mark = startedSoFar();
    const later = start(node, ['-e', ignoresTerm]);
    await ready(later);
    expect(await stopAll(mark)).toEqual([`${node} -e ${ignoresTerm}`]);
    expect((await later.done()).signal).toBe('SIGKILL');
    expect(earlier.process.exitCode).toBeNull();
    expect(await stopAll(mark)).toEqual([]);
    await earlier.stop();
  });

  test('a run still in flight counts as a child, but not as a supervised one', async () => {
    const mark = startedSoFar();
    const pending = run(node, ['-e', 'setInterval(() => {}, 1000)']);
    expect(await stopAll(mark, { supervisedOnly: true })).toEqual([]);
    expect(await stopAll(mark)).toHaveLength(1);
    expect((await pending).signal).toBe('SIGTERM');
  });
});
