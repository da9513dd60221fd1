// Butane's data-URL contest for inline and local content (butane.md §4.3): URL-escaped text,
// then base64 if strictly shorter, then gzip+base64 if shorter even after paying for "gzip".
// The gzip bytes are Go's (transpiler/gzip), so both the choice and the URL match upstream.

import { encodeDataUrl, escapedDataUrlLength, noteValidDataUrl } from '../src/config/data-url.ts';
import { gzipLikeGo } from './gzip/index.ts';

/**
 * The shortest gzip member Go writes for non-empty input: 10-byte header, 8-byte trailer, the
 * final empty stored block's 4 length bytes, and at least one byte for the data block and the
 * stored block's 3 header bits.
 */
const MIN_GZIP_BYTES = 23;

function base64UrlLength(byteLength: number): number {
  return 'data:;base64,'.length + 4 * Math.ceil(byteLength / 3);
}

/** Content whose plain URL is no longer than this can never lose to gzip, so it is not tried. */
const MIN_GZIP_URL_LENGTH = base64UrlLength(MIN_GZIP_BYTES);

export interface EncodedResource {
  source: string;
  /** The compression to emit: "" or "gzip" when Butane chose, absent on fcos 1.0. */
  compression?: string;
}

/**
 * Chooses the encoding. `userCompression` is what the config already says; when it is set
 * (non-empty), the bytes are taken as already compressed and never gzipped again. The URL is noted
 * as known to decode (src/config/data-url.ts), so checking the output does not read it again.
 */
export function encodeContent(
  bytes: Uint8Array,
  options: { userCompression: string | undefined; allowGzip: boolean; legacy: boolean },
): EncodedResource {
  const result = chooseEncoding(bytes, options);
  noteValidDataUrl(result.source);
  return result;
}

/**
 * encodeContent's choice. Every URL it returns is well formed (`data:,` with Butane's escapes or
 * `data:;base64,` with padded standard base64), which is what lets checkConfig skip reading them.
 */
function chooseEncoding(bytes: Uint8Array, options: { userCompression: string | undefined; allowGzip: boolean; legacy: boolean }): EncodedResource {
  if (options.legacy) return { source: encodeDataUrl(bytes, { base64: false }) };
  // The contest is decided on lengths, and only the winning URL is built. The escaped length needs
  // a pass over every byte, so it is only worked out when a cheaper bound cannot settle the contest.
  const base64Length = base64UrlLength(bytes.length);
  let plain: { base64: boolean; length: number } | undefined;
  const plainWinner = (): { base64: boolean; length: number } => {
    if (plain === undefined) {
      const escapedLength = 'data:,'.length + escapedDataUrlLength(bytes);
      plain = base64Length < escapedLength ? { base64: true, length: base64Length } : { base64: false, length: escapedLength };
    }
    return plain;
  };
  const userSet = options.userCompression !== undefined && options.userCompression !== '';
  if (userSet) return { source: encodeDataUrl(bytes, { base64: plainWinner().base64 }), compression: options.userCompression };
  if (options.allowGzip && bytes.length > 0) {
    // Every byte takes at least one character of an escaped URL.
    const bestAtLeast = Math.min(base64Length, 'data:,'.length + bytes.length);
    if (bestAtLeast > MIN_GZIP_URL_LENGTH + 'gzip'.length || plainWinner().length > MIN_GZIP_URL_LENGTH + 'gzip'.length) {
      const gz = gzipLikeGo(bytes);
      const gzipLength = base64UrlLength(gz.length) + 'gzip'.length;
      if (gzipLength < bestAtLeast || gzipLength < plainWinner().length) return { source: `data:;base64,${gz.toString('base64')}`, compression: 'gzip' };
    }
  }
  return { source: encodeDataUrl(bytes, { base64: plainWinner().base64 }), compression: '' };
}
