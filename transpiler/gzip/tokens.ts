// The LZ77 token stream between the matcher and the block writer, in the same packing Go's
// compress/flate uses (token.go): a literal is its byte value, a match sets bit 30 and holds
// (length - 3) in bits 22-29 and (offset - 1) in bits 0-21. Plus RFC 1951's length and
// distance code tables with their extra bits.

// The hot loops (deflate's matcher, block-writer's counting and writing) pack and unpack tokens
// inline, with these numbers as literals: a match token is MATCH_TYPE | (length - 3) << 22 |
// (offset - 1), its length code index (t - MATCH_TYPE) >>> 22 and its offset t & 0x3fffff.
export const MATCH_TYPE = 1 << 30;

/** The end-of-block symbol, appended as a literal token when a block is written. */
export const END_BLOCK_MARKER = 256;
export const LENGTH_CODES_START = 257;
/** Literal/length alphabet size the encoder uses (codes 286 and 287 are never emitted). */
export const MAX_NUM_LIT = 286;
export const OFFSET_CODE_COUNT = 30;

export const LENGTH_EXTRA_BITS = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
export const LENGTH_BASE = Uint16Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255);
export const OFFSET_EXTRA_BITS = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
export const OFFSET_BASE = Uint32Array.of(
  0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0007, 0x0009, 0x000d, 0x0011, 0x0019, 0x0021, 0x0031, 0x0041, 0x0061, 0x0081,
  0x00c1, 0x0101, 0x0181, 0x0201, 0x0301, 0x0401, 0x0601, 0x0801, 0x0c01, 0x1001, 0x1801, 0x2001, 0x3001, 0x4001, 0x6001,
).map((distance) => distance - 1);

/** Length code (0-28) for each (length - 3), 0-255, derived from LENGTH_BASE. */
export const LENGTH_CODES = (() => {
  const codes = new Uint8Array(256);
  for (let code = 0; code < LENGTH_BASE.length; code++) {
    const end = code + 1 < LENGTH_BASE.length ? LENGTH_BASE[code + 1]! : 256;
    for (let x = LENGTH_BASE[code]!; x < end; x++) codes[x] = code;
  }
  return codes;
})();

/** Distance code (0-29) for each (offset - 1), 0-32767, derived from OFFSET_BASE. */
export const OFFSET_CODES = (() => {
  const codes = new Uint8Array(1 << 15);
  for (let code = 0; code < OFFSET_BASE.length; code++) {
    const end = code + 1 < OFFSET_BASE.length ? OFFSET_BASE[code + 1]! : 1 << 15;
    for (let x = OFFSET_BASE[code]!; x < end; x++) codes[x] = code;
  }
  return codes;
})();
