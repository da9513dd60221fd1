// Butane's encoding contest for inline and local contents (butane.md §4.3).
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeDataUrl, escapeDataUrlText, forgetValidDataUrls, isKnownValidDataUrl } from '../../src/config/data-url.ts';
import { checkConfig } from '../../src/config/index.ts';
import { urlProblem } from '../../src/config/rules/resources.ts';
import { SPEC_VERSIONS } from '../../src/config/versions.ts';
import { encodeContent } from '../../transpiler/data-url.ts';
import { gzipLikeGo } from '../../transpiler/gzip/index.ts';

const auto = { userCompression: undefined, allowGzip: true, legacy: false };
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('encodeContent', () => {
  test('short text is URL-escaped with upstream escape set', () => {
    expect(encodeContent(bytes('Hello, world!'), auto)).toEqual({ source: 'data:,Hello%2C%20world!', compression: '' });
  });

  test('base64 wins only when strictly shorter', () => {
    expect(encodeContent(Buffer.from([0, 1, 2, 3, ...bytes('binary')]), auto).source).toBe('data:,%00%01%02%03binary');
    expect(encodeContent(Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa]), auto).source).toBe('data:;base64,//79/Pv6');
  });

  test('repetitive text is gzipped', () => {
    const text = `${'a'.repeat(100)}\n`;
    const encoded = encodeContent(bytes(text), auto);
    expect(encoded.compression).toBe('gzip');
    const decoded = decodeDataUrl(encoded.source);
    expect('data' in decoded ? gunzipSync(decoded.data).toString() : '').toBe(text);
  });

  test('no gzip where it is not allowed, nor on fcos 1.0', () => {
    const text = bytes('b'.repeat(300));
    expect(encodeContent(text, { ...auto, allowGzip: false }).compression).toBe('');
    expect(encodeContent(text, { ...auto, legacy: true })).toEqual({ source: `data:,${'b'.repeat(300)}` });
  });

  test('a compression set by the user is kept and nothing is recompressed', () => {
    expect(encodeContent(bytes('x'.repeat(300)), { ...auto, userCompression: 'gzip' })).toEqual({ source: `data:,${'x'.repeat(300)}`, compression: 'gzip' });
  });

  test('empty content', () => {
    expect(encodeContent(Buffer.alloc(0), auto)).toEqual({ source: 'data:,', compression: '' });
  });

  test('chooses exactly what the naive contest chooses (every candidate built)', () => {
    // The implementation skips gzip trials that cannot win and builds only the winner; neither
    // may change a choice or a byte.
    const naive = (data: Uint8Array): { source: string; compression: string } => {
      const escaped = `data:,${escapeDataUrlText(data)}`;
      const b64 = `data:;base64,${Buffer.from(data).toString('base64')}`;
      const best = b64.length < escaped.length ? b64 : escaped;
      if (data.length === 0) return { source: best, compression: '' };
      const gzipped = `data:;base64,${gzipLikeGo(data).toString('base64')}`;
      return gzipped.length + 'gzip'.length < best.length ? { source: gzipped, compression: 'gzip' } : { source: best, compression: '' };
    };
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', 'é', 'ab', '%', '\u0000'), { maxLength: 80 }).map((parts) => Buffer.from(parts.join('')));
    const large = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 200, max: 1200 })).map(([unit, times]) => Buffer.concat(Array.from({ length: times }, (_, i) => Buffer.from(unit.map((b) => (b + i) & 0xff)))));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), text, large), (data) => {
        expect(encodeContent(data, auto)).toEqual(naive(data));
      }),
      { numRuns: 300 },
    );
  });

  test('every encoding decodes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const encoded = encodeContent(data, auto);
        const decoded = decodeDataUrl(encoded.source);
        if (!('data' in decoded)) return false;
        const back = encoded.compression === 'gzip' ? gunzipSync(decoded.data) : decoded.data;
        return Buffer.compare(back, Buffer.from(data)) === 0;
      }),
    );
  });

  // checkConfig skips the URLs the transpile encoded (noted as known to decode): it may only do so
  // if every one of them passes the URL rule, in every spec version, when read the long way.
  test('every URL it records passes the URL rule read in full, and checkConfig reports the same with the skip', () => {
    const options = fc.record({ userCompression: fc.constantFrom(undefined, '', 'gzip'), allowGzip: fc.boolean(), legacy: fc.boolean() });
    const text = fc.string({ unit: 'binary', maxLength: 400 }).map((t) => Buffer.from(t, 'utf8'));
    const content = fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 400 }), text), options);
    // Sources the transpiler never makes, some broken: they must still be read and reported.
    const foreign = fc.constantFrom('data:,%zz', 'data:;base64,abc', 'data:;base64,YQ==', 'data:text/plain,%41', 'https://example.com/x', 'ftp://x/y', 'data:,a b', '');
    fc.assert(
      fc.property(fc.array(content, { maxLength: 8 }), fc.array(foreign, { maxLength: 3 }), fc.constantFrom(...SPEC_VERSIONS), (contents, others, version) => {
        forgetValidDataUrls();
        const sources = contents.map(([data, opts]) => encodeContent(data, opts).source);
        for (const source of sources) expect(isKnownValidDataUrl(source)).toBe(true);
        const files = [...sources, ...others].map((source, i) => ({ path: `/f${i}`, contents: { source } }));
        const config = { ignition: { version }, storage: { files } };
        const skipping = checkConfig(config);
        forgetValidDataUrls();
        for (const source of sources) expect(urlProblem(source, version)).toBeUndefined();
        forgetValidDataUrls();
        expect(skipping).toEqual(checkConfig(config));
      }),
      { numRuns: 200 },
    );
  });
});
