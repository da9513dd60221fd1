// The DEFLATE bit stream: bits go out least significant first into a growing byte buffer.
// Go's huffmanBitWriter batches 48 bits at a time; only the order of bits and where the stream
// is padded to a byte boundary (flush) show in the output, and both are kept here.

export interface BitWriter {
  out: Uint8Array;
  /** Bytes of `out` already written. */
  length: number;
  /** Pending bits (fewer than 8 between calls), lowest first. */
  bits: number;
  nbits: number;
}

export function newBitWriter(capacity: number): BitWriter {
  return { out: new Uint8Array(Math.max(capacity, 64)), length: 0, bits: 0, nbits: 0 };
}

/** Makes room for `more` bytes. */
export function reserve(w: BitWriter, more: number): void {
  if (w.length + more <= w.out.length) return;
  const grown = new Uint8Array(Math.max(w.out.length * 2, w.length + more));
  grown.set(w.out.subarray(0, w.length));
  w.out = grown;
}

/** Writes the low `nb` bits of `value` (nb ≤ 16). */
export function writeBits(w: BitWriter, value: number, nb: number): void {
  let bits = w.bits | (value << w.nbits);
  let nbits = w.nbits + nb;
  if (nbits >= 8) {
    if (w.length + 3 > w.out.length) reserve(w, 3);
    const out = w.out;
    do {
      out[w.length++] = bits;
      bits >>>= 8;
      nbits -= 8;
    } while (nbits >= 8);
  }
  w.bits = bits;
  w.nbits = nbits;
}

/** Pads the pending bits with zeros to a byte boundary. */
export function flush(w: BitWriter): void {
  if (w.nbits > 0) {
    reserve(w, 1);
    w.out[w.length++] = w.bits;
  }
  w.bits = 0;
  w.nbits = 0;
}

/** Copies whole bytes; the stream must be at a byte boundary. */
export function writeBytes(w: BitWriter, bytes: Uint8Array): void {
  if (w.nbits !== 0) throw new Error('deflate: writeBytes with unfinished bits');
  reserve(w, bytes.length);
  w.out.set(bytes, w.length);
  w.length += bytes.length;
}

/** A stored block's header: BFINAL, BTYPE 00, padding, LEN and NLEN. */
export function writeStoredHeader(w: BitWriter, length: number, isEof: boolean): void {
  writeBits(w, isEof ? 1 : 0, 3);
  flush(w);
  writeBits(w, length, 16);
  writeBits(w, ~length & 0xffff, 16);
}
