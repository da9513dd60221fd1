// Data URL decoding (acceptance and upstream's error strings) and Butane's two encodings.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dataUrlError, decodeDataUrl, encodeDataUrl, escapeDataUrlText, shortestDataUrl } from '../../src/config/data-url.ts';
import { canRun, hasCommand } from '../helpers/env.ts';
import { runSync } from '../helpers/process.ts';

function text(url: string): string {
  const result = decodeDataUrl(url);
  if ('error' in result) throw new Error(`unexpected error for ${url}: ${result.error}`);
  return result.data.toString('latin1');
}

function error(url: string): string | undefined {
  const result = decodeDataUrl(url);
  return 'error' in result ? result.error : undefined;
}

describe('decodeDataUrl', () => {
  it.each([
    ['data:,', ''],
    ['data:,hello%0A', 'hello\n'],
    ['data:,%23!%2Fbin%2Fsh%0Aecho%20hi%0A', '#!/bin/sh\necho hi\n'],
    ['data:,a/b?c=d&e', 'a/b?c=d&e'],
    ['data:,%e2%82%ac', '\xe2\x82\xac'],
    ['data:;base64,aGVsbG8=', 'hello'],
    ['data:;base64,', ''],
    ['data:;base64,QR==', 'A'],
    ['data:text/plain;charset=utf-8,x', 'x'],
    ['data:text/plain;charset=utf-8;base64,eA==', 'x'],
    ['data:application/octet-stream;base64,AAEC', '\x00\x01\x02'],
    ['data:x-custom/thing,ok', 'ok'],
    ['data:text/plain;name="a\\"b",q', 'q'],
  ])('decodes %s', (url, expected) => {
    expect(text(url)).toBe(expected);
  });

  it('reports the media type and parameters', () => {
    const plain = decodeDataUrl('data:,x');
    expect(plain).toMatchObject({ mediaType: 'text/plain', params: { charset: 'US-ASCII' } });
    const typed = decodeDataUrl('data:image/png;name=a%20b;q="x\\ty",z');
    expect(typed).toMatchObject({ mediaType: 'image/png', params: { name: 'a b', q: 'x\ty' } });
    expect('params' in typed && 'charset' in typed.params).toBe(false);
  });

  it.each([
    ['', 'missing data prefix'],
    ['DATA:,x', 'missing data prefix'],
    ['data:', 'missing comma before data'],
    ['data:x', 'missing media type slash'],
    ['data:text', 'missing media type slash'],
    ['data:text,', 'invalid character for media type'],
    ['data:foo/bar,x', 'invalid media type'],
    ['data: ,x', 'invalid character after data prefix'],
    ['data:text/', 'incomplete media type'],
    ['data:text/pl ain,x', 'invalid character for media subtype'],
    ['data:;', 'unterminated parameter sequence'],
    ['data:;,x', 'unterminated parameter sequence'],
    ['data:;a', 'unterminated parameter sequence'],
    ['data:;a b,x', 'invalid character for parameter attribute'],
    ['data:;charset,x', 'expected base64, got charset'],
    ['data:;a=', 'missing comma before data'],
    ['data:;a=b', 'missing comma before data'],
    ['data:;a= ,x', 'invalid character for parameter value'],
    ['data:;a="b', 'unclosed quoted string'],
    ['data:;a="b"c,x', 'expected semicolon or comma'],
    ['data:;a="\\q",x', 'invalid syntax'],
    ['data:;a=%zz,x', 'rfc2396: invalid char 0x25 in unescape sequence'],
    ['data:,a b', 'invalid data character'],
    ['data:,a#b', 'invalid data character'],
    ['data:,\u00e9', 'invalid data character'],
    ['data:,%zz', 'rfc2396: invalid char 0x25 in unescape sequence'],
    ['data:,%4', 'rfc2396: unexpected end of unescape sequence'],
    ['data:,%', 'rfc2396: unexpected end of unescape sequence'],
    ['data:;base64,a b', 'invalid data character'],
    ['data:;base64,aGVsbG8', 'illegal base64 data at input byte 4'],
    ['data:;base64,aGVsbG=', 'illegal base64 data at input byte 7'],
    ['data:;base64,aGVsbA==x', 'illegal base64 data at input byte 8'],
    ['data:;base64,====', 'illegal base64 data at input byte 0'],
    ['data:;base64,Q===', 'illegal base64 data at input byte 1'],
    ['data:;base64,QQ=A', 'illegal base64 data at input byte 2'],
  ])('rejects %j with %j', (url, message) => {
    expect(error(url)).toBe(message);
  });
});

