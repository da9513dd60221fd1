// Length-limited canonical Huffman codes built the way Go's compress/flate builds them
// (huffman_code.go): symbols sorted by (frequency, symbol), bit counts from the same
// package-merge style level walk, and codes handed out per length to symbols in symbol order.
// Any other optimal construction can tie-break differently and change the emitted bytes.

const MAX_INT32 = 0x7fffffff;
const MAX_BITS_LIMIT = 16;

/** Each byte with its 8 bits in reverse order. */
const REVERSED_BYTES = Uint8Array.from({ length: 256 }, (_, byte) => {
  let out = 0;
  for (let i = 0; i < 8; i++) out |= ((byte >> i) & 1) << (7 - i);
  return out;
});

/** Reverses the low `length` bits of `code` (length ≤ 16): DEFLATE sends Huffman codes most significant bit first. */
export function reverseBits(code: number, length: number): number {
  return ((REVERSED_BYTES[code & 0xff]! << 8) | REVERSED_BYTES[(code >>> 8) & 0xff]!) >>> (16 - length);
}

export interface HuffmanEncoder {
  /** Bit-reversed code of each symbol, ready to be written LSB first. */
  codes: Uint16Array;
  /** Code length of each symbol; 0 for symbols that do not occur. */
  lengths: Uint8Array;
}

export function newEncoder(size: number): HuffmanEncoder {
  return { codes: new Uint16Array(size), lengths: new Uint8Array(size) };
}

/** Total bits needed to encode `freq` with this code. */
export function bitLength(encoder: HuffmanEncoder, freq: Int32Array, count = freq.length): number {
  let total = 0;
  const lengths = encoder.lengths;
  for (let i = 0; i < count; i++) {
    const f = freq[i]!;
    if (f !== 0) total += f * lengths[i]!;
  }
  return total;
}

// Scratch space shared by every build. Symbols sorted by (freq, symbol) are packed into one
// integer so that a numeric sort gives Go's byFreq order; frequencies stay below 2^21 here.
const SYMBOL_BITS = 9;
const SYMBOL_MASK = (1 << SYMBOL_BITS) - 1;
const sortKeys = new Int32Array(290);
const listFreq = new Int32Array(291);
const listSymbol = new Int32Array(291);
const bitCount = new Int32Array(17);
const lastFreq = new Int32Array(MAX_BITS_LIMIT + 1);
const nextCharFreq = new Int32Array(MAX_BITS_LIMIT + 1);
const nextPairFreq = new Int32Array(MAX_BITS_LIMIT + 1);
const needed = new Int32Array(MAX_BITS_LIMIT + 1);
const leafCounts = new Int32Array(MAX_BITS_LIMIT * MAX_BITS_LIMIT);
const nextCode = new Int32Array(MAX_BITS_LIMIT + 1);

/**
 * How many symbols get each code length (bitCount[1..maxBits]) for `n` symbols sorted by
 * ascending frequency in listFreq, with at most `maxBits` bits per code (Go's bitCounts).
 */
function bitCounts(n: number, maxBitsWanted: number): number {
  listFreq[n] = MAX_INT32;
  const maxBits = Math.min(maxBitsWanted, n - 1);
  // Go starts every call from zeroed level records. (Built-in fills: native code is fast from
  // the first call, while a loop here would run interpreted until the JIT warms up.)
  lastFreq.fill(0);
  nextCharFreq.fill(0);
  nextPairFreq.fill(0);
  needed.fill(0);
  leafCounts.fill(0);
  for (let level = 1; level <= maxBits; level++) {
    lastFreq[level] = listFreq[1]!;
    nextCharFreq[level] = listFreq[2]!;
    nextPairFreq[level] = level === 1 ? MAX_INT32 : listFreq[0]! + listFreq[1]!;
    leafCounts[level * MAX_BITS_LIMIT + level] = 2;
  }
  needed[maxBits] = 2 * n - 4;
  let level = maxBits;
  for (;;) {
    if (nextPairFreq[level] === MAX_INT32 && nextCharFreq[level] === MAX_INT32) {
      // Both chains ran dry: this level needs nothing more, and the next may not pair from it.
      needed[level] = 0;
      nextPairFreq[level + 1] = MAX_INT32;
      level++;
      continue;
    }
    const prevFreq = lastFreq[level]!;
    if (nextCharFreq[level]! < nextPairFreq[level]!) {
      const count = leafCounts[level * MAX_BITS_LIMIT + level]! + 1;
      lastFreq[level] = nextCharFreq[level]!;
      leafCounts[level * MAX_BITS_LIMIT + level] = count;
      nextCharFreq[level] = listFreq[count]!;
    } else {
      lastFreq[level] = nextPairFreq[level]!;
      leafCounts.copyWithin(level * MAX_BITS_LIMIT, (level - 1) * MAX_BITS_LIMIT, (level - 1) * MAX_BITS_LIMIT + level);
      needed[level - 1] = 2;
    }
    needed[level]!--;
    if (needed[level] === 0) {
      if (level === maxBits) break;
      nextPairFreq[level + 1] = prevFreq + lastFreq[level]!;
      level++;
    } else {
      while (needed[level - 1]! > 0) level--;
    }
  }
  if (leafCounts[maxBits * MAX_BITS_LIMIT + maxBits] !== n) throw new Error('huffman: leaf count mismatch');
  let bits = 1;
  for (let lvl = maxBits; lvl > 0; lvl--) {
    bitCount[bits] = leafCounts[maxBits * MAX_BITS_LIMIT + lvl]! - leafCounts[maxBits * MAX_BITS_LIMIT + lvl - 1]!;
    bits++;
  }
  return maxBits;
}

