// go-plugin's handshake, the plugin's side: the magic cookie that tells a plugin it was started by
// its client, the protocol version chosen from the client's list, and the one stdout line that
// tells the client where to connect:
//
//   CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT     e.g. 1|6|unix|/tmp/plugin123/plugin.sock|grpc|MIIB...
//
// CORE is go-plugin's own protocol (1); APP is the Terraform plugin protocol (5 or 6); CERT is the
// server certificate's DER in base64 without padding (AutoMTLS).

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS = [5, 6] as const;
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOLS)[number];
/** What go-plugin servers fall back to when the client lists nothing they serve. */
export const DEFAULT_PROTOCOL: ProtocolVersion = 5;

/** go-plugin's refusal text, printed when the binary is run by hand. */
export const NOT_A_PROGRAM =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically\n';

export function hasMagicCookie(env: Readonly<Record<string, string | undefined>>): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/**
 * The newest protocol both sides speak, from PLUGIN_PROTOCOL_VERSIONS ("5,6"). Entries that are
 * not numbers are skipped, as go-plugin does; with no common version the default is answered and
 * the client decides.
 */
export function negotiateProtocol(offered: string | undefined): ProtocolVersion {
  const versions = (offered ?? '')
    .split(',')
    .map((item) => Number.parseInt(item.trim(), 10))
    .filter((n): n is ProtocolVersion => (SUPPORTED_PROTOCOLS as readonly number[]).includes(n));
  return versions.length === 0 ? DEFAULT_PROTOCOL : (Math.max(...versions) as ProtocolVersion);
}

export function handshakeLine(protocol: ProtocolVersion, socketPath: string, certDer: Uint8Array): string {
  const cert = Buffer.from(certDer).toString('base64').replace(/=+$/, '');
  return `${CORE_PROTOCOL_VERSION}|${protocol}|unix|${socketPath}|grpc|${cert}\n`;
}
