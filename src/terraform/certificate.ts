// go-plugin's AutoMTLS, the provider's half (the only module that imports @peculiar/x509): read
// and check the client's certificate (PEM in PLUGIN_CLIENT_CERT), and make a fresh self-signed
// server certificate for this process. The client trusts exactly that certificate, so it is
// its own CA: basic constraints CA, key usage cert-sign, server and client auth, SAN localhost
// (go-plugin's client verifies the name "localhost"). ECDSA P-256 through WebCrypto keeps the
// key generation to about a millisecond, which Terraform pays at every provider start. The
// client's certificate is parsed and verified by Node's own X509Certificate (OpenSSL), which does
// in well under a millisecond what the library's ASN.1 parser took about 10 ms of CPU for; the
// library is still what encodes the server certificate.

import 'reflect-metadata';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** The certificate's DER bytes, which go into the handshake line. */
  der: Uint8Array;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

export async function createServerCertificate(now = new Date()): Promise<ServerCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=localhost, O=Kindling terraform-provider-ct',
    // Some slack for clocks of client and provider that disagree slightly.
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 7 * 24 * 3600_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: pem('PRIVATE KEY', key), der: new Uint8Array(cert.rawData) };
}

/**
 * Checks the client certificate: one PEM certificate, currently valid, self-signed with a good
 * signature (go-plugin's client makes exactly that). Returns why not, or undefined when it is fine.
 */
export async function checkClientCertificate(text: string, now = new Date()): Promise<string | undefined> {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) return `expected one PEM certificate, found ${blocks.length}`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0] as string);
  } catch (error) {
    return `not a certificate: ${(error as Error).message}`;
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore || now > notAfter) return `not valid now (valid ${notBefore.toISOString()} to ${notAfter.toISOString()})`;
  try {
    if (!cert.verify(cert.publicKey)) return 'not self-signed: its signature does not verify with its own key';
  } catch (error) {
    return `signature not verifiable: ${(error as Error).message}`;
  }
  return undefined;
}
