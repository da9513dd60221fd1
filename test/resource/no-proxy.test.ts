// Proxy choice per URL, matched like Go's standard proxy matcher (ignition-spec.md §8.3).
import { describe, expect, test } from 'vitest';
import { bypassed, proxyFor } from '../../src/resource/no-proxy.ts';

describe('noProxy matching', () => {
  test.for([
    ['example.com', '80', 'example.com', true],
    ['sub.example.com', '80', 'example.com', true],
    ['notexample.com', '80', 'example.com', false],
    ['example.com', '80', '.example.com', false],
    ['sub.example.com', '80', '.example.com', true],
    ['sub.example.com', '80', '*.example.com', true],
    ['example.com', '8080', 'example.com:8080', true],
    ['example.com', '80', 'example.com:8080', false],
    ['10.1.2.3', '80', '10.0.0.0/8', true],
    ['11.1.2.3', '80', '10.0.0.0/8', false],
    ['10.1.2.3', '80', '10.1.2.3', true],
    ['10.1.2.4', '80', '10.1.2.3', false],
    ['2001:db8::1', '443', '2001:db8::/32', true],
    ['2001:db8::1', '443', '[2001:db8::1]:443', true],
    ['anything.org', '80', '*', true],
    ['a.org', '80', ' b.org , a.org ', true],
    ['a.org', '80', '', false],
  ] as const)('%s:%s against %j -> %s', ([host, port, list, expected]) => {
    expect(bypassed(host, port, list)).toBe(expected);
  });

  test('httpProxy is for http:// only and httpsProxy for https:// only', () => {
    const proxy = { httpProxy: 'http://p1:3128', httpsProxy: null };
    expect(proxyFor(new URL('http://example.com/'), proxy)).toBe('http://p1:3128');
    expect(proxyFor(new URL('https://example.com/'), proxy)).toBeUndefined();
    expect(proxyFor(new URL('https://example.com/'), { httpsProxy: 'http://p2:3128' })).toBe('http://p2:3128');
  });

  test('loopback and localhost never go through a proxy', () => {
    const proxy = { httpProxy: 'http://p1:3128' };
    for (const url of ['http://localhost/', 'http://127.0.0.1:8080/', 'http://[::1]/']) expect(proxyFor(new URL(url), proxy)).toBeUndefined();
  });

  test('noProxy entries are joined from the config list', () => {
    const proxy = { httpProxy: 'http://p1:3128', noProxy: ['a.org', null, '.b.org'] };
    expect(proxyFor(new URL('http://x.b.org/'), proxy)).toBeUndefined();
    expect(proxyFor(new URL('http://b.org/'), proxy)).toBe('http://p1:3128');
  });
});
