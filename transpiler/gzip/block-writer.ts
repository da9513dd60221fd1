// Writes one block of tokens the way Go's huffmanBitWriter.writeBlock does: it prices the
// block as fixed Huffman, as dynamic Huffman (with Go's run-length coding of the code lengths)
// and, when the raw bytes are still in the window, as stored, then writes the cheapest (stored
// only when strictly cheaper, dynamic only when strictly cheaper than fixed).

import { type BitWriter, reserve, writeBits, writeBytes, writeStoredHeader } from './bit-writer.ts';
import { FIXED_LITERALS, FIXED_OFFSETS, type HuffmanEncoder, bitLength, generate, newEncoder } from './huffman-code.ts';
import {
  END_BLOCK_MARKER, LENGTH_BASE, LENGTH_CODES, LENGTH_CODES_START, LENGTH_EXTRA_BITS, MATCH_TYPE, MAX_NUM_LIT,
  OFFSET_BASE, OFFSET_CODE_COUNT, OFFSET_CODES, OFFSET_EXTRA_BITS,
} from './tokens.ts';

const CODEGEN_CODE_COUNT = 19;
const BAD_CODE = 255;
const MAX_STORE_BLOCK_SIZE = 65535;
/** The order code-length code lengths are sent in (RFC 1951 §3.2.7). */
const CODEGEN_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

const literalFreq = new Int32Array(MAX_NUM_LIT);
const offsetFreq = new Int32Array(OFFSET_CODE_COUNT);
const codegenFreq = new Int32Array(CODEGEN_CODE_COUNT);
const codegen = new Uint8Array(MAX_NUM_LIT + OFFSET_CODE_COUNT + 1);
const literalEncoding = newEncoder(MAX_NUM_LIT);
const offsetEncoding = newEncoder(OFFSET_CODE_COUNT);
const codegenEncoding = newEncoder(CODEGEN_CODE_COUNT);

// Symbol counts of the block being written, set by indexTokens.
let numLiterals = 0;
let numOffsets = 0;

/** Counts symbols, sets numLiterals and numOffsets, and builds the dynamic codes. */
function indexTokens(tokens: Uint32Array, count: number): void {
  literalFreq.fill(0);
  offsetFreq.fill(0);
  for (let i = 0; i < count; i++) {
    const t = tokens[i]!;
    if (t < MATCH_TYPE) {
      literalFreq[t]!++;
      continue;
    }
    // tokenLength and tokenOffset, inline (see writeTokens).
    literalFreq[LENGTH_CODES_START + LENGTH_CODES[(t - MATCH_TYPE) >>> 22]!]!++;
    offsetFreq[OFFSET_CODES[t & 0x3fffff]!]!++;
  }
  numLiterals = MAX_NUM_LIT;
  while (literalFreq[numLiterals - 1] === 0) numLiterals--;
  numOffsets = OFFSET_CODE_COUNT;
  while (numOffsets > 0 && offsetFreq[numOffsets - 1] === 0) numOffsets--;
  if (numOffsets === 0) {
    // A block needs at least one distance code, even when it has no match.
    offsetFreq[0] = 1;
    numOffsets = 1;
  }
  generate(literalEncoding, literalFreq, 15);
  generate(offsetEncoding, offsetFreq, 15);
}

/**
 * Run-length codes the literal and offset code lengths into `codegen` (symbol, then its extra
 * value for 16/17/18), ending with BAD_CODE, and counts the symbols in codegenFreq.
 */
