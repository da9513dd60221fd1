// Bad input through HashiCorp's go-plugin client: every mistake is an error diagnostic pointing at
// the argument (content or snippets[i]) with the YAML line:col where there is one, no state, and
// the same provider process goes on answering (a crash would show as a lost connection here and
// as a signal or non-zero exit in the exit event).
import { describe, expect, test } from 'vitest';
import { CT_USERS_AND_DOCKER_COMPACT, DOCKER_SNIPPET, USERS_CONTENT } from './butane-inputs.ts';
import { expectCleanEnd, runClient, step, useGoClient, type ClientRun } from './plugin-client.ts';

const go = useGoClient();

const goodRead = { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET] } };
const invalidYaml = 'variant: fcos\nversion: 1.4.0\nsystemd:\n  units:\n    - name: a.service\n      enabled: [true\n';
const noVariant = 'systemd:\n  units:\n    - name: b.service\n      enabled: true\n';

function expectOneError(r: ClientRun, i: number, path: string | undefined): string {
  const result = step(r, i);
  expect(result.rpc_error, `step ${i} must answer, not fail the call`).toBeUndefined();
  expect(result.state ?? null, `step ${i} has no state`).toBeNull();
  const errors = (result.diagnostics ?? []).filter((d) => d.severity === 'error');
  expect(errors, JSON.stringify(result.diagnostics)).toHaveLength(1);
  expect(errors[0]?.path).toBe(path);
  expect(errors[0]?.summary).not.toBe('');
  return `${errors[0]?.summary}\n${errors[0]?.detail}`;
}

describe.runIf(go.available)('errors point at the argument', () => {
  test.each([5, 6])('protocol %i: invalid YAML in content and in a snippet carries line:col; the provider keeps serving', async (version) => {
    const r = await runClient(
      go.client(),
      [
        { op: 'read', config: { content: invalidYaml } },
        { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET, invalidYaml] } },
        goodRead,
      ],
      { versions: [version] },
    );
    // The flow sequence opened on line 6 is never closed: the parser reports a position in it.
    expect(expectOneError(r, 0, 'content')).toMatch(/\b[67]:\d+\b/);
    expect(expectOneError(r, 1, 'snippets[1]')).toMatch(/\b[67]:\d+\b/);
    expect(step(r, 2).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    await expectCleanEnd(r);
  });

  test('a snippet without variant, an unknown variant, an unsupported version', async () => {
    const r = await runClient(go.client(), [
      { op: 'read', config: { content: USERS_CONTENT, snippets: [noVariant] } },
      { op: 'read', config: { content: 'variant: nosuch\nversion: 1.0.0\n' } },
      { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET, 'variant: fcos\nversion: 9.9.0\n'] } },
      { op: 'read', config: { content: noVariant } },
      goodRead,
    ]);
    expect(expectOneError(r, 0, 'snippets[0]')).toMatch(/variant/);
    expect(expectOneError(r, 1, 'content')).toMatch(/nosuch/);
    expect(expectOneError(r, 2, 'snippets[1]')).toMatch(/9\.9\.0/);
    expect(expectOneError(r, 3, 'content')).toMatch(/variant/);
    expect(step(r, 4).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    await expectCleanEnd(r);
  });

  test('malformed arguments: wrong types, an attribute not in the schema, a missing one, bytes that are not msgpack', async () => {
    const r = await runClient(go.client(), [
      { op: 'read', config: { content: 5 }, types: { content: 'number' } },
      { op: 'read', config: { content: USERS_CONTENT, snippets: 'one' }, types: { snippets: 'string' } },
      { op: 'read', config: { content: USERS_CONTENT, platform: 'x' }, types: { platform: 'string' } },
      { op: 'read', config: { content: USERS_CONTENT, strict: 'yes' }, types: { strict: 'string' } },
      // A fixmap of one entry whose value is missing: truncated msgpack.
      { op: 'read', msgpack: Buffer.from([0x81, 0xa7, ...Buffer.from('content')]).toString('base64') },
      { op: 'read', msgpack: Buffer.from('not msgpack at all').toString('base64') },
      { op: 'validate', config: { content: 5 }, types: { content: 'number' } },
      goodRead,
    ]);
    expect(expectOneError(r, 0, 'content')).toMatch(/string/);
    expect(expectOneError(r, 1, 'snippets')).toMatch(/list/);
    expectOneError(r, 2, 'platform');
    expect(expectOneError(r, 3, 'strict')).toMatch(/bool/);
    for (const i of [4, 5]) {
      const result = step(r, i);
      expect(result.rpc_error).toBeUndefined();
      expect((result.diagnostics ?? []).filter((d) => d.severity === 'error')).toHaveLength(1);
    }
    expect(step(r, 6).diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'content' })]);
    expect(step(r, 7).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    await expectCleanEnd(r);
  });

  // Terraform itself rejects a missing required argument before validation (its decoder knows the
  // schema), so only a read can receive a null content.
  test('a null required content and an unknown data source type are errors, not crashes', async () => {
    const r = await runClient(go.client(), [
      { op: 'read', config: {} },
      { op: 'read', type_name: 'ct_nosuch', config: {} },
      { op: 'validate', type_name: 'ct_nosuch', config: {} },
      goodRead,
    ]);
    expectOneError(r, 0, 'content');
    expect(expectOneError(r, 1, undefined)).toMatch(/ct_nosuch/);
    expect(step(r, 2).diagnostics).toContainEqual(expect.objectContaining({ severity: 'error' }));
    expect(step(r, 3).state?.['rendered']).toBe(CT_USERS_AND_DOCKER_COMPACT);
    await expectCleanEnd(r);
  });
});
