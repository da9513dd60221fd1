// RFC 2397 data URLs: decoding with the same acceptance and error strings as the Go decoder
// upstream validates with (vincent-petithory/dataurl), and the two encodings Butane emits.
// Upstream reports the decoder's error text verbatim, so every message below is user-visible.

export interface DecodedDataUrl {
  data: Buffer;
  /** `type/subtype`; `text/plain` when the URL names none. */
  mediaType: string;
  params: Record<string, string>;
}

export type DataUrlResult = DecodedDataUrl | { error: string };

const EOF = -1;
const TSPECIALS = new Set([...'()<>@,;:\\"/[]?='].map((c) => c.charCodeAt(0)));
const KNOWN_TYPE_PREFIXES = ['text', 'image', 'audio', 'video', 'application', 'message', 'multipart'];
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const NON_BASE64_CHAR = /[^A-Za-z0-9+/=]/;
// Anything but printable ASCII, and of that space and <>#"{}|\^[]`: one class, so one cheap scan.
const NON_URL_CHAR = /[^\x21\x24-\x3b\x3d\x3f-\x5a\x5f\x61-\x7a\x7e]/;
/** Whether each byte is in the RFC 2396 unreserved set, i.e. written as itself in `data:,` URLs. */
const UNRESERVED = Uint8Array.from({ length: 256 }, (_, byte) => (/[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte)) ? 1 : 0));
const HEX_DIGITS = '0123456789ABCDEF';

/** A MIME token character: printable ASCII that is not a space and not a tspecial. */
function isToken(c: number): boolean {
  return c > 0x20 && c < 0x7f && !TSPECIALS.has(c);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function code(ch: string): number {
  return ch.charCodeAt(0);
}

/** Percent-decoding as the Go library does it; its error strings keep the `rfc2396:` prefix. */
function unescape(text: string): Buffer | string {
  // Callers only pass ASCII (the lexer rejects the rest), so one byte per character suffices.
  if (!text.includes('%'))
    return /[^\x00-\x7f]/.test(text) ? 'rfc2396: non-ASCII char detected' : Buffer.from(text, 'latin1');
  const out = Buffer.alloc(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return 'rfc2396: non-ASCII char detected';
    if (c !== 0x25) {
      out[length++] = c;
      continue;
    }
    const hi = text.charCodeAt(i + 1);
    if (i + 1 >= text.length) return 'rfc2396: unexpected end of unescape sequence';
    // Upstream formats the '%' itself into this message, so it always says 0x25.
    if (!isHex(hi)) return 'rfc2396: invalid char 0x25 in unescape sequence';
    const lo = text.charCodeAt(i + 2);
    if (i + 2 >= text.length) return 'rfc2396: unexpected end of unescape sequence';
    if (!isHex(lo)) return 'rfc2396: invalid char 0x25 in unescape sequence';
    out[length++] = Number.parseInt(text.slice(i + 1, i + 3), 16);
    i += 2;
  }
  return out.subarray(0, length);
}

/**
 * Canonical padded base64, for text that holds only alphabet characters and `=` (decodeDataUrl
 * checked that): a multiple of four, with `=` only as the last one or two characters. Found with
 * indexOf, which is far cheaper than a pattern over the whole text: a thousand inline files made
 * the pattern show in profiles.
 */
function isCanonicalBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const pad = text.indexOf('=');
  if (pad < 0 || pad === text.length - 1) return true;
  return pad === text.length - 2 && text.charCodeAt(text.length - 1) === 0x3d;
}

/**
 * Go's standard base64 decoding (padding required, trailing bits ignored), including the byte
 * offsets its "illegal base64 data at input byte N" errors point at.
 */
function decodeBase64(text: string): Buffer | string {
  // Well-formed input (the common case) decodes identically with Node's decoder.
  if (isCanonicalBase64(text)) return Buffer.from(text, 'base64');
  const fail = (offset: number): string => `illegal base64 data at input byte ${offset}`;
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const sextets: number[] = [];
    let padded = false;
    for (let j = 0; j < 4; j++) {
      if (si === text.length) {
        if (j === 0) return Buffer.from(out);
        return fail(si - j);
      }
      const ch = text[si] as string;
      si++;
      const value = BASE64_ALPHABET.indexOf(ch);
      if (value >= 0) {
        sextets.push(value);
        continue;
      }
      if (ch !== '=' || j < 2) return fail(si - 1);
      if (j === 2) {
        if (si === text.length) return fail(text.length);
        if (text[si] !== '=') return fail(si - 1);
        si++;
      }
      if (si < text.length) return fail(si);
      padded = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = sextets;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
    out.push(...bytes.slice(0, sextets.length - 1));
    if (padded) return Buffer.from(out);
  }
}

