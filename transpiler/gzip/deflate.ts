// DEFLATE (RFC 1951) making the same decisions as Go's compress/flate at level 9
// (BestCompression), so the output matches Go's byte for byte: hash chains over 4-byte
// prefixes in a 32 KiB window that slides in 32 KiB steps inside a 64 KiB buffer, lazy
// matching with Go's good/lazy/nice/chain limits, blocks cut every 16384 tokens, and the
// stream ended by an empty final stored block (what Go's Writer.Close emits).
// Written for one whole input at a time, as Butane hands compress/gzip its contents in one Write.

import { type BitWriter, flush, writeStoredHeader } from './bit-writer.ts';
import { writeBlock } from './block-writer.ts';
import { MATCH_TYPE } from './tokens.ts';

const WINDOW_SIZE = 1 << 15;
const MIN_MATCH_LENGTH = 4;
const MAX_MATCH_LENGTH = 258;
const MAX_FLATE_BLOCK_TOKENS = 1 << 14;
const HASH_BITS = 17;
const HASH_SIZE = 1 << HASH_BITS;
/** Where Go slides the window: once fewer than a maximal match plus a hash's bytes are left. */
const SLIDE_AT = 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH);
/** blockStart after the window slid past it: the block's bytes are gone, so it cannot be stored. */
const NEVER_STORABLE = 0x7fffffff;

// deflate() spells the rest of Go's constants as literals: the window mask 32767, the hash
// multiplier 0x1e35a7bd (shift 32 - HASH_BITS = 15), base match length 3 and offset 1, and level
// 9's row of Go's table: good 32, lazy 258, nice 258, chain 4096.

// The tables are reused from call to call. Instead of clearing 640 KiB per call, each call's
// positions are stored above every value an earlier call left behind (Go's hashOffset, started
// past them): an old entry then reads as a position before the window, which Go treats exactly
// like an empty slot.
// They are allocated by the first call, not when the module loads: the single executable's startup
// snapshot holds this module evaluated (src/warm.ts), and 770 KiB of zeroes there were copied into
// every process, most of which never compress.
let window = new Uint8Array(0);
let hashHead = new Uint32Array(0);
let hashPrev = new Uint32Array(0);
let tokens = new Uint32Array(0);
let nextHashBase = 0;
const HASH_BASE_LIMIT = 2 ** 31;

// The compressor's state between calls of deflate() (Go's compressor struct), module-level so
// nothing is allocated per call. One compression runs at a time: nothing here is asynchronous.
let out: BitWriter;
let hashOffset = 1;
let index = 0;
let windowEnd = 0;
let blockStart = 0;
let byteAvailable = false;
let tokenCount = 0;
let length = MIN_MATCH_LENGTH - 1;
let offset = 0;
let chainHead = -1;

/** Writes the first `count` tokens as a block ending at window position `end` (Go's writeBlock). */
function emitBlock(end: number, count: number): void {
  if (end > 0) {
    const raw = blockStart <= end ? window.subarray(blockStart, end) : undefined;
    blockStart = end;
    writeBlock(out, tokens, count, false, raw);
  }
}

/**
 * Go's deflate() for a lazy level: consumes the window, leaving a maximal match's lookahead unless
 * `sync`. Go's findMatch and hash4 are written out inline, and the state lives in locals while the
 * loop runs: most calls happen before the JIT has compiled this function, and the interpreter pays
 * for every call and every access to module state, in the loop that sees every input byte.
 */
