// SigV4 against AWS's published example (GET object with a Range header, from the S3 API docs'
// "Signature Calculations for the Authorization Header" page) and the encoding rules.
import { describe, expect, test } from 'vitest';
import { amzDate, awsEncode, signRequest } from '../../src/resource/sigv4.ts';

describe('sigv4', () => {
  test("reproduces AWS's documented GET object signature", () => {
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { Range: 'bytes=0-9' },
      region: 'us-east-1',
      service: 's3',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      at: new Date('2013-05-24T00:00:00Z'),
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  test('a session token is sent and signed', () => {
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://b.s3.eu-west-1.amazonaws.com/k'),
      headers: {},
      region: 'eu-west-1',
      service: 's3',
      credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' },
      at: new Date('2024-01-02T03:04:05Z'),
    });
    expect(headers['x-amz-security-token']).toBe('T');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,');
  });

  test.for([
    ['a/b c', true, 'a/b%20c'],
    ['a/b', false, 'a%2Fb'],
    ['ü~-._', true, '%C3%BC~-._'],
    ['x+y=z', false, 'x%2By%3Dz'],
  ] as const)('encodes %j (keep slash %s) as %s', ([input, keep, out]) => {
    expect(awsEncode(input, keep)).toBe(out);
  });

  test('formats dates without separators or milliseconds', () => {
    expect(amzDate(new Date('2024-12-31T23:59:58.123Z'))).toBe('20241231T235958Z');
  });
});
