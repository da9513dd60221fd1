// JSON text handling with upstream's error behaviour. Valid documents go through JSON.parse (fast);
// an invalid one is rescanned byte by byte with the state machine of Go's encoding/json, so the
// message and offset match what Ignition prints ("invalid character ']' looking for beginning of
// object key string"). Offsets are UTF-8 byte offsets, as in Go.

export interface JsonSyntaxError {
  message: string;
  /** Go's SyntaxError.Offset: the number of bytes read when the error was found. */
  offset: number;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const bytes = Buffer.from(text, 'utf8');
    return { ok: false, error: scanForSyntaxError(bytes) ?? { message: 'invalid JSON', offset: bytes.length } };
  }
}

/** Go's quoteChar: how a byte is shown inside `invalid character '…'`. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  // Go converts the byte to a rune (so 0xEF shows as 'ï') and quotes it like strconv.Quote.
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  const special = named[c];
  if (special !== undefined) return `'${special}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  if (c === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(c)}'`;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

type Container = 'object-key' | 'object-value' | 'array';

/**
 * Walks the bytes like Go's scanner and returns the first syntax error, or undefined if the
 * document is valid. Kept iterative with an explicit stack so deep nesting cannot overflow.
 */
export function scanForSyntaxError(b: Uint8Array): JsonSyntaxError | undefined {
  const stack: Container[] = [];
  let i = 0;
  const n = b.length;
  const fail = (context: string): JsonSyntaxError => ({
    message: `invalid character ${quoteChar(b[i] as number)} ${context}`,
    offset: i + 1,
  });
  const eof = (): JsonSyntaxError => ({ message: 'unexpected end of JSON input', offset: n });
  const skipSpace = (): void => {
    while (i < n && isSpace(b[i] as number)) i++;
  };

  // Scans one string starting at the opening quote; returns an error or undefined.
  const scanString = (): JsonSyntaxError | undefined => {
    i++;
    for (;;) {
      if (i >= n) return eof();
      const c = b[i] as number;
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) return eof();
        const e = b[i] as number;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n) return eof();
            if (!isHex(b[i] as number)) return fail('in \\u hexadecimal character escape');
          }
          i++;
          continue;
        }
        if (![0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(e)) return fail('in string escape code');
        i++;
        continue;
      }
      if (c < 0x20) return fail('in string literal');
      i++;
    }
  };

  const scanNumber = (): JsonSyntaxError | undefined => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= n) return eof();
      if (!isDigit(b[i] as number)) return fail('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (i < n && isDigit(b[i] as number)) i++;
    if (i < n && b[i] === 0x2e) {
      i++;
      if (i >= n) return eof();
      if (!isDigit(b[i] as number)) return fail('after decimal point in numeric literal');
      while (i < n && isDigit(b[i] as number)) i++;
    }
    if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < n && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= n) return eof();
      if (!isDigit(b[i] as number)) return fail('in exponent of numeric literal');
      while (i < n && isDigit(b[i] as number)) i++;
    }
    return undefined;
  };

  const scanLiteral = (word: string): JsonSyntaxError | undefined => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) return eof();
      if (b[i] !== word.charCodeAt(k)) return fail(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
    return undefined;
  };

  // Scans the start of a value. Objects push onto the stack and return to the main loop; arrays
  // push and loop here for their first element, so deep nesting never recurses.
  const beginValue = (): JsonSyntaxError | undefined => {
    for (;;) {
      skipSpace();
      if (i >= n) return eof();
      const c = b[i] as number;
      switch (c) {
        case 0x7b:
          i++;
          skipSpace();
          if (i >= n) return eof();
          if (b[i] === 0x7d) {
            i++;
            return undefined;
          }
          if (b[i] !== 0x22) return fail('looking for beginning of object key string');
          stack.push('object-key');
          return scanString();
        case 0x5b:
          i++;
          skipSpace();
          if (i >= n) return eof();
          if (b[i] === 0x5d) {
            i++;
            return undefined;
          }
          stack.push('array');
          continue;
        case 0x22:
          return scanString();
        case 0x74:
          return scanLiteral('true');
        case 0x66:
          return scanLiteral('false');
        case 0x6e:
          return scanLiteral('null');
        default:
          if (c === 0x2d || isDigit(c)) return scanNumber();
          return fail('looking for beginning of value');
      }
    }
  };

  let err = beginValue();
  if (err) return err;
  // After each complete value, decide what may follow from the innermost container.
  for (;;) {
    skipSpace();
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < n) return fail('after top-level value');
      return undefined;
    }
    if (i >= n) return eof();
    const c = b[i] as number;
    if (top === 'object-key') {
      if (c !== 0x3a) return fail('after object key');
      i++;
      stack[stack.length - 1] = 'object-value';
      err = beginValue();
    } else if (top === 'object-value') {
      if (c === 0x2c) {
        i++;
        skipSpace();
        if (i >= n) return eof();
        if (b[i] !== 0x22) return fail('looking for beginning of object key string');
        stack[stack.length - 1] = 'object-key';
        err = scanString();
      } else if (c === 0x7d) {
        i++;
        stack.pop();
        err = undefined;
      } else return fail('after object key:value pair');
    } else {
      if (c === 0x2c) {
        i++;
        err = beginValue();
      } else if (c === 0x5d) {
        i++;
        stack.pop();
        err = undefined;
      } else return fail('after array element');
    }
    if (err) return err;
  }
}