/** Builds the code for `freq` (first `size` entries), limited to `maxBits` bits, into `encoder`. */
export function generate(encoder: HuffmanEncoder, freq: Int32Array, maxBits: number, size = freq.length): void {
  const { codes, lengths } = encoder;
  let count = 0;
  for (let i = 0; i < size; i++) {
    const f = freq[i]!;
    if (f !== 0) sortKeys[count++] = (f << SYMBOL_BITS) | i;
    else lengths[i] = 0;
  }
  if (count <= 2) {
    // One or two symbols: one bit each, in symbol order (Go does not sort here).
    let code = 0;
    for (let i = 0; i < size; i++) {
      if (freq[i] === 0) continue;
      codes[i] = code++;
      lengths[i] = 1;
    }
    return;
  }
  // The built-in sort is native code, fast from the first call: most calls happen before the
  // JIT has compiled this module, when a sort written here would run in the interpreter.
  sortKeys.subarray(0, count).sort();
  for (let i = 0; i < count; i++) {
    const key = sortKeys[i]!;
    listSymbol[i] = key & SYMBOL_MASK;
    listFreq[i] = key >>> SYMBOL_BITS;
  }
  const levels = bitCounts(count, maxBits);
  // The most frequent symbols (the end of the list) get the shortest codes.
  let end = count;
  for (let n = 1; n <= levels; n++) {
    const bits = bitCount[n]!;
    for (let i = end - bits; i < end; i++) lengths[listSymbol[i]!] = n;
    end -= bits;
  }
  // Go hands out the codes of one length consecutively in ascending symbol order, starting where
  // the shorter lengths left off (a canonical code), so one pass in symbol order assigns them all.
  const reversed = REVERSED_BYTES;
  let first = 0;
  for (let n = 1; n <= levels; n++) {
    first <<= 1;
    nextCode[n] = first;
    first += bitCount[n]!;
  }
  for (let i = 0; i < size; i++) {
    const n = lengths[i]!;
    if (n === 0) continue;
    const code = nextCode[n]!;
    // reverseBits(code, n), inline: this loop runs per symbol, mostly before the JIT warms up.
    codes[i] = ((reversed[code & 0xff]! << 8) | reversed[code >>> 8]!) >>> (16 - n);
    nextCode[n] = code + 1;
  }
}

function fixedLiteralEncoding(): HuffmanEncoder {
  const encoder = newEncoder(286);
  for (let ch = 0; ch < 286; ch++) {
    let bits: number;
    let size: number;
    if (ch < 144) [bits, size] = [ch + 48, 8];
    else if (ch < 256) [bits, size] = [ch + 400 - 144, 9];
    else if (ch < 280) [bits, size] = [ch - 256, 7];
    else [bits, size] = [ch + 192 - 280, 8];
    encoder.codes[ch] = reverseBits(bits, size);
    encoder.lengths[ch] = size;
  }
  return encoder;
}

function fixedOffsetEncoding(): HuffmanEncoder {
  const encoder = newEncoder(30);
  for (let ch = 0; ch < 30; ch++) {
    encoder.codes[ch] = reverseBits(ch, 5);
    encoder.lengths[ch] = 5;
  }
  return encoder;
}

/** RFC 1951 §3.2.6's fixed codes. */
export const FIXED_LITERALS = fixedLiteralEncoding();
export const FIXED_OFFSETS = fixedOffsetEncoding();
