import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { cloudInitKind, decodeBase64, userDataToConfig } from '../../src/providers/user-data.ts';
import { CONFIG, testContext, type TestContext } from './helpers.ts';

let t: TestContext;
afterEach(async () => t?.close());

describe('user data classification', () => {
  test.each([
    ['#cloud-config\nhostname: x\n', 'a cloud-config'],
    ['  #cloud-config   \n', 'a cloud-config'],
    ['#!/bin/bash\necho hi\n', 'a script'],
    ['Content-Type: multipart/mixed; boundary="==X=="\nMIME-Version: 1.0\n\n--==X==\n', 'a MIME multipart document'],
    [CONFIG, undefined],
    ['{"ignition": {"version": "2.3.0"}}', undefined],
  ])('%j is %s', (text, kind) => {
    expect(cloudInitKind(text)).toBe(kind);
  });

  test('cloud-config is reported and treated as no config', () => {
    t = testContext();
    expect(userDataToConfig(t.ctx, Buffer.from('#cloud-config\nusers: []\n'), 'http://x/user-data')).toBeUndefined();
    expect(t.lines.some((l) => l.startsWith('<4>') && l.includes('is a cloud-config, not an Ignition config'))).toBe(true);
  });

  test('gzip-compressed configs are accepted; gzip-compressed cloud-config is still no config', () => {
    t = testContext();
    expect(userDataToConfig(t.ctx, gzipSync(CONFIG), 's')).toEqual({ text: CONFIG, source: 's' });
    expect(userDataToConfig(t.ctx, gzipSync('#!/bin/sh\n'), 's')).toBeUndefined();
  });

  test('empty user data is no config; broken gzip is an error', () => {
    t = testContext();
    expect(userDataToConfig(t.ctx, Buffer.from(' \n'), 's')).toBeUndefined();
    expect(() => userDataToConfig(t.ctx, Buffer.from([0x1f, 0x8b, 1, 2, 3]), 's')).toThrow(/failed to decode user data from s: gzip/);
  });

  test('strict base64', () => {
    expect(decodeBase64('e30K')?.toString()).toBe('{}\n');
    expect(decodeBase64('e30K\n')?.toString()).toBe('{}\n');
    expect(decodeBase64('{"not": "base64"}')).toBeUndefined();
    expect(decodeBase64('abcde')).toBeUndefined();
  });
});
