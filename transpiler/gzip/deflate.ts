// DEFLATE (RFC 1951) making the same decisions as Go's compress/flate at level 9
// (BestCompression), so the output matches Go's byte for byte: hash chains over 4-byte
// prefixes in a 32 KiB window that slides in 32 KiB steps inside a 64 KiB buffer, lazy
// matching with Go's good/lazy/nice/chain limits, blocks cut every 16384 tokens, and the
// stream ended by an empty final stored block (what Go's Writer.Close emits).
// Written for one whole input at a time, as Butane hands compress/gzip its contents in one Write.

import { type BitWriter, flush, writeStoredHeader } from './bit-writer.ts';
import { writeBlock } from './block-writer.ts';
import { matchToken } from './tokens.ts';

const WINDOW_SIZE = 1 << 15;
const WINDOW_MASK = WINDOW_SIZE - 1;
const MIN_MATCH_LENGTH = 4;
const MAX_MATCH_LENGTH = 258;
const BASE_MATCH_LENGTH = 3;
const BASE_MATCH_OFFSET = 1;
const MAX_FLATE_BLOCK_TOKENS = 1 << 14;
const HASH_BITS = 17;
const HASH_SIZE = 1 << HASH_BITS;
const HASH_MUL = 0x1e35a7bd;
/** Where Go slides the window: once fewer than a maximal match plus a hash's bytes are left. */
const SLIDE_AT = 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH);
/** blockStart after the window slid past it: the block's bytes are gone, so it cannot be stored. */
const NEVER_STORABLE = 0x7fffffff;

// Level 9's row of Go's table: good, lazy, nice, chain.
const GOOD = 32;
const LAZY = 258;
const NICE = 258;
const CHAIN = 4096;

// The tables are reused from call to call. Instead of clearing 640 KiB per call, each call's
// positions are stored above every value an earlier call left behind (Go's hashOffset, started
// past them): an old entry then reads as a position before the window, which Go treats exactly
// like an empty slot.
const window = new Uint8Array(2 * WINDOW_SIZE);
const hashHead = new Uint32Array(HASH_SIZE);
const hashPrev = new Uint32Array(WINDOW_SIZE);
const tokens = new Uint32Array(MAX_FLATE_BLOCK_TOKENS + 1);
let nextHashBase = 0;
const HASH_BASE_LIMIT = 2 ** 31;

function hash4(i: number): number {
  const word = (window[i]! << 24) | (window[i + 1]! << 16) | (window[i + 2]! << 8) | window[i + 3]!;
  return Math.imul(word, HASH_MUL) >>> (32 - HASH_BITS);
}

// The compressor's state (Go's compressor struct), module-level so the hot loop needs no
// closures or per-call objects. One compression runs at a time: nothing here is asynchronous.
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
/** findMatch's result: the best length and its distance. */
let matchLength = 0;
let matchOffset = 0;

/** Go's findMatch: the longest match longer than `prevLength` along the hash chain from `prevHead`. */
function findMatch(pos: number, prevHead: number, prevLength: number, lookahead: number): boolean {
  const minMatchLook = lookahead < MAX_MATCH_LENGTH ? lookahead : MAX_MATCH_LENGTH;
  const nice = minMatchLook < NICE ? minMatchLook : NICE;
  let tries = CHAIN;
  let best = prevLength;
  if (best >= GOOD) tries >>= 2;
  let wEnd = window[pos + best]!;
  const minIndex = pos - WINDOW_SIZE;
  let found = false;
  for (let i = prevHead; tries > 0; tries--) {
    if (wEnd === window[i + best]) {
      let n = 0;
      while (n < minMatchLook && window[i + n] === window[pos + n]) n++;
      // A 4-byte match only pays for itself when its distance is short.
      if (n > best && (n > MIN_MATCH_LENGTH || pos - i <= 4096)) {
        best = n;
        matchOffset = pos - i;
        found = true;
        if (n >= nice) break;
        wEnd = window[pos + n]!;
      }
    }
    // hashPrev[minIndex] already belongs to a newer position.
    if (i === minIndex) break;
    i = hashPrev[i & WINDOW_MASK]! - hashOffset;
    if (i < minIndex || i < 0) break;
  }
  matchLength = best;
  return found;
}

/** Writes the pending tokens as a block ending at window position `end` (Go's writeBlock). */
function emitBlock(end: number): void {
  if (end > 0) {
    const raw = blockStart <= end ? window.subarray(blockStart, end) : undefined;
    blockStart = end;
    writeBlock(out, tokens, tokenCount, false, raw);
  }
  tokenCount = 0;
}

/** Go's deflate() for a lazy level: consumes the window, leaving a maximal match's lookahead unless `sync`. */
function deflate(sync: boolean): void {
  if (windowEnd - index < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !sync) return;
  const maxInsertIndex = windowEnd - (MIN_MATCH_LENGTH - 1);
  for (;;) {
    const lookahead = windowEnd - index;
    if (lookahead < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
      if (!sync) return;
      if (lookahead === 0) {
        if (byteAvailable) {
          tokens[tokenCount++] = window[index - 1]!;
          byteAvailable = false;
        }
        if (tokenCount > 0) emitBlock(index);
        return;
      }
    }
    if (index < maxInsertIndex) {
      const h = hash4(index);
      chainHead = hashHead[h]!;
      hashPrev[index & WINDOW_MASK] = chainHead;
      hashHead[h] = index + hashOffset;
    }
    const prevLength = length;
    const prevOffset = offset;
    length = MIN_MATCH_LENGTH - 1;
    offset = 0;
    const minIndex = index > WINDOW_SIZE ? index - WINDOW_SIZE : 0;
    if (chainHead - hashOffset >= minIndex && lookahead > prevLength && prevLength < LAZY) {
      if (findMatch(index, chainHead - hashOffset, MIN_MATCH_LENGTH - 1, lookahead)) {
        length = matchLength;
        offset = matchOffset;
      }
    }
    if (prevLength >= MIN_MATCH_LENGTH && length <= prevLength) {
      // The match found one byte earlier is at least as long: emit it.
      tokens[tokenCount++] = matchToken(prevLength - BASE_MATCH_LENGTH, prevOffset - BASE_MATCH_OFFSET);
      const newIndex = index + prevLength - 1;
      for (index++; index < newIndex; index++) {
        if (index < maxInsertIndex) {
          const h = hash4(index);
          hashPrev[index & WINDOW_MASK] = hashHead[h]!;
          hashHead[h] = index + hashOffset;
        }
      }
      byteAvailable = false;
      length = MIN_MATCH_LENGTH - 1;
      if (tokenCount === MAX_FLATE_BLOCK_TOKENS) emitBlock(index);
    } else {
      if (byteAvailable) {
        tokens[tokenCount++] = window[index - 1]!;
        if (tokenCount === MAX_FLATE_BLOCK_TOKENS) emitBlock(index);
      }
      index++;
      byteAvailable = true;
    }
  }
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
