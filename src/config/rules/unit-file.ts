// A systemd unit-file reader with go-systemd's unit.Deserialize leniency and errors, which is what
// upstream validates unit contents with. Even its line-length check is reproduced: it only looks
// at what a 4096-byte bufio.Reader happens to hold, so a faithful answer needs that buffer too.

export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

export type UnitParse = { options: UnitOption[] } | { error: string };

const BUFFER_SIZE = 4096;
const LINE_MAX = 2048;

/** Go's unicode.IsSpace. */
function isSpace(r: number): boolean {
  return (
    (r >= 0x09 && r <= 0x0d) ||
    r === 0x20 ||
    r === 0x85 ||
    r === 0xa0 ||
    r === 0x1680 ||
    (r >= 0x2000 && r <= 0x200a) ||
    r === 0x2028 ||
    r === 0x2029 ||
    r === 0x202f ||
    r === 0x205f ||
    r === 0x3000
  );
}

/** Go's %q of a byte slice: a double-quoted string with Go escapes. */
function goQuote(bytes: Buffer): string {
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const rune = decodeRune(bytes, i);
    const c = rune.value;
    if (rune.invalid) out += `\\x${(bytes[i] as number).toString(16).padStart(2, '0')}`;
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += String.fromCodePoint(c);
    i += rune.size;
  }
  return `${out}"`;
}

interface Rune {
  value: number;
  size: number;
  invalid: boolean;
}

/** UTF-8 decoding one rune the way Go's utf8.DecodeRune does (bad bytes are U+FFFD, size 1). */
function decodeRune(bytes: Buffer, at: number): Rune {
  const b0 = bytes[at] as number;
  if (b0 < 0x80) return { value: b0, size: 1, invalid: false };
  const bad: Rune = { value: 0xfffd, size: 1, invalid: true };
  const need = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 < 0xe0 ? 2 : 0;
  if (need === 0 || at + need > bytes.length) return bad;
  let value = b0 & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
  for (let k = 1; k < need; k++) {
    const b = bytes[at + k] as number;
    if ((b & 0xc0) !== 0x80) return bad;
    value = (value << 6) | (b & 0x3f);
  }
  const min = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return bad;
  return { value, size: need, invalid: false };
}

/** Whether the bytes form at least one complete rune (utf8.FullRune). */
function fullRune(bytes: Buffer, from: number, to: number): boolean {
  if (to <= from) return false;
  const b0 = bytes[from] as number;
  const need = b0 < 0x80 ? 1 : b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
  if (to - from >= need) return true;
  for (let k = 1; k < to - from; k++) if (((bytes[from + k] as number) & 0xc0) !== 0x80) return true;
  return false;
}

const EOF = -1;

const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

/** Go's strings.TrimSpace (Unicode white space, unlike String.prototype.trim's slightly larger set). */
function goTrim(text: string): string {
  return text.replace(GO_TRIM, '');
}

