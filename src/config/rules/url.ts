// A Go net/url.Parse work-alike: just enough to tell, as upstream does, a URL that does not parse
// ("unable to parse url") from one whose scheme is wrong ("invalid url scheme"), plus the query
// lookup upstream uses for S3 version ids.

export interface GoUrl {
  /** Lowercased, as Go returns it; empty when the text has no scheme. */
  scheme: string;
  /** The rest of a rootless URL such as `arn:aws:s3:::b/k` (without query or fragment). */
  opaque: string;
  host: string;
  path: string;
  rawQuery: string;
}

export type GoUrlResult = GoUrl | { error: string };

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const unhex = (c: number): number => (isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10);

type Mode = 'path' | 'host' | 'zone' | 'userinfo' | 'fragment';

/** Go's shouldEscape, reduced to the modes whose answer Parse looks at (host and zone). */
function hostNeedsEscape(c: number): boolean {
  if (isAlpha(c) || isDigit(c)) return false;
  return !"!$&'()*+,;=:[]<>\"-_.~".includes(String.fromCharCode(c));
}

/** Validates %-escapes (and host characters) the way Go's unescape does; returns an error or undefined. */
function checkEscapes(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      }
      const triple = s.slice(i, i + 3);
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && triple !== '%25') {
        return `invalid URL escape ${JSON.stringify(triple)}`;
      }
      if (mode === 'zone') {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (triple !== '%25' && v !== 0x20 && hostNeedsEscape(v)) {
          return `invalid URL escape ${JSON.stringify(triple)}`;
        }
      }
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c < 0x80 && hostNeedsEscape(c)) {
      return `invalid character ${JSON.stringify(s[i])} in host name`;
    }
    i++;
  }
  return undefined;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (!port.startsWith(':')) return false;
  for (let i = 1; i < port.length; i++) if (!isDigit(port.charCodeAt(i))) return false;
  return true;
}

function parseHost(host: string): string | { error: string } {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${JSON.stringify(colonPort)} after host` };
    const zone = host.slice(0, close).indexOf('%25');
    const problem =
      zone >= 0
        ? (checkEscapes(host.slice(0, zone), 'host') ??
          checkEscapes(host.slice(zone, close), 'zone') ??
          checkEscapes(host.slice(close), 'host'))
        : checkEscapes(host, 'host');
    return problem === undefined ? host : { error: problem };
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) {
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${JSON.stringify(colonPort)} after host` };
  }
  const problem = checkEscapes(host, 'host');
  return problem === undefined ? host : { error: problem };
}

/** Go's validUserinfo: ASCII letters, digits and a fixed set of marks only. */
function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isAlpha(c) || isDigit(c)) continue;
    if (!"-._:~!$&'()*+,;=%@".includes(ch)) return false;
  }
  return true;
}

function parseAuthority(authority: string): string | { error: string } {
  const at = authority.lastIndexOf('@');
  if (at < 0) return parseHost(authority);
  const host = parseHost(authority.slice(at + 1));
  if (typeof host !== 'string') return host;
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) return { error: 'net/url: invalid userinfo' };
  const problem = checkEscapes(userinfo, 'userinfo');
  return problem === undefined ? host : { error: problem };
}

/** Go's getScheme: letters first, then letters, digits, `+`, `-`, `.` up to a colon. */
function splitScheme(raw: string): { scheme: string; rest: string } | { error: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (isAlpha(c)) continue;
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) return { error: 'missing protocol scheme' };
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** Parses like Go's url.Parse; the error strings are informative only (upstream replaces them). */
export function parseGoUrl(raw: string): GoUrlResult {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  if (/[\x00-\x1f\x7f]/.test(main)) return { error: 'net/url: invalid control character in URL' };
  const url: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawQuery: '' };
  if (main === '*') {
    url.path = '*';
  } else {
    const split = splitScheme(main);
    if ('error' in split) return split;
    url.scheme = split.scheme.toLowerCase();
    let rest = split.rest;
    if (rest.endsWith('?') && rest.split('?').length === 2) {
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf('?');
      if (q >= 0) {
        url.rawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    if (!rest.startsWith('/')) {
      if (url.scheme !== '') {
        url.opaque = rest;
        return finishFragment(url, fragment);
      }
      const slash = rest.indexOf('/');
      const segment = slash < 0 ? rest : rest.slice(0, slash);
      if (segment.includes(':')) return { error: 'first path segment in URL cannot contain colon' };
    }
    if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      let authority = rest.slice(2);
      rest = '';
      const slash = authority.indexOf('/');
      if (slash >= 0) {
        rest = authority.slice(slash);
        authority = authority.slice(0, slash);
      }
      const host = parseAuthority(authority);
      if (typeof host !== 'string') return host;
      url.host = host;
    }
    const problem = checkEscapes(rest, 'path');
    if (problem !== undefined) return { error: problem };
    url.path = rest;
  }
  return finishFragment(url, fragment);
}

function finishFragment(url: GoUrl, fragment: string): GoUrlResult {
  const problem = checkEscapes(fragment, 'fragment');
  return problem === undefined ? url : { error: problem };
}

/** Go's ParseQuery as url.Query() uses it: malformed pairs are skipped, `+` is a space. */
export function queryValues(rawQuery: string, key: string): string[] | undefined {
  let found: string[] | undefined;
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const k = queryUnescape(rawKey);
    const v = queryUnescape(rawValue);
    if (k === undefined || v === undefined || k !== key) continue;
    (found ??= []).push(v);
  }
  return found;
}

function queryUnescape(s: string): string | undefined {
  if (checkEscapes(s, 'path') !== undefined) return undefined;
  const bytes: number[] = [];
  const raw = Buffer.from(s.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    if (c === 0x25) {
      bytes.push((unhex(raw[i + 1] as number) << 4) | unhex(raw[i + 2] as number));
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
