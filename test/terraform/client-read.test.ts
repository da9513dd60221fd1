// Validation and reads of ct_config through HashiCorp's go-plugin client with go-cty values:
// unknown values during validation, ct's exact renderings (compact and pretty, content with
// snippets), the CRC-32 id, defaults, strict, warnings as Terraform warnings, files_dir, and
// what Kindling adds over ct (newer variants, snippets at other versions).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CT_ESCAPED_UNIT_COMPACT,
  CT_LOCAL_FILE_COMPACT,
  CT_USERS_AND_DOCKER_COMPACT,
  CT_USERS_AND_DOCKER_PRETTY,
  CT_USERS_ONLY_PRETTY,
  DOCKER_SNIPPET,
  ESCAPED_UNIT_CONTENT,
  LOCAL_FILE_CONTENT,
  LOCAL_FILE_TEXT,
  USERS_CONTENT,
  WARNING_CONTENT,
} from './butane-inputs.ts';
import { expectCleanEnd, runClient, step, useGoClient, type ClientRun } from './plugin-client.ts';

const go = useGoClient();
const dir = mkdtempSync(join(tmpdir(), 'kindling-tf-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rendered = (r: ClientRun, i: number): unknown => step(r, i).state?.['rendered'];

describe.runIf(go.available)('ValidateDataSourceConfig', () => {
  test.each([5, 6])('protocol %i: unknown values (not yet computed by Terraform) are no error; known bad ones are', async (version) => {
    const r = await runClient(
      go.client(),
      [
        { op: 'validate', unknown: ['content'] },
        { op: 'validate', config: { content: USERS_CONTENT }, unknown: ['snippets'] },
        { op: 'validate', unknown: ['content', 'snippets', 'strict', 'pretty_print', 'files_dir'] },
        { op: 'validate', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET], strict: true, pretty_print: true } },
        { op: 'validate', config: { content: 7 }, types: { content: 'number' } },
      ],
      { versions: [version] },
    );
    for (const i of [0, 1, 2, 3]) expect(step(r, i).diagnostics, `step ${i}`).toEqual([]);
    expect(step(r, 4).diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'content' })]);
    await expectCleanEnd(r);
  });
});