function generateCodegen(): void {
  codegenFreq.fill(0);
  codegen.set(literalEncoding.lengths.subarray(0, numLiterals), 0);
  codegen.set(offsetEncoding.lengths.subarray(0, numOffsets), numLiterals);
  codegen[numLiterals + numOffsets] = BAD_CODE;
  let size = codegen[0]!;
  let count = 1;
  let outIndex = 0;
  for (let inIndex = 1; size !== BAD_CODE; inIndex++) {
    // The read runs ahead of the write, so lengths not yet read are never overwritten.
    const nextSize = codegen[inIndex]!;
    if (nextSize === size) {
      count++;
      continue;
    }
    if (size !== 0) {
      codegen[outIndex++] = size;
      codegenFreq[size]!++;
      count--;
      while (count >= 3) {
        const n = Math.min(6, count);
        codegen[outIndex++] = 16;
        codegen[outIndex++] = n - 3;
        codegenFreq[16]!++;
        count -= n;
      }
    } else {
      while (count >= 11) {
        const n = Math.min(138, count);
        codegen[outIndex++] = 18;
        codegen[outIndex++] = n - 11;
        codegenFreq[18]!++;
        count -= n;
      }
      if (count >= 3) {
        codegen[outIndex++] = 17;
        codegen[outIndex++] = count - 3;
        codegenFreq[17]!++;
        count = 0;
      }
    }
    count--;
    for (; count >= 0; count--) {
      codegen[outIndex++] = size;
      codegenFreq[size]!++;
    }
    size = nextSize;
    count = 1;
  }
  codegen[outIndex] = BAD_CODE;
}

/** How many code-length codes a dynamic header sends (trailing unused ones in CODEGEN_ORDER are cut). */
function countCodegens(): number {
  let numCodegens = CODEGEN_CODE_COUNT;
  while (numCodegens > 4 && codegenFreq[CODEGEN_ORDER[numCodegens - 1]!] === 0) numCodegens--;
  return numCodegens;
}

/** Bits of a dynamic block. */
function dynamicSize(numCodegens: number, extraBits: number): number {
  const header =
    3 + 5 + 5 + 4 + 3 * numCodegens + bitLength(codegenEncoding, codegenFreq) +
    codegenFreq[16]! * 2 + codegenFreq[17]! * 3 + codegenFreq[18]! * 7;
  return header + bitLength(literalEncoding, literalFreq) + bitLength(offsetEncoding, offsetFreq) + extraBits;
}

function fixedSize(extraBits: number): number {
  return 3 + bitLength(FIXED_LITERALS, literalFreq) + bitLength(FIXED_OFFSETS, offsetFreq) + extraBits;
}

function writeDynamicHeader(w: BitWriter, numCodegens: number, isEof: boolean): void {
  writeBits(w, isEof ? 5 : 4, 3);
  writeBits(w, numLiterals - 257, 5);
  writeBits(w, numOffsets - 1, 5);
  writeBits(w, numCodegens - 4, 4);
  for (let i = 0; i < numCodegens; i++) writeBits(w, codegenEncoding.lengths[CODEGEN_ORDER[i]!]!, 3);
  for (let i = 0; ; ) {
    const codeWord = codegen[i++]!;
    if (codeWord === BAD_CODE) break;
    writeBits(w, codegenEncoding.codes[codeWord]!, codegenEncoding.lengths[codeWord]!);
    if (codeWord === 16) writeBits(w, codegen[i++]!, 2);
    else if (codeWord === 17) writeBits(w, codegen[i++]!, 3);
    else if (codeWord === 18) writeBits(w, codegen[i++]!, 7);
  }
}

/**
 * Writes the tokens with their codes. writeBits is written out inline with the bit buffer in
 * locals, and so are tokenLength and tokenOffset: this loop runs per token, mostly before the JIT
 * has compiled it, when every call costs.
 * Each step is writeBits' own: add the bits above the pending ones, then emit whole bytes.
 */