/** Go's strconv.Unquote for the inside of a double-quoted parameter value. */
function unquote(inner: string): string | { error: string } {
  const syntax = { error: 'invalid syntax' };
  if (inner.includes('\n')) return syntax;
  const out: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string;
    if (ch === '"') return syntax;
    if (ch !== '\\') {
      out.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const esc = inner[i + 1];
    if (esc === undefined) return syntax;
    i++;
    const single = simple[esc];
    if (single !== undefined) {
      out.push(single);
      continue;
    }
    const hexLength = esc === 'x' ? 2 : esc === 'u' ? 4 : esc === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = inner.slice(i + 1, i + 1 + hexLength);
      if (digits.length !== hexLength || ![...digits].every((d) => isHex(code(d)))) return syntax;
      const value = Number.parseInt(digits, 16);
      i += hexLength;
      if (esc === 'x') {
        out.push(value);
        continue;
      }
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return syntax;
      out.push(...Buffer.from(String.fromCodePoint(value), 'utf8'));
      continue;
    }
    if (esc >= '0' && esc <= '7') {
      const digits = inner.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) return syntax;
      const value = Number.parseInt(digits, 8);
      if (value > 255) return syntax;
      out.push(value);
      i += 2;
      continue;
    }
    return syntax;
  }
  return Buffer.from(out).toString('utf8');
}

/** The data after the comma, checked and decoded as the URL's header says. */
function decodePayload(payload: string, isBase64: boolean, mediaType: string, params: Record<string, string>, options: DecodeOptions): DataUrlResult {
  if ((isBase64 ? NON_BASE64_CHAR : NON_URL_CHAR).test(payload)) return { error: 'invalid data character' };
  if (options.validateOnly === true && payloadIsClean(payload, isBase64)) return { data: EMPTY, mediaType, params };
  const decoded = isBase64 ? decodeBase64(payload) : unescape(payload);
  if (typeof decoded === 'string') return { error: decoded };
  return { data: decoded, mediaType, params };
}

interface DecodeOptions {
  validateOnly?: boolean;
}

/**
 * The two headers Butane and most tools write, `data:,` and `data:;base64,`: the state machine
 * below gives them text/plain with the default charset, so they skip it. The stage runner runs
 * interpreted, where stepping through a header cost as much as decoding a few kilobytes.
 */
const PLAIN_HEADER = 'data:,';
const BASE64_HEADER = 'data:;base64,';

export function decodeDataUrl(url: string, options: DecodeOptions = {}): DataUrlResult {
  if (url.startsWith(PLAIN_HEADER)) return decodePayload(url.slice(PLAIN_HEADER.length), false, 'text/plain', { charset: 'US-ASCII' }, options);
  if (url.startsWith(BASE64_HEADER)) return decodePayload(url.slice(BASE64_HEADER.length), true, 'text/plain', { charset: 'US-ASCII' }, options);
  return decodeHeader(url, options);
}

/**
 * Decodes a data URL with any other header. The walk mirrors the Go lexer's states one for one,
 * because which error comes out (and whether a quirky URL is accepted at all) depends on their
 * exact order.
 */