/** Parses unit text; errors are go-systemd's strings (Ignition prefixes "invalid unit content: "). */
export function parseUnit(text: string): UnitParse {
  const bytes = Buffer.from(text, 'utf8');
  const total = bytes.length;
  // Absolute offsets: `r` is what has been consumed, `w` how far the 4096-byte buffer reaches.
  let r = 0;
  let w = 0;
  const fill = (): void => {
    w = Math.min(total, r + BUFFER_SIZE);
  };

  let lastRuneSize = 1;
  const readRune = (): number => {
    // ASCII, the usual case, is a whole rune already in the buffer: no refill, no decoding.
    if (r < w && bytes[r]! < 0x80) {
      lastRuneSize = 1;
      return bytes[r++]!;
    }
    if (!fullRune(bytes, r, w) && w - r < BUFFER_SIZE) fill();
    if (r === w) return EOF;
    const rune = decodeRune(bytes, r);
    r += rune.size;
    lastRuneSize = rune.size;
    return rune.value;
  };
  const unreadRune = (): void => {
    r -= lastRuneSize;
  };

  /** bufio.ReadBytes: through the delimiter, or everything left; null when input ended without it. */
  const readBytes = (delim: number): { data: Buffer; found: boolean } => {
    const start = r;
    // The first delimiter from here on, found once: a refill only moves `w` (and `r` up to the
    // old `w`, where no delimiter was), so it stays the first one the buffer can reach.
    const at = bytes.indexOf(delim, r);
    for (;;) {
      if (at >= 0 && at < w) {
        r = at + 1;
        return { data: bytes.subarray(start, r), found: true };
      }
      if (w >= total) {
        r = w;
        return { data: bytes.subarray(start, r), found: false };
      }
      if (w - r >= BUFFER_SIZE) r = w;
      fill();
    }
  };

  const toEOL = (): { line: Buffer; eof: boolean } => {
    const { data, found } = readBytes(0x0a);
    let line = data;
    if (line.length > 0 && line[line.length - 1] === 0x0a) line = line.subarray(0, -1);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    return { line, eof: !found };
  };

  const options: UnitOption[] = [];
  let failure: string | undefined;
  const fail = (message: string): undefined => {
    failure = message;
    return undefined;
  };
  type Step = () => Step | undefined;
  const isComment = (c: number): boolean => c === 0x23 || c === 0x3b;

  const ignoreLine =
    (next: Step): Step =>
    () => {
      for (;;) {
        let { line } = toEOL();
        if (line.length > 0 && line[line.length - 1] === 0x20) line = line.subarray(0, -1);
        if (line.length === 0 || line[line.length - 1] !== 0x5c) break;
      }
      return next;
    };

  const nextSection: Step = () => {
    const c = readRune();
    if (c === EOF) return undefined;
    if (c === 0x5b) return sectionName;
    if (isComment(c)) return ignoreLine(nextSection);
    return nextSection;
  };

  const sectionName: Step = () => {
    const { data, found } = readBytes(0x5d);
    if (!found) return fail('unable to find end of section');
    return sectionSuffix(data.subarray(0, -1).toString('utf8'));
  };

  const sectionSuffix =
    (section: string): Step =>
    () => {
      const garbage = goTrim(toEOL().line.toString('utf8'));
      // go-systemd names l.section here, which it never sets: the name is always empty.
      if (garbage.length > 0) return fail(`found garbage after section name : ${goQuote(Buffer.from(garbage, 'utf8'))}`);
      return sectionOrOption(section);
    };

  const sectionOrOption =
    (section: string): Step =>
    () => {
      const c = readRune();
      if (c === EOF) return undefined;
      if (isSpace(c)) return sectionOrOption(section);
      if (c === 0x5b) return sectionName;
      if (isComment(c)) return ignoreLine(sectionOrOption(section));
      unreadRune();
      return optionName(section);
    };

  const optionName =
    (section: string): Step =>
    () => {
      let name = '';
      for (;;) {
        const c = readRune();
        if (c === EOF) return fail('EOF');
        if (c === 0x0a || c === 0x0d) return fail('unexpected newline encountered while parsing option name');
        if (c === 0x3d) break;
        name += String.fromCodePoint(c);
      }
      return optionValue(section, goTrim(name), '');
    };

  const optionValue =
    (section: string, name: string, partial: string): Step =>
    () => {
      let value = partial;
      const { line, eof } = toEOL();
      if (goTrim(line.toString('utf8')).length > 0) {
        value += line.toString('utf8');
        const lastBackslash = line.lastIndexOf(0x5c);
        if (lastBackslash !== -1 && lastBackslash === line.length - 1) {
          return optionValue(section, name, eof ? value : `${value}\n`);
        }
      }
      value = value.endsWith('\n') ? `${goTrim(value)}\n` : goTrim(value);
      options.push({ section, name, value });
      return sectionOrOption(section);
    };

  let step: Step | undefined = nextSection;
  while (step !== undefined) {
    if (w - r >= LINE_MAX) {
      const window = bytes.subarray(r, r + LINE_MAX);
      if (window.indexOf(0x0a) < 0 && window.indexOf(0x0d) < 0) return { error: `line too long (max ${LINE_MAX} bytes)` };
    }
    step = step();
  }
  return failure === undefined ? { options } : { error: failure };
}

/** Upstream's check for an `[Install]` section among the parsed options. */
export function hasInstallSection(options: UnitOption[]): boolean {
  return options.some((option) => option.section === 'Install');
}
