// How the provider ends, driven by HashiCorp's go-plugin client: Stop, GRPCController.Shutdown,
// go-plugin's Kill (Shutdown, then SIGKILL after 2 s if the plugin is still there), a call the
// client gives up on, and a client that dies in the middle of a call. Each time: a diagnostic or a
// clean exit, never a crash, and never a provider left in the process table.
import { describe, expect, test } from 'vitest';
import { CT_USERS_AND_DOCKER_COMPACT, DOCKER_SNIPPET, manyFiles, USERS_CONTENT } from './butane-inputs.ts';
import { expectCleanEnd, processesWithMark, runClient, step, useGoClient, waitForNoProcesses } from './plugin-client.ts';

const go = useGoClient();

const goodRead = { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET] } };
// Thousands of files: long enough to render that a call can be cut off in the middle.
const slowContent = manyFiles(8000);

describe.runIf(go.available)('stopping and shutting down', () => {
  test.each([5, 6])('protocol %i: Stop answers without an error and the provider keeps serving', async (version) => {
    const r = await runClient(go.client(), [{ op: 'stop' }, goodRead, { op: 'stop' }], { versions: [version] });
    expect(step(r, 0)).toMatchObject({ error: '' });
    expect(step(r, 1).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    expect(step(r, 2)).toMatchObject({ error: '' });
    await expectCleanEnd(r);
  });

  test('GRPCController.Shutdown alone ends the provider: exit 0, no signal needed', async () => {
    const r = await runClient(go.client(), [goodRead, { op: 'shutdown' }]);
    const shutdown = step(r, 1);
    expect(shutdown['exited']).toBe(true);
    // go-plugin's own servers stop before answering: a reply or a closing transport are both fine.
    if (shutdown['rpc_error'] !== undefined) expect(shutdown['rpc_error']).toMatch(/Unavailable|transport is closing|EOF/);
    expect(shutdown['provider']).toEqual({ reaped: true, exit_code: 0 });
    expect(await waitForNoProcesses(r.mark)).toEqual([]);
  });

  test("go-plugin's Kill (what Terraform does when done) ends it gracefully", async () => {
    const r = await runClient(go.client(), [goodRead, { op: 'kill' }]);
    expect(step(r, 1)['provider']).toEqual({ reaped: true, exit_code: 0 });
    expect(await waitForNoProcesses(r.mark)).toEqual([]);
  });
});

describe.runIf(go.available)('a client that goes away mid-call', () => {
  test('a cancelled call is abandoned; the next call on the same provider is answered', async () => {
    const r = await runClient(go.client(), [{ op: 'cancel_mid_call', config: { content: slowContent }, delay_ms: 50 }, goodRead]);
    const cancelled = step(r, 0);
    expect(cancelled['finished_first'], 'the render must still be running when the client cancels').toBe(false);
    expect(cancelled['rpc_error']).toMatch(/Canceled/);
    expect(step(r, 1).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    await expectCleanEnd(r);
  });

  test('a client killed during a read: the orphaned provider exits by itself and leaves no process', async () => {
    const r = await runClient(go.client(), [{ op: 'kill_self_mid_call', config: { content: slowContent }, delay_ms: 50 }]);
    expect(r.signal).toBe('SIGKILL');
    const killing = r.events.find((e) => e['event'] === 'killing_self');
    expect(killing, JSON.stringify(r.events)).toBeDefined();
    const pid = Number(killing?.['provider_pid']);
    expect(pid).toBe(r.started?.pid);
    expect(processesWithMark(r.mark).length).toBeLessThanOrEqual(1);
    expect(await waitForNoProcesses(r.mark, 30_000)).toEqual([]);
  });
});