describe.runIf(go.available)('ReadDataSource', () => {
  test.each([5, 6])('protocol %i: content plus snippets renders exactly as ct does, compact and pretty', async (version) => {
    const r = await runClient(
      go.client(),
      [
        { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET] } },
        { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET], pretty_print: true, strict: true } },
        { op: 'read', config: { content: USERS_CONTENT, pretty_print: true } },
      ],
      { versions: [version] },
    );
    expect(rendered(r, 0)).toBe(CT_USERS_AND_DOCKER_COMPACT);
    expect(rendered(r, 1)).toBe(CT_USERS_AND_DOCKER_PRETTY);
    expect(rendered(r, 2)).toBe(CT_USERS_ONLY_PRETTY);
    for (const i of [0, 1, 2]) expect(step(r, i).diagnostics).toEqual([]);
    await expectCleanEnd(r);
  });

  test('the state echoes the arguments, fills the defaults (strict and pretty_print false) and sets id to the CRC-32 of rendered', async () => {
    const r = await runClient(go.client(), [{ op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET] } }]);
    const state = step(r, 0).state as Record<string, unknown>;
    expect(state).toEqual({
      content: USERS_CONTENT,
      snippets: [DOCKER_SNIPPET],
      strict: false,
      pretty_print: false,
      files_dir: null,
      rendered: CT_USERS_AND_DOCKER_COMPACT,
      id: String(crc32(CT_USERS_AND_DOCKER_COMPACT)),
    });
    await expectCleanEnd(r);
  });

  test("JSON strings carry Go's HTML escaping (\\u0026, \\u003c, \\u003e)", async () => {
    const r = await runClient(go.client(), [{ op: 'read', config: { content: ESCAPED_UNIT_CONTENT } }]);
    expect(rendered(r, 0)).toBe(CT_ESCAPED_UNIT_COMPACT);
    await expectCleanEnd(r);
  });

  test('warnings reach Terraform as warning diagnostics on content; strict turns them into an error and no state', async () => {
    const r = await runClient(go.client(), [
      { op: 'read', config: { content: WARNING_CONTENT } },
      { op: 'read', config: { content: USERS_CONTENT, snippets: [WARNING_CONTENT] } },
      { op: 'read', config: { content: WARNING_CONTENT, strict: true } },
      { op: 'read', config: { content: USERS_CONTENT, snippets: [DOCKER_SNIPPET, WARNING_CONTENT], strict: true } },
    ]);
    const warned = step(r, 0);
    expect(warned.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'content' })]);
    expect(warned.diagnostics?.[0]?.summary).toMatch(/bogus/);
    // The YAML position of the unused key (line 6, column 7).
    expect(warned.diagnostics?.[0]?.detail).toMatch(/\b6:7\b/);
    expect(typeof warned.state?.['rendered']).toBe('string');
    expect(step(r, 1).diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'snippets[0]' })]);
    expect(step(r, 2).diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', path: 'content' }));
    expect(step(r, 2).state).toBeNull();
    expect(step(r, 3).diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', path: 'snippets[1]' }));
    expect(step(r, 3).state).toBeNull();
    await expectCleanEnd(r);
  });

  test('files_dir: a local file inside it is embedded; one outside it, or no files_dir at all, is an error on content', async () => {
    const filesDir = join(dir, 'files');
    mkdirSync(join(filesDir, 'motd'), { recursive: true });
    writeFileSync(join(filesDir, 'motd', 'hello.txt'), LOCAL_FILE_TEXT);
    writeFileSync(join(dir, 'secret.txt'), 'not for the config\n');
    const outside = LOCAL_FILE_CONTENT.replace('motd/hello.txt', '../secret.txt');
    const r = await runClient(go.client(), [
      { op: 'read', config: { content: LOCAL_FILE_CONTENT, files_dir: filesDir } },
      { op: 'read', config: { content: outside, files_dir: filesDir } },
      { op: 'read', config: { content: LOCAL_FILE_CONTENT } },
    ]);
    expect(step(r, 0).diagnostics).toEqual([]);
    expect(rendered(r, 0)).toBe(CT_LOCAL_FILE_COMPACT);
    for (const i of [1, 2]) {
      expect(step(r, i).state).toBeNull();
      expect(step(r, i).diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'content' })]);
      expect(step(r, i).diagnostics?.[0]?.detail).toMatch(/\b7:16\b/);
    }
    expect(JSON.stringify(step(r, 1))).not.toContain('not for the config');
    await expectCleanEnd(r);
  });

  test('beyond ct: content at fcos 1.6.0 renders Ignition 3.5.0; snippets at other variants and versions merge at the newer version', async () => {
    const fcos16Snippet = DOCKER_SNIPPET.replace('version: 1.4.0', 'version: 1.6.0');
    const r = await runClient(go.client(), [
      { op: 'read', config: { content: 'variant: fcos\nversion: 1.6.0\n', snippets: [DOCKER_SNIPPET.replace('version: 1.4.0', 'version: 1.1.0')] } },
      { op: 'read', config: { content: 'variant: flatcar\nversion: 1.1.0\n', snippets: [fcos16Snippet] } },
    ]);
    for (const i of [0, 1]) {
      expect(step(r, i).diagnostics).toEqual([]);
      const ignition = JSON.parse(String(rendered(r, i))) as { ignition: { version: string }; systemd: unknown };
      expect(ignition.systemd).toEqual({ units: [{ enabled: true, name: 'docker.service' }] });
      // The snippet's fcos 1.6.0 needs Ignition 3.5.0: the merge cannot be older than its newest part.
      expect(ignition.ignition.version).toBe('3.5.0');
    }
    await expectCleanEnd(r);
  });
});
