// gzip (RFC 1952) framing as Go's compress/gzip writes it at BestCompression with an empty
// Header: no name, comment or extra field, MTIME 0, XFL 2 (slowest algorithm), OS 255
// (unknown); then the DEFLATE stream and the CRC-32 and length of the input.

import { crc32 } from '../../src/config/crc32.ts';
import { newBitWriter, writeBytes } from './bit-writer.ts';
import { deflateLikeGo } from './deflate.ts';

const HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255);

/** The bytes Butane's `gzip.NewWriterLevel(w, gzip.BestCompression)`, one Write, Close produce. */
export function gzipLikeGo(input: Uint8Array): Buffer {
  // Incompressible input grows by about 5 bytes per 64 KiB, so this rarely needs to grow.
  const w = newBitWriter(input.length + (input.length >>> 12) + 64);
  writeBytes(w, HEADER);
  deflateLikeGo(w, input);
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc32(input), true);
  view.setUint32(4, input.length >>> 0, true);
  writeBytes(w, trailer);
  return Buffer.from(w.out.buffer, w.out.byteOffset, w.length);
}
