// AutoMTLS certificates: the client certificate check (one PEM certificate, valid now, self-signed
// with a signature that verifies) against certificates openssl makes, and the server certificate
// the provider makes (its own CA for localhost, accepted by the same check).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun, hasCommand } from '../helpers/env.ts';
import { run } from '../helpers/process.ts';
import { checkClientCertificate, createServerCertificate } from '../../src/terraform/certificate.ts';

const ready = canRun('openssl', hasCommand('openssl'));
const work = mkdtempSync(join(tmpdir(), 'kindling-tf-certificate-'));
const certs: Record<string, string> = {};

async function openssl(args: string[]): Promise<void> {
  const result = await run('openssl', args, { cwd: work });
  expect(result.exitCode, result.stderr).toBe(0);
}

beforeAll(async () => {
  if (!ready) return;
  const selfSigned = (name: string, curve: string) => ['req', '-x509', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-nodes', '-days', '1', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', '/CN=localhost'];
  await openssl(selfSigned('p256', 'P-256'));
  await openssl(selfSigned('p521', 'P-521'));
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost']);
  await openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'p256.pem', '-CAkey', 'p256.key', '-days', '1', '-out', 'leaf.pem']);
  for (const name of ['p256', 'p521', 'leaf']) certs[name] = readFileSync(join(work, `${name}.pem`), 'utf8');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.runIf(ready)('AutoMTLS certificates', () => {
  test('a self-signed certificate, as go-plugin makes it, is accepted (P-256 and P-521)', async () => {
    expect(await checkClientCertificate(certs['p256'] as string)).toBeUndefined();
    expect(await checkClientCertificate(`junk before\n${certs['p521']}`)).toBeUndefined();
  });

  test('not exactly one certificate, not a certificate, not valid now, not self-signed: each says why', async () => {
    expect(await checkClientCertificate('')).toBe('expected one PEM certificate, found 0');
    expect(await checkClientCertificate(`${certs['p256']}${certs['p521']}`)).toBe('expected one PEM certificate, found 2');
    expect(await checkClientCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toMatch(/^not a certificate: /);
    const later = new Date(Date.now() + 3 * 24 * 3600_000);
    expect(await checkClientCertificate(certs['p256'] as string, later)).toMatch(/^not valid now \(valid \d{4}-.*Z to \d{4}-.*Z\)$/);
    expect(await checkClientCertificate(certs['leaf'] as string)).toBe('not self-signed: its signature does not verify with its own key');
  });

  test('the server certificate is its own CA for localhost, valid now, and passes the same check', async () => {
    const server = await createServerCertificate();
    const cert = new X509Certificate(server.certPem);
    expect(Buffer.from(server.der)).toEqual(cert.raw);
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
    expect(await checkClientCertificate(server.certPem)).toBeUndefined();
  });
});