function decodeHeader(url: string, options: DecodeOptions): DataUrlResult {
  let pos = 0;
  let start = 0;
  let width = 0;
  const next = (): number => {
    if (pos >= url.length) {
      width = 0;
      return EOF;
    }
    const cp = url.codePointAt(pos) as number;
    width = cp > 0xffff ? 2 : 1;
    pos += width;
    return cp;
  };
  const backup = (): void => {
    pos -= width;
  };
  const take = (): string => {
    const text = url.slice(start, pos);
    start = pos;
    return text;
  };

  let type = 'text';
  let subtype = 'plain';
  const params: Record<string, string> = { charset: 'US-ASCII' };
  let attr = '';
  let quotedValue = false;
  let isBase64 = false;

  const setParam = (raw: string): string | undefined => {
    let value: string;
    if (quotedValue) {
      quotedValue = false;
      const unquoted = unquote(raw);
      if (typeof unquoted !== 'string') return unquoted.error;
      value = unquoted;
    } else {
      const unescaped = unescape(raw);
      if (typeof unescaped === 'string') return unescaped;
      value = unescaped.toString('utf8');
    }
    params[attr] = value;
    return undefined;
  };

  if (!url.startsWith('data:')) return { error: 'missing data prefix' };
  pos = 5;
  start = 5;

  type State =
    | 'afterPrefix'
    | 'xToken'
    | 'discrete'
    | 'mediaType'
    | 'afterMediaSep'
    | 'afterSubtype'
    | 'paramSemicolon'
    | 'inAttr'
    | 'afterEqual'
    | 'inQuoted'
    | 'inValue'
    | 'afterValue'
    | 'dataComma';
  let state: State = 'afterPrefix';
  for (;;) {
    switch (state) {
      case 'afterPrefix': {
        const r = next();
        if (r === code(';')) {
          backup();
          state = 'paramSemicolon';
        } else if (r === code(',')) {
          backup();
          state = 'dataComma';
        } else if (r === EOF) {
          return { error: 'missing comma before data' };
        } else if (r === code('x') || r === code('X')) {
          // The character after the x is consumed whatever it is, as upstream does.
          state = next() === code('-') ? 'xToken' : 'discrete';
        } else if (isToken(r)) {
          state = 'discrete';
        } else {
          return { error: 'invalid character after data prefix' };
        }
        break;
      }
      case 'xToken':
      case 'discrete': {
        const r = next();
        if (r === code('/')) {
          backup();
          const candidate = url.slice(start, pos);
          if (state === 'discrete' && !KNOWN_TYPE_PREFIXES.some((p) => candidate.startsWith(p))) {
            return { error: 'invalid media type' };
          }
          state = 'mediaType';
        } else if (r === EOF) {
          return { error: 'missing media type slash' };
        } else if (!isToken(r)) {
          return { error: 'invalid character for media type' };
        }
        break;
      }
      case 'mediaType': {
        if (pos > start) {
          type = take();
          delete params['charset'];
        }
        next();
        start = pos;
        state = 'afterMediaSep';
        break;
      }
      case 'afterMediaSep': {
        const r = next();
        if (r === code(';') || r === code(',')) {
          backup();
          if (pos > start) subtype = take();
          state = 'afterSubtype';
        } else if (r === EOF) {
          return { error: 'incomplete media type' };
        } else if (!isToken(r)) {
          return { error: 'invalid character for media subtype' };
        }
        break;
      }
      case 'afterSubtype':
      case 'afterValue': {
        const r = next();
        if (r === code(';')) {
          backup();
          state = 'paramSemicolon';
        } else if (r === code(',')) {
          backup();
          state = 'dataComma';
        } else if (r === EOF) {
          return { error: 'missing comma before data' };
        } else {
          return { error: 'expected semicolon or comma' };
        }
        break;
      }
      case 'paramSemicolon': {
        next();
        start = pos;
        const r = next();
        if (r === EOF || r === code('=') || r === code(',')) return { error: 'unterminated parameter sequence' };
        if (!isToken(r)) return { error: 'invalid character for parameter attribute' };
        backup();
        state = 'inAttr';
        break;
      }
      case 'inAttr': {
        const r = next();
        if (r === code('=')) {
          backup();
          if (pos > start) attr = take();
          next();
          start = pos;
          state = 'afterEqual';
        } else if (r === code(',')) {
          backup();
          const word = take();
          if (word !== 'base64') return { error: `expected base64, got ${word}` };
          isBase64 = true;
          state = 'dataComma';
        } else if (r === EOF) {
          return { error: 'unterminated parameter sequence' };
        } else if (!isToken(r)) {
          return { error: 'invalid character for parameter attribute' };
        }
        break;
      }
      case 'afterEqual': {
        const r = next();
        if (r === code('"')) {
          start = pos;
          quotedValue = true;
          state = 'inQuoted';
        } else if (r === EOF) {
          return { error: 'missing comma before data' };
        } else if (isToken(r)) {
          state = 'inValue';
        } else {
          return { error: 'invalid character for parameter value' };
        }
        break;
      }
      case 'inQuoted': {
        const r = next();
        if (r === EOF) return { error: 'unclosed quoted string' };
        if (r === code('\\')) {
          // Any ASCII character (or the end, which the next round reports) may follow.
          const escaped = next();
          if (escaped > 0x7f) return { error: 'invalid escaped character' };
        } else if (r === code('"')) {
          backup();
          if (pos > start) {
            const failure = setParam(take());
            if (failure !== undefined) return { error: failure };
          }
          next();
          start = pos;
          state = 'afterValue';
        } else if (r > 0x7f) {
          return { error: 'invalid character for parameter value' };
        }
        break;
      }
      case 'inValue': {
        const r = next();
        if (r === code(';') || r === code(',')) {
          backup();
          if (pos > start) {
            const failure = setParam(take());
            if (failure !== undefined) return { error: failure };
          }
          state = 'afterValue';
        } else if (r === EOF) {
          return { error: 'missing comma before data' };
        } else if (!isToken(r)) {
          return { error: 'invalid character for parameter value' };
        }
        break;
      }
      case 'dataComma': {
        next();
        return decodePayload(url.slice(pos), isBase64, `${type}/${subtype}`, params, options);
      }
    }
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * True when the payload certainly decodes, judged without decoding it: validation sees every
 * data URL of a config (megabytes of them in a large one) and needs only the verdict. Anything
 * unusual falls through to the full decoder, which also words the error.
 */
function payloadIsClean(payload: string, isBase64: boolean): boolean {
  // Callers have checked the characters (NON_BASE64_CHAR, NON_URL_CHAR).
  if (isBase64) return isCanonicalBase64(payload);
  // Non-ASCII is out too (NON_URL_CHAR); only a `%` needs a closer look.
  return !payload.includes('%') || !/%(?![0-9A-Fa-f]{2})/.test(payload);
}

/**
 * data: URLs known to decode: those validation has read in full, and those the transpiler has just
 * encoded itself. A URL's verdict depends on nothing but its text, so one that is known passes the
 * URL rule unread: the fetch stage validates the user config and then the merged one, and the
 * transpiler checks its own output, each holding the same megabytes of URLs again. Bounded by total
 * length, so a long-lived process (the Terraform provider) does not keep every config it has seen.
 */
const validDataUrls = new Set<string>();
let validDataUrlsLength = 0;
const VALID_DATA_URLS_MAX_LENGTH = 64 << 20;

export function isKnownValidDataUrl(url: string): boolean {
  return validDataUrls.has(url);
}

/** Records a data URL that decodes (see isKnownValidDataUrl). */
export function noteValidDataUrl(url: string): void {
  if (url.length > VALID_DATA_URLS_MAX_LENGTH) return;
  if (validDataUrlsLength + url.length > VALID_DATA_URLS_MAX_LENGTH) forgetValidDataUrls();
  validDataUrls.add(url);
  validDataUrlsLength += url.length;
}

/** Empties the record, so the next check reads every URL in full. */
export function forgetValidDataUrls(): void {
  validDataUrls.clear();
  validDataUrlsLength = 0;
}

/** The decoder's message for a URL that does not decode (what upstream validation reports). */
export function dataUrlError(url: string): string | undefined {
  // The two headers Butane writes need no walk through the lexer's states when the payload is clean.
  if (url.startsWith('data:;base64,')) {
    const payload = url.slice('data:;base64,'.length);
    if (!NON_BASE64_CHAR.test(payload) && payloadIsClean(payload, true)) return undefined;
  } else if (url.startsWith('data:,')) {
    const payload = url.slice('data:,'.length);
    if (!NON_URL_CHAR.test(payload) && payloadIsClean(payload, false)) return undefined;
  }
  const result = decodeDataUrl(url, { validateOnly: true });
  return 'error' in result ? result.error : undefined;
}

/**
 * Percent-escapes every byte outside the RFC 2396 unreserved set as `%XX` (uppercase, two
 * digits), which is what Butane writes into `data:,` URLs.
 */
export function escapeDataUrlText(data: Uint8Array): string {
  // Written byte by byte into one Latin-1 buffer: joining a string per byte cost more than the
  // rest of the transpiler's encoding step on large configs.
  const out = Buffer.allocUnsafe(escapedDataUrlLength(data));
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (UNRESERVED[byte] === 1) out[at++] = byte;
    else {
      out[at++] = 0x25;
      out[at++] = HEX_DIGITS.charCodeAt(byte >> 4);
      out[at++] = HEX_DIGITS.charCodeAt(byte & 15);
    }
  }
  return out.toString('latin1', 0, at);
}

/** Length of escapeDataUrlText(data), without building it. */
export function escapedDataUrlLength(data: Uint8Array): number {
  let length = data.length;
  for (let i = 0; i < data.length; i++) if (UNRESERVED[data[i] as number] === 0) length += 2;
  return length;
}

/** `data:,<escaped>` or `data:;base64,<standard base64 with padding>`, as Butane writes them. */
export function encodeDataUrl(data: Uint8Array, opts: { base64: boolean }): string {
  if (opts.base64)
    return `data:;base64,${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
  return `data:,${escapeDataUrlText(data)}`;
}

/** Butane's choice between the two plain encodings: base64 only when strictly shorter. */
export function shortestDataUrl(data: Uint8Array): string {
  return encodeDataUrl(data, { base64: shortestIsBase64(data) });
}

/** Lengths of the two plain encodings, so a caller can compare before building either. */
export function plainDataUrlLengths(data: Uint8Array): { escaped: number; base64: number } {
  return { escaped: 'data:,'.length + escapedDataUrlLength(data), base64: 'data:;base64,'.length + 4 * Math.ceil(data.length / 3) };
}

function shortestIsBase64(data: Uint8Array): boolean {
  const lengths = plainDataUrlLengths(data);
  return lengths.base64 < lengths.escaped;
}
