// The provider process as go-plugin's client starts it, through the built bundle under the name
// Terraform's mirror gives it: refusal without the magic cookie or the client certificate, the
// handshake line, mutual TLS on the socket (client certificate made by openssl as go-plugin
// makes its own: self-signed ECDSA P-521, its own CA), GRPCController.Shutdown, SIGTERM, SIGINT.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { run, start, stopAll, type Child } from '../helpers/process.ts';
import { DESCRIPTOR_SET_BASE64 } from '../../src/terraform/proto/descriptors.gen.ts';
import { MAGIC_COOKIE_VALUE, negotiateProtocol } from '../../src/terraform/handshake.ts';

const BUNDLE = resolve(import.meta.dirname, '../../dist/kindling.cjs');
const AS = 'terraform-provider-ct_v0.14.100';
const ready = canRun('the built bundle (npm run build) and openssl', existsSync(BUNDLE) && hasCommand('openssl'));

const work = mkdtempSync(join(tmpdir(), 'kindling-tf-handshake-'));
let clientCert = '';
let clientKey = '';

beforeAll(async () => {
  if (!ready) return;
  const made = await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-nodes', '-days', '1',
    '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-subj', '/CN=localhost/O=HashiCorp',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=digitalSignature,keyCertSign',
    '-addext', 'extendedKeyUsage=clientAuth,serverAuth', '-addext', 'subjectAltName=DNS:localhost',
  ]);
  expect(made.exitCode, made.stderr).toBe(0);
  clientCert = readFileSync(join(work, 'cert.pem'), 'utf8');
  clientKey = readFileSync(join(work, 'key.pem'), 'utf8');
});
afterEach(async () => {
  expect(await stopAll()).toEqual([]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = (extra: Record<string, string | undefined>): Record<string, string | undefined> => ({
  TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
  PLUGIN_PROTOCOL_VERSIONS: '5,6',
  PLUGIN_CLIENT_CERT: clientCert,
  ...extra,
});

const runProvider = (extra: Record<string, string | undefined>) => run(process.execPath, [BUNDLE], { argv0: AS, env: env(extra), timeoutMs: 20_000 });

interface Handshake {
  child: Child;
  line: string;
  protocol: number;
  socket: string;
  serverCertPem: string;
}

async function handshake(extra: Record<string, string | undefined> = {}): Promise<Handshake> {
  const child = start(process.execPath, [BUNDLE], { argv0: AS, env: env(extra), timeoutMs: 30_000 });
  const line = await new Promise<string>((resolveLine, reject) => {
    let text = '';
    child.process.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolveLine(text);
    });
    void child.done().then((r) => reject(new Error(`provider exited before the handshake: ${r.stderr}`)));
  });
  const match = /^1\|([56])\|unix\|(\/[^|]+)\|grpc\|([A-Za-z0-9+/]+)\n$/.exec(line);
  if (match === null) throw new Error(`bad handshake line ${JSON.stringify(line)}`);
  const der = Buffer.from(match[3] as string, 'base64');
  const serverCertPem = new X509Certificate(der).toString();
  return { child, line, protocol: Number(match[1]), socket: match[2] as string, serverCertPem };
}

function tlsProbe(h: Handshake, withClientCert: boolean): Promise<{ ok: boolean; alpn?: string | false | null; error?: string }> {
  return new Promise((resolveProbe) => {
    const socket = connect({
      path: h.socket,
      servername: 'localhost',
      ca: h.serverCertPem,
      ALPNProtocols: ['h2'],
      ...(withClientCert ? { cert: clientCert, key: clientKey } : {}),
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    // TLS 1.3 reports a refused client certificate after the handshake: wait for data or close.
    socket.once('secureConnect', () => {
      socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      socket.once('data', () => {
        resolveProbe({ ok: true, alpn: socket.alpnProtocol });
        socket.destroy();
      });
    });
    socket.once('error', (error) => resolveProbe({ ok: false, error: error.message }));
    socket.once('close', () => resolveProbe({ ok: false, error: 'closed' }));
  });
}

test('protocol negotiation: the newest offered version served, 5 when none matches', () => {
  expect(negotiateProtocol('5,6')).toBe(6);
  expect(negotiateProtocol('6, 5')).toBe(6);
  expect(negotiateProtocol('4,5')).toBe(5);
  expect(negotiateProtocol('x,6')).toBe(6);
  expect(negotiateProtocol('7')).toBe(5);
  expect(negotiateProtocol(undefined)).toBe(5);
});

describe.runIf(ready)('terraform-provider-ct process', () => {
  test('without the magic cookie it refuses, as go-plugin plugins do, and prints nothing on stdout', async () => {
    for (const cookie of [undefined, 'wrong']) {
      const result = await runProvider({ TF_PLUGIN_MAGIC_COOKIE: cookie });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('This binary is a plugin. These are not meant to be executed directly.');
    }
  });

  test('without a usable client certificate it refuses (AutoMTLS is required)', async () => {
    for (const cert of [undefined, 'not a certificate']) {
      const result = await runProvider({ PLUGIN_CLIENT_CERT: cert });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('PLUGIN_CLIENT_CERT');
    }
  });

  test('a socket directory that cannot be used is an error on stderr, not a crash', async () => {
    const result = await runProvider({ PLUGIN_UNIX_SOCKET_DIR: join(work, 'missing') });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('cannot make the socket directory');
  });

  test('handshake line, server certificate, mutual TLS, then SIGTERM removes the socket', async () => {
    const h = await handshake();
    expect(h.protocol).toBe(6);
    expect(h.line).not.toContain('=');
    const cert = new X509Certificate(h.serverCertPem);
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(existsSync(h.socket)).toBe(true);

    expect(await tlsProbe(h, true)).toEqual({ ok: true, alpn: 'h2' });
    expect((await tlsProbe(h, false)).ok).toBe(false);

    // Terraform sends Ctrl-C to the whole process group; the provider waits to be stopped.
    h.child.process.kill('SIGINT');
    expect(await tlsProbe(h, true)).toMatchObject({ ok: true });

    const result = await h.child.stop();
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(h.line);
    expect(existsSync(dirname(h.socket))).toBe(false);
  });

  test('a client that offers only protocol 5 gets 5', async () => {
    const h = await handshake({ PLUGIN_PROTOCOL_VERSIONS: '5' });
    expect(h.protocol).toBe(5);
    expect((await h.child.stop()).exitCode).toBe(0);
  });

  test('GRPCController.Shutdown answers, then the process exits cleanly and removes the socket', async () => {
    const h = await handshake({ PLUGIN_UNIX_SOCKET_DIR: work });
    expect(dirname(dirname(h.socket))).toBe(work);
    const definitions = loadFileDescriptorSetFromBuffer(Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'), { keepCase: true });
    const Controller = grpc.makeGenericClientConstructor(definitions['plugin.GRPCController'] as grpc.ServiceDefinition, 'GRPCController');
    const credentials = grpc.credentials.createSsl(Buffer.from(h.serverCertPem), Buffer.from(clientKey), Buffer.from(clientCert));
    const client = new Controller(`unix:${h.socket}`, credentials, { 'grpc.ssl_target_name_override': 'localhost' });
    const reply = await new Promise<unknown>((resolveCall, reject) => {
      (client as unknown as Record<string, (req: object, cb: (e: Error | null, r: unknown) => void) => void>)['Shutdown']?.({}, (error, response) =>
        error === null ? resolveCall(response) : reject(error),
      );
    });
    client.close();
    expect(reply).toEqual({});
    const result = await h.child.done();
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('stopped: shutdown requested');
    expect(existsSync(dirname(h.socket))).toBe(false);
  });
});
