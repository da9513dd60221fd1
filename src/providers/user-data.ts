// What a provider does with the bytes it got: undo gzip, tell Ignition configs from cloud-init
// material (#cloud-config, #! scripts, MIME multipart), which Flatcar leaves to coreos-cloudinit
// and treats as no config, and decode base64 strictly. Every "no config" is logged with its reason.
import { entry } from '../report.ts';
import type { FetchedConfig, ProviderContext } from './types.ts';

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** What non-Ignition user data is, or undefined for anything else (left to the config parser). */
export function cloudInitKind(text: string): string | undefined {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('#cloud-config')) return 'a cloud-config';
  if (head.startsWith('#!')) return 'a script';
  if (isMimeMultipart(head)) return 'a MIME multipart document';
  return undefined;
}

/** A MIME header block whose Content-Type is multipart/mixed (cloud-init's combined user data). */
function isMimeMultipart(text: string): boolean {
  const end = text.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? text : text.slice(0, end)).split(/\r?\n/);
  return headers.some((line) => /^content-type:\s*multipart\/mixed\b/i.test(line));
}

/** Strict RFC 4648 base64 (padding optional, whitespace ignored); undefined when it is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(compact, 'base64');
}

export function decodeBase64OrThrow(text: string, source: string): Buffer {
  const decoded = decodeBase64(text);
  if (decoded === undefined) throw entry('error', 'USER_DATA_DECODE_FAILED', undefined, source, 'not valid base64');
  return decoded;
}

export function gunzipOrThrow(bytes: Buffer, source: string): Buffer {
  try {
    return process.getBuiltinModule('node:zlib').gunzipSync(bytes);
  } catch (error) {
    throw entry('error', 'USER_DATA_DECODE_FAILED', undefined, source, `gzip: ${(error as Error).message}`);
  }
}

/**
 * Turns fetched user data into a config, or undefined for "no config": empty data, or cloud-init
 * material. A gzip-compressed config is accepted on every platform.
 */
export function userDataToConfig(ctx: ProviderContext, bytes: Buffer, source: string): FetchedConfig | undefined {
  const plain = isGzip(bytes) ? gunzipOrThrow(bytes, source) : bytes;
  const text = plain.toString('utf8');
  if (text.trim() === '') {
    ctx.device.log.info(`no config in user data from ${source} (empty)`);
    return undefined;
  }
  const kind = cloudInitKind(text);
  if (kind !== undefined) {
    ctx.device.log.warning(entry('warning', 'USER_DATA_NOT_IGNITION', undefined, source, kind).message);
    return undefined;
  }
  ctx.device.log.info(`fetched ${plain.length} bytes of user data from ${source}${plain === bytes ? '' : ' (gunzipped)'}`);
  return { text, source };
}
