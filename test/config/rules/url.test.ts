// The Go net/url.Parse work-alike: which texts parse, what scheme they yield, and the query lookup
// used for S3 version ids. Expected values are Go's behaviour (checked against ignition-validate).
import { describe, expect, it } from 'vitest';
import { parseGoUrl, queryValues } from '../../../src/config/rules/url.ts';

describe('parseGoUrl', () => {
  it.each([
    ['http://example.com/x', 'http'],
    ['HTTPS://example.com', 'https'],
    ['s3://bucket/key?versionId=1', 's3'],
    ['arn:aws:s3:::bucket/key', 'arn'],
    ['data:,x', 'data'],
    ['data;x', ''],
    ['/absolute/path', ''],
    ['', ''],
    ['*', ''],
    ['x+y-z.w://h', 'x+y-z.w'],
    ['http://[::1]:8080/', 'http'],
    ['http://[fe80::1%25en0]/', 'http'],
    ['http://user:pa%20ss@h/', 'http'],
    ['http://h/#frag', 'http'],
    ['http://h%C3%A9/', 'http'],
    ['http://é/', 'http'],
  ])('%j parses with scheme %j', (text, scheme) => {
    const url = parseGoUrl(text);
    expect('error' in url ? url.error : url.scheme).toBe(scheme);
  });

  it.each([
    'http://[::1',
    'http://[::1]x',
    'http://a b/',
    'http://h:port/',
    'http://h:80/%zz',
    'http://h/#%zz',
    'http://u r@h/',
    'http://%41/',
    'http://[fe80::1%en0]/',
    '://x',
    '1x:y',
    'http://h/\u0001',
  ])('%j does not parse', (text) => {
    expect('error' in parseGoUrl(text)).toBe(true);
  });

  it('keeps the opaque part and query of rootless URLs apart', () => {
    expect(parseGoUrl('arn:aws:s3:::b/k?versionId=2#f')).toMatchObject({ scheme: 'arn', opaque: 'aws:s3:::b/k', rawQuery: 'versionId=2' });
  });

  it('splits host and path', () => {
    expect(parseGoUrl('https://u@h:1/p/q?x')).toMatchObject({ host: 'h:1', path: '/p/q', rawQuery: 'x' });
  });
});

describe('queryValues', () => {
  it.each([
    ['versionId=1', ['1']],
    ['versionId=', ['']],
    ['versionId', ['']],
    ['a=1&versionId=x+y&versionId=2', ['x y', '2']],
    ['versionId=%zz', undefined],
    ['versionId=1;x', undefined],
    ['versionid=1', undefined],
    ['version%49d=1', ['1']],
  ])('%j', (query, values) => {
    expect(queryValues(query, 'versionId')).toEqual(values);
  });
});
