// Butane's data-URL contest for inline and local content (butane.md §4.3): URL-escaped text,
// then base64 if strictly shorter, then gzip+base64 if shorter even after paying for "gzip".

import { gzipSync, constants } from 'node:zlib';
import { encodeDataUrl, escapedDataUrlLength } from '../src/config/data-url.ts';

const GO_GZIP_OVERHEAD = 3;
/** A gzip member is at least its 10-byte header, 8-byte trailer and a 2-byte final deflate block. */
const MIN_GZIP_BYTES = 20;

/** The length of the base64 data URL of what Go's gzip writer emits for `zlibLength` bytes of zlib's. */
function goGzipUrlLength(zlibLength: number): number {
  return 'data:;base64,'.length + 4 * Math.ceil((zlibLength + GO_GZIP_OVERHEAD) / 3);
}

/** Content whose plain URL is no longer than this can never lose to gzip, so it is not tried. */
const MIN_GZIP_URL_LENGTH = goGzipUrlLength(MIN_GZIP_BYTES);

/**
 * The smallest deflate window that still lets every match reach back to the start of the input,
 * so the output is the same as with the full 32 KiB window but each call allocates far less.
 */
function windowBitsFor(length: number): number {
  let bits = 9;
  while (bits < 15 && 2 ** bits - 262 < length) bits++;
  return bits;
}

export interface EncodedResource {
  source: string;
  /** The compression to emit: "" or "gzip" when Butane chose, absent on fcos 1.0. */
  compression?: string;
}

/**
 * Chooses the encoding. `userCompression` is what the config already says; when it is set
 * (non-empty), the bytes are taken as already compressed and never gzipped again.
 */
export function encodeContent(
  bytes: Uint8Array,
  options: { userCompression: string | undefined; allowGzip: boolean; legacy: boolean },
): EncodedResource {
  if (options.legacy) return { source: encodeDataUrl(bytes, { base64: false }) };
  // The contest is decided on lengths, and only the winning URL is built. The escaped length needs
  // a pass over every byte, so it is only worked out when a cheaper bound cannot settle the contest.
  const base64Length = 'data:;base64,'.length + 4 * Math.ceil(bytes.length / 3);
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
      // An output buffer sized to the input (not zlib's default 16 KiB) makes each of the thousands of
      // small trials cheaper; zlib's output does not depend on how its output space is handed out.
      const chunkSize = Math.min(bytes.length + 64, 16 * 1024);
      const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION, windowBits: windowBitsFor(bytes.length), chunkSize });
      // Go's gzip writer ends with an extra empty stored block, so its output runs about three
      // bytes longer than zlib's; judging by Go's length keeps upstream's choice near the boundary.
      const gzipLength = goGzipUrlLength(gz.length) + 'gzip'.length;
      if (gzipLength < bestAtLeast || gzipLength < plainWinner().length) return { source: `data:;base64,${gz.toString('base64')}`, compression: 'gzip' };
    }
  }
  return { source: encodeDataUrl(bytes, { base64: plainWinner().base64 }), compression: '' };
}