function deflate(sync: boolean): void {
  if (windowEnd - index < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !sync) return;
  const win = window;
  const head = hashHead;
  const prev = hashPrev;
  const toks = tokens;
  const hOffset = hashOffset;
  const wEndPos = windowEnd;
  const maxInsertIndex = wEndPos - 3; // windowEnd - (MIN_MATCH_LENGTH - 1)
  let pos = index;
  let count = tokenCount;
  let available = byteAvailable;
  let curLength = length;
  let curOffset = offset;
  let chain = chainHead;
  // The literal numbers below are Go's constants (named above); literals cost nothing to read.
  for (;;) {
    const lookahead = wEndPos - pos;
    if (lookahead < 262) {
      // MIN_MATCH_LENGTH + MAX_MATCH_LENGTH
      if (!sync) break;
      if (lookahead === 0) {
        if (available) {
          toks[count++] = win[pos - 1]!;
          available = false;
        }
        if (count > 0) emitBlock(pos, count);
        count = 0;
        break;
      }
    }
    if (pos < maxInsertIndex) {
      // hash4: the 4 bytes at pos, multiplied by 0x1e35a7bd, top HASH_BITS (17) bits.
      const h = Math.imul((win[pos]! << 24) | (win[pos + 1]! << 16) | (win[pos + 2]! << 8) | win[pos + 3]!, 0x1e35a7bd) >>> 15;
      chain = head[h]!;
      prev[pos & 32767] = chain;
      head[h] = pos + hOffset;
    }
    const prevLength = curLength;
    const prevOffset = curOffset;
    curLength = 3; // MIN_MATCH_LENGTH - 1
    curOffset = 0;
    const minIndex = pos > 32768 ? pos - 32768 : 0;
    if (chain - hOffset >= minIndex && lookahead > prevLength && prevLength < 258) {
      // findMatch: the longest match longer than 3 along the hash chain, with Go's limits
      // (level 9: good 32, lazy 258, nice 258, chain 4096).
      const minMatchLook = lookahead < 258 ? lookahead : 258;
      const nice = minMatchLook;
      const chainMin = pos - 32768;
      let tries = 4096;
      let best = 3;
      let wEnd = win[pos + best]!;
      for (let i = chain - hOffset; tries > 0; tries--) {
        if (wEnd === win[i + best]) {
          let n = 0;
          while (n < minMatchLook && win[i + n] === win[pos + n]) n++;
          // A 4-byte match only pays for itself when its distance is short.
          if (n > best && (n > 4 || pos - i <= 4096)) {
            best = n;
            curOffset = pos - i;
            if (n >= nice) break;
            wEnd = win[pos + n]!;
          }
        }
        // hashPrev[chainMin] already belongs to a newer position.
        if (i === chainMin) break;
        i = prev[i & 32767]! - hOffset;
        if (i < chainMin || i < 0) break;
      }
      if (curOffset !== 0) curLength = best;
    }
    if (prevLength >= 4 && curLength <= prevLength) {
      // The match found one byte earlier is at least as long: emit it (Go's matchToken).
      toks[count++] = MATCH_TYPE | ((prevLength - 3) << 22) | (prevOffset - 1);
      const newIndex = pos + prevLength - 1;
      for (pos++; pos < newIndex; pos++) {
        if (pos < maxInsertIndex) {
          const h = Math.imul((win[pos]! << 24) | (win[pos + 1]! << 16) | (win[pos + 2]! << 8) | win[pos + 3]!, 0x1e35a7bd) >>> 15;
          prev[pos & 32767] = head[h]!;
          head[h] = pos + hOffset;
        }
      }
      available = false;
      curLength = 3;
      if (count === 16384) {
        emitBlock(pos, count);
        count = 0;
      }
    } else {
      if (available) {
        toks[count++] = win[pos - 1]!;
        if (count === 16384) {
          emitBlock(pos, count);
          count = 0;
        }
      }
      pos++;
      available = true;
    }
  }
  index = pos;
  tokenCount = count;
  byteAvailable = available;
  length = curLength;
  offset = curOffset;
  chainHead = chain;
}

/** Go's fillDeflate: slides the window once the matcher is near its end, then copies input in. */
function fill(input: Uint8Array, from: number): number {
  if (index >= SLIDE_AT) {
    window.copyWithin(0, WINDOW_SIZE, 2 * WINDOW_SIZE);
    index -= WINDOW_SIZE;
    windowEnd -= WINDOW_SIZE;
    blockStart = blockStart >= WINDOW_SIZE ? blockStart - WINDOW_SIZE : NEVER_STORABLE;
    hashOffset += WINDOW_SIZE;
  }
  const n = Math.min(input.length - from, window.length - windowEnd);
  window.set(from === 0 && n === input.length ? input : input.subarray(from, from + n), windowEnd);
  windowEnd += n;
  return n;
}

/** Compresses `input` into `w` as a complete DEFLATE stream, as one Write and Close on Go's Writer. */
export function deflateLikeGo(w: BitWriter, input: Uint8Array): void {
  if (window.length === 0) {
    window = new Uint8Array(2 * WINDOW_SIZE);
    hashHead = new Uint32Array(HASH_SIZE);
    hashPrev = new Uint32Array(WINDOW_SIZE);
    tokens = new Uint32Array(MAX_FLATE_BLOCK_TOKENS + 1);
  }
  if (nextHashBase + input.length + 4 * WINDOW_SIZE > HASH_BASE_LIMIT) {
    hashHead.fill(0);
    hashPrev.fill(0);
    nextHashBase = 0;
  }
  out = w;
  hashOffset = nextHashBase + 1;
  index = 0;
  windowEnd = 0;
  blockStart = 0;
  byteAvailable = false;
  tokenCount = 0;
  length = MIN_MATCH_LENGTH - 1;
  offset = 0;
  chainHead = -1;
  for (let from = 0; from < input.length; ) {
    deflate(false);
    from += fill(input, from);
  }
  deflate(true);
  nextHashBase = hashOffset + windowEnd;
  writeStoredHeader(w, 0, true);
  flush(w);
}
