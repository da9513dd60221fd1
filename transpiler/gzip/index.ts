// gzip (RFC 1952) framing as Go's compress/gzip writes it at BestCompression with an empty
// Header: no name, comment or extra field, MTIME 0, XFL 2 (slowest algorithm), OS 255
// (unknown); then the DEFLATE stream and the CRC-32 and length of the input.

import { crc32 } from '../../src/config/crc32.ts';
import { type BitWriter, newBitWriter, writeBits, writeBytes } from './bit-writer.ts';
import { deflateLikeGo } from './deflate.ts';

const HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255);

const SCRATCH_BYTES = 64 * 1024;
/**
 * One output buffer for every call, made by the first (not at load, for the same reason as
 * deflate.ts's tables); each result is a copy, and a buffer grown past 1 MiB is dropped.
 */
let writer: BitWriter | undefined;

/** The bytes Butane's `gzip.NewWriterLevel(w, gzip.BestCompression)`, one Write, Close produce. */
export function gzipLikeGo(input: Uint8Array): Buffer {
  writer ??= newBitWriter(SCRATCH_BYTES);
  writer.length = 0;
  writer.bits = 0;
  writer.nbits = 0;
  writeBytes(writer, HEADER);
  deflateLikeGo(writer, input);
  const crc = crc32(input);
  writeBits(writer, crc & 0xffff, 16);
  writeBits(writer, crc >>> 16, 16);
  writeBits(writer, input.length & 0xffff, 16);
  writeBits(writer, (input.length >>> 16) & 0xffff, 16);
  const member = Buffer.from(writer.out.subarray(0, writer.length));
  if (writer.out.length > 1024 * 1024) writer = newBitWriter(SCRATCH_BYTES);
  return member;
}
