// The provider's side of go-plugin's handshake, seen by HashiCorp's own client (test/terraform/
// client) and, for what that client hides, by reading the provider's stdout directly: the magic
// cookie, protocol negotiation, AutoMTLS, the one handshake line, the health service, the schema.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { run, start, stopAll } from '../helpers/process.ts';
import { bundle, expectCleanEnd, MAGIC_COOKIE, runClient, step, useGoClient, waitForNoProcesses } from './plugin-client.ts';

const go = useGoClient();
const dir = mkdtempSync(join(tmpdir(), 'kindling-tf-handshake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  expect(await stopAll()).toEqual([]);
});

const providerArgv0 = 'terraform-provider-ct_v0.14.100';

/** A client certificate as go-plugin makes one (ECDSA, self-signed, SAN localhost). */
async function clientCertificate(): Promise<string> {
  const key = join(dir, 'client.key');
  const cert = join(dir, 'client.pem');
  const r = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/O=HashiCorp/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { timeoutMs: 30_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return readFileSync(cert, 'utf8');
}

describe.runIf(go.available)('handshake, as go-plugin reads it', () => {
  test('refuses to run without the magic cookie: exit 1, a message on stderr, nothing on stdout', async () => {
    const r = await run(process.execPath, [bundle], { argv0: providerArgv0, env: { TF_PLUGIN_MAGIC_COOKIE: undefined }, timeoutMs: 30_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/plugin/i);
  });

  test('a go-plugin client with the wrong cookie gets no handshake and leaves no process', async () => {
    const r = await runClient(go.client(), [{ op: 'schema' }], { cookie: 'not-the-cookie' });
    expect(r.started).toBeUndefined();
    expect(r.startError?.error).toMatch(/exited before we could connect|Unrecognized remote plugin message/);
    expect(r.startError?.provider).toMatchObject({ reaped: true, exit_code: 1 });
    expect(await waitForNoProcesses(r.mark)).toEqual([]);
  });

  test('without AutoMTLS (no PLUGIN_CLIENT_CERT) it refuses instead of serving in the clear', async () => {
    const r = await runClient(go.client(), [{ op: 'schema' }], { noAutoMtls: true });
    expect(r.started).toBeUndefined();
    expect(r.startError?.provider).toMatchObject({ reaped: true, exit_code: 1 });
    expect(r.startError?.provider_stderr).toMatch(/PLUGIN_CLIENT_CERT/);
    expect(await waitForNoProcesses(r.mark)).toEqual([]);
  });

  test.each([
    { offered: [5], chosen: 5 },
    { offered: [6], chosen: 6 },
    { offered: [5, 6], chosen: 6 },
  ])('offered protocol versions $offered: serves $chosen over gRPC on a unix socket with mTLS', async ({ offered, chosen }) => {
    const r = await runClient(go.client(), [{ op: 'schema' }, { op: 'ping' }], { versions: offered });
    expect(r.startError).toBeUndefined();
    expect(r.started).toMatchObject({ version: chosen, protocol: 'grpc', network: 'unix' });
    expect(Object.keys((step(r, 0)['schema'] as { data_sources: object }).data_sources)).toEqual(['ct_config']);
    // go-plugin's Ping: the gRPC health service must answer for "plugin".
    expect(step(r, 1)).toMatchObject({ ok: true });
    await expectCleanEnd(r);
  });

  test('stdout carries exactly one line, 1|6|unix|SOCKET|grpc|CERT, CERT the server certificate as unpadded base64 DER', async () => {
    const child = start(process.execPath, [bundle], {
      argv0: providerArgv0,
      env: { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: await clientCertificate() },
      timeoutMs: 60_000,
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.process.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n')) resolve(text);
      });
      void child.done().then((r) => reject(new Error(`provider exited before the handshake: ${r.stderr}`)));
    });
    const result = await child.stop();
    expect(result.stdout).toBe(firstLine);
    expect(result.stdout.split('\n')).toHaveLength(2);
    const parts = firstLine.trimEnd().split('|');
    expect(parts.slice(0, 3)).toEqual(['1', '6', 'unix']);
    expect(parts[4]).toBe('grpc');
    expect(parts[5]).toMatch(/^[A-Za-z0-9+/]{51,}$/);
    const cert = new X509Certificate(Buffer.from(parts[5] as string, 'base64'));
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.ca).toBe(true);
    // Self-signed: go-plugin's client uses it as the only root CA for the connection.
    expect(cert.verify(cert.publicKey)).toBe(true);
    // SIGTERM ends it cleanly and the socket goes with it.
    expect(result.exitCode).toBe(0);
    expect(existsSync(parts[3] as string)).toBe(false);
  });
});

describe.runIf(go.available)('schema', () => {
  const attributes = [
    { name: 'content', type: 'string', required: true, optional: false, computed: false },
    { name: 'files_dir', type: 'string', required: false, optional: true, computed: false },
    { name: 'id', type: 'string', required: false, optional: true, computed: true },
    { name: 'pretty_print', type: 'bool', required: false, optional: true, computed: false },
    { name: 'rendered', type: 'string', required: false, optional: false, computed: true },
    { name: 'snippets', type: ['list', 'string'], required: false, optional: true, computed: false },
    { name: 'strict', type: 'bool', required: false, optional: true, computed: false },
  ];

  test.each([5, 6])('protocol %i: ct_config has ct v0.14 attributes and types, no provider arguments, no resources', async (version) => {
    const r = await runClient(go.client(), [{ op: 'schema' }, { op: 'validate_provider' }, { op: 'configure' }], { versions: [version] });
    expect(r.started?.version).toBe(version);
    const schema = step(r, 0)['schema'] as {
      provider: { attributes: unknown[]; block_types: unknown[] };
      data_sources: Record<string, { attributes: Record<string, unknown>[]; block_types: unknown[]; type_errors?: string[] }>;
      resources: string[];
      diagnostics: unknown[];
    };
    expect(schema.diagnostics).toEqual([]);
    expect(schema.resources).toEqual([]);
    expect(schema.provider).toMatchObject({ attributes: [], block_types: [] });
    const ct = schema.data_sources['ct_config'];
    expect(ct?.type_errors).toBeUndefined();
    expect(ct?.block_types).toEqual([]);
    const byName = [...(ct?.attributes ?? [])].sort((a, b) => String(a['name']).localeCompare(String(b['name'])));
    expect(byName.map(({ name, type, required, optional, computed }) => ({ name, type, required, optional, computed }))).toEqual(attributes);
    expect(byName.every((a) => a['sensitive'] === false)).toBe(true);
    expect(step(r, 1).diagnostics).toEqual([]);
    expect(step(r, 2).diagnostics).toEqual([]);
    await expectCleanEnd(r);
  });
});