describe('decodeDataUrl: the two common headers', () => {
  it('decode as the full header walk decodes the same URL with its default charset spelt out', () => {
    const payload = fc.string({ unit: fc.constantFrom('a', 'Q', 'z', '0', '+', '/', '=', '%', '4', 'e', ' ', '#', '\u00e9', ',', ';'), maxLength: 24 });
    fc.assert(
      fc.property(payload, (p) => {
        expect(decodeDataUrl(`data:,${p}`)).toEqual(decodeDataUrl(`data:;charset=US-ASCII,${p}`));
        expect(decodeDataUrl(`data:;base64,${p}`)).toEqual(decodeDataUrl(`data:;charset=US-ASCII;base64,${p}`));
        expect(decodeDataUrl(`data:;base64,${p}`, { validateOnly: true })).toEqual(decodeDataUrl(`data:;charset=US-ASCII;base64,${p}`, { validateOnly: true }));
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeDataUrl', () => {
  it('escapes everything outside the unreserved set with two uppercase hex digits', () => {
    expect(encodeDataUrl(Buffer.from('Hello, world!'), { base64: false })).toBe('data:,Hello%2C%20world!');
    expect(encodeDataUrl(Buffer.from([0, 1, 2, 3, ...Buffer.from('binary')]), { base64: false })).toBe(
      'data:,%00%01%02%03binary',
    );
    expect(escapeDataUrlText(Buffer.from("az AZ 09-_.!~*'()/#=%\n\u00e9"))).toBe(
      "az%20AZ%2009-_.!~*'()%2F%23%3D%25%0A%C3%A9",
    );
    expect(encodeDataUrl(new Uint8Array(), { base64: false })).toBe('data:,');
  });

  it('writes standard padded base64', () => {
    expect(encodeDataUrl(Buffer.from('{"ignition": {"version": "3.5.0"}}'), { base64: true })).toBe(
      'data:;base64,eyJpZ25pdGlvbiI6IHsidmVyc2lvbiI6ICIzLjUuMCJ9fQ==',
    );
  });

  it('prefers base64 only when it is strictly shorter', () => {
    expect(shortestDataUrl(Buffer.from('myhost'))).toBe('data:,myhost');
    expect(shortestDataUrl(Buffer.from([0xff, 0xfe, 0xfd, 0xff, 0xfe, 0xfd]))).toBe('data:;base64,//79//79');
    expect(shortestDataUrl(Buffer.from([0xff, 0xfe, 0xfd]))).toBe('data:,%FF%FE%FD');
  });

  it('round-trips arbitrary bytes through both encodings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, base64) => {
        const decoded = decodeDataUrl(encodeDataUrl(bytes, { base64 }));
        expect('data' in decoded && decoded.data.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary input and always yields data or a message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (tail) => {
        const result = decodeDataUrl(`data:${tail}`);
        expect('data' in result || result.error.length > 0).toBe(true);
      }),
    );
  });
});

const corpus = new URL('../../../shared/conformance/butane-docs/cases', import.meta.url).pathname;
const haveCorpus = canRun('the Butane conformance corpus in ../shared', existsSync(corpus));

/** Every resource Butane encoded itself: those carry a `compression` key next to a data URL. */
function encodedResources(value: unknown, found: { compression: string; source: string }[] = []): typeof found {
  if (Array.isArray(value)) for (const item of value) encodedResources(item, found);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (
      typeof record['compression'] === 'string' &&
      typeof record['source'] === 'string' &&
      record['source'].startsWith('data:')
    ) {
      found.push({ compression: record['compression'], source: record['source'] });
    }
    for (const item of Object.values(record)) encodedResources(item, found);
  }
  return found;
}

describe.skipIf(!haveCorpus)('data URLs in upstream Butane outputs', () => {
  const resources = haveCorpus
    ? readdirSync(corpus)
        .filter((name) => existsSync(join(corpus, name, 'expected.json')))
        .flatMap((name) => encodedResources(JSON.parse(readFileSync(join(corpus, name, 'expected.json'), 'utf8'))))
    : [];

  it('decode, and the uncompressed ones re-encode to the same text', () => {
    expect(resources.filter((r) => r.compression === '').length).toBeGreaterThan(5);
    expect(resources.some((r) => r.compression === 'gzip')).toBe(true);
    for (const resource of resources) {
      const decoded = decodeDataUrl(resource.source);
      expect(decoded).not.toHaveProperty('error');
      if (resource.compression === '' && 'data' in decoded) expect(shortestDataUrl(decoded.data)).toBe(resource.source);
    }
  });
});

const haveValidator = canRun('ignition-validate', hasCommand('ignition-validate'));

/** Upstream's verdict on each URL as a file source: "OK" or the message reported at that source. */
function upstreamVerdicts(urls: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-data-url-'));
  try {
    const files = urls.map((source, index) => ({ path: `/f${index}`, contents: { source } }));
    const file = join(dir, 'config.ign');
    writeFileSync(file, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files } }));
    const run = runSync('ignition-validate', [file]);
    const verdicts = urls.map(() => 'OK');
    for (const line of run.stdout.split('\n')) {
      const match = /^error at \$\.storage\.files\.(\d+)\.contents\.source, line \d+ col \d+: (.*)$/.exec(line);
      if (match !== null) verdicts[Number(match[1])] = match[2] as string;
    }
    return verdicts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rawPieces = [...'abxX-/;=,"\\%+ #{^AF09'.split(''), 'é', 'base64', 'text', 'plain', 'x-', '%0A', '%zz', '"q"'];
const mediaTypes = ['', 'text/plain', 'x-a/b', 'image/png', 'foo/bar', 'text', 'textual/x', 'text/', 'a b/c'];
const attributes = ['charset', 'base64', 'a', '', 'x y', 'a=b'];
const values = ['', '=utf-8', '=%41', '=%4', '="q"', '="a\\"b"', '="\\q"', '="', '=a b', '="é"'];
const payloads = [
  '',
  'hello',
  'a%20b',
  '%zz',
  '%4',
  'QQ==',
  'aGVsbG8=',
  'aGVsbG8',
  'QR==',
  'Q===',
  '=',
  'a b',
  'é',
  '#',
  '{}',
  'a/b?c=d&e',
];

/** Random data URLs: mostly structured (media type, parameters, encoding, payload), some raw. */
const dataUrls = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...mediaTypes),
      fc.array(fc.tuple(fc.constantFrom(...attributes), fc.constantFrom(...values)), { maxLength: 2 }),
      fc.boolean(),
      fc.constantFrom(...payloads),
    )
    .map(([type, params, base64, payload]) => {
      const parameters = params.map(([attr, value]) => `;${attr}${value}`).join('');
      return `data:${type}${parameters}${base64 ? ';base64' : ''},${payload}`;
    }),
  fc.array(fc.constantFrom(...rawPieces), { maxLength: 8 }).map((pieces) => `data:${pieces.join('')}`),
);