function writeTokens(w: BitWriter, tokens: Uint32Array, count: number, lit: HuffmanEncoder, off: HuffmanEncoder): void {
  const { codes: litCodes, lengths: litLengths } = lit;
  const { codes: offCodes, lengths: offLengths } = off;
  // A token takes at most 15 + 5 + 15 + 13 bits: 6 bytes.
  reserve(w, 6 * count + 1);
  const buf = w.out;
  let at = w.length;
  let bits = w.bits;
  let nbits = w.nbits;
  for (let i = 0; i < count; i++) {
    const t = tokens[i]!;
    if (t < MATCH_TYPE) {
      bits |= litCodes[t]! << nbits;
      nbits += litLengths[t]!;
      while (nbits >= 8) {
        buf[at++] = bits;
        bits >>>= 8;
        nbits -= 8;
      }
      continue;
    }
    const length = (t - MATCH_TYPE) >>> 22; // tokenLength(t)
    const lengthCode = LENGTH_CODES[length]!;
    bits |= litCodes[lengthCode + LENGTH_CODES_START]! << nbits;
    nbits += litLengths[lengthCode + LENGTH_CODES_START]!;
    while (nbits >= 8) {
      buf[at++] = bits;
      bits >>>= 8;
      nbits -= 8;
    }
    const extraLengthBits = LENGTH_EXTRA_BITS[lengthCode]!;
    if (extraLengthBits > 0) {
      bits |= (length - LENGTH_BASE[lengthCode]!) << nbits;
      nbits += extraLengthBits;
      while (nbits >= 8) {
        buf[at++] = bits;
        bits >>>= 8;
        nbits -= 8;
      }
    }
    const offset = t & 0x3fffff; // tokenOffset(t)
    const offsetCode = OFFSET_CODES[offset]!;
    bits |= offCodes[offsetCode]! << nbits;
    nbits += offLengths[offsetCode]!;
    while (nbits >= 8) {
      buf[at++] = bits;
      bits >>>= 8;
      nbits -= 8;
    }
    const extraOffsetBits = OFFSET_EXTRA_BITS[offsetCode]!;
    if (extraOffsetBits > 0) {
      bits |= (offset - OFFSET_BASE[offsetCode]!) << nbits;
      nbits += extraOffsetBits;
      while (nbits >= 8) {
        buf[at++] = bits;
        bits >>>= 8;
        nbits -= 8;
      }
    }
  }
  w.length = at;
  w.bits = bits;
  w.nbits = nbits;
}

/**
 * Writes `count` tokens (the array must have room for one more: the end-of-block marker is
 * appended) as one block. `input` is the block's raw bytes when they are still available,
 * which allows a stored block; undefined when the window has moved past them.
 */
export function writeBlock(w: BitWriter, tokens: Uint32Array, count: number, eof: boolean, input: Uint8Array | undefined): void {
  tokens[count++] = END_BLOCK_MARKER;
  indexTokens(tokens, count);
  const storable = input !== undefined && input.length <= MAX_STORE_BLOCK_SIZE;
  let extraBits = 0;
  if (storable) {
    // Go only counts extra bits when a stored block is possible; fixed and dynamic both
    // include the same amount, so it changes only the comparison with stored.
    for (let code = LENGTH_CODES_START + 8; code < numLiterals; code++) extraBits += literalFreq[code]! * LENGTH_EXTRA_BITS[code - LENGTH_CODES_START]!;
    for (let code = 4; code < numOffsets; code++) extraBits += offsetFreq[code]! * OFFSET_EXTRA_BITS[code]!;
  }
  let size = fixedSize(extraBits);
  generateCodegen();
  generate(codegenEncoding, codegenFreq, 7);
  const numCodegens = countCodegens();
  const dynamic = dynamicSize(numCodegens, extraBits);
  const useDynamic = dynamic < size;
  if (useDynamic) size = dynamic;
  if (storable && (input.length + 5) * 8 < size) {
    writeStoredHeader(w, input.length, eof);
    writeBytes(w, input);
    return;
  }
  if (useDynamic) {
    writeDynamicHeader(w, numCodegens, eof);
    writeTokens(w, tokens, count, literalEncoding, offsetEncoding);
  } else {
    writeBits(w, eof ? 3 : 2, 3);
    writeTokens(w, tokens, count, FIXED_LITERALS, FIXED_OFFSETS);
  }
}
