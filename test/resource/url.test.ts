// Redaction of sources before they reach logs and error messages.
import { expect, test } from 'vitest';
import { redact, schemeOf } from '../../src/resource/url.ts';

test.for([
  ['http://user:pass@host/p', 'http://REDACTED@host/p'],
  ['https://host/p?X-Amz-Signature=abc&versionId=1', 'https://host/p?X-Amz-Signature=REDACTED&versionId=1'],
  ['https://host/p?sig=abc&token=t', 'https://host/p?sig=REDACTED&token=REDACTED'],
  ['tftp://host/file', 'tftp://host/file'],
  ['s3://bucket/key', 's3://bucket/key'],
] as const)('redacts %s', ([source, expected]) => {
  expect(redact(source)).toBe(expected);
});

test('long data URLs are shortened', () => {
  expect(redact(`data:,${'a'.repeat(100)}`)).toHaveLength(64);
});

test('schemes are compared lowercase', () => {
  expect(schemeOf('HTTPS://x')).toBe('https');
  expect(schemeOf('no-scheme')).toBe('');
});