describe.skipIf(!haveValidator)('decodeDataUrl against upstream ignition-validate', () => {
  it('accepts and rejects random data URLs exactly like upstream, with the same messages', () => {
    const urls = fc.sample(dataUrls, { numRuns: 600, seed: 2397 });
    const upstream = upstreamVerdicts(urls);
    const ours = urls.map((url) => {
      const result = decodeDataUrl(url);
      return 'error' in result ? result.error : 'OK';
    });
    // A URL Go's url.Parse already rejects never reaches the data URL decoder.
    const comparable = urls
      .map((url, i) => ({ url, upstream: upstream[i], ours: ours[i] }))
      .filter((c) => c.upstream !== 'unable to parse url');
    expect(comparable.length).toBeGreaterThan(400);
    expect(new Set(comparable.map((c) => c.upstream)).size).toBeGreaterThan(15);
    expect(comparable.filter((c) => c.upstream === 'OK').length).toBeGreaterThan(25);
    expect(comparable.filter((c) => c.upstream !== c.ours)).toEqual([]);
  });
});

describe('dataUrlError', () => {
  it('gives the full decoder\'s verdict, including on the headers it reads without the lexer', () => {
    const header = fc.constantFrom('data:;base64,', 'data:,', 'data:text/plain;base64,', 'data:;base64', 'data:;charset=utf-8,');
    const payload = fc.array(fc.constantFrom('A', 'b', '9', '+', '/', '=', '==', '%', '%2', '%20', '%zz', ' ', '#', 'é', '\n', ','), { maxLength: 12 });
    fc.assert(
      fc.property(header, payload, (head, parts) => {
        const url = head + parts.join('');
        const full = decodeDataUrl(url);
        expect(dataUrlError(url)).toBe('error' in full ? full.error : undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
