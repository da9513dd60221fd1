// HTTP and HTTPS fetching against real servers on 127.0.0.1: headers, redirects, the status policy,
// retries with an injected clock, transport faults, timeouts, trust from config CAs, and proxies.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ProvisionError } from '../../src/report.ts';
import { contextForConfig } from '../../src/resource/ca.ts';
import { createFetchContext, type FetchContext } from '../../src/resource/context.ts';
import { closeFetchContext, fetchResource, fetchToBuffer } from '../../src/resource/fetch.ts';
import { canRun } from '../helpers/env.ts';
import {
  fakeClock, installTo, makeTls, nonLoopbackAddress, startHttp, startHttps, startProxy, type Handler, type Running, type TlsFiles,
} from './servers.ts';

const running: Running[] = [];
const contexts: FetchContext[] = [];
let scratch: string;

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => closeFetchContext(c)));
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function serve(handler: Handler): Promise<Running> {
  const server = await startHttp(handler);
  running.push(server);
  return server;
}

function context(overrides: Partial<FetchContext> = {}): FetchContext & { lines: string[]; slept: number[] } {
  const clock = fakeClock();
  const lines: string[] = [];
  const ctx = createFetchContext({ log: (l) => lines.push(l), now: clock.now, sleep: clock.sleep, tmpDir: scratch, ...overrides });
  contexts.push(ctx);
  return Object.assign(ctx, { lines, slept: clock.slept });
}

/** Runs a fetch that must fail; returns its error after checking nothing was installed or left behind. */
async function failingInstall(url: string, ctx: FetchContext, extra: object = {}): Promise<ProvisionError> {
  const dir = mkdtempSync(join(scratch, 'root-'));
  const dest = join(dir, 'dest');
  const error = await installTo(dest, (d) => fetchResource({ source: url, ...extra }, ctx, ['storage', 'files', 0, 'contents'], { dir: d })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProvisionError.is(error)).toBe(true);
  expect(existsSync(dest)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
  return error as ProvisionError;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kindling-http-'));
});

describe('requests', () => {
  test('sends upstream default headers, lets httpHeaders replace them and logs the attempt', async () => {
    const server = await serve((_req, res) => res.end('hello'));
    const ctx = context();
    const got = await fetchToBuffer(
      { source: `${server.url}/f`, httpHeaders: [{ name: 'User-Agent', value: 'custom/1' }, { name: 'X-Extra', value: 'a, b' }] },
      ctx,
    );
    expect(got.toString()).toBe('hello');
    const headers = server.seen[0]!.headers;
    expect(headers.accept).toBe('application/vnd.coreos.ignition+json;version=3.6.0, */*;q=0.1');
    expect(headers['accept-encoding']).toBe('identity');
    expect(headers['user-agent']).toBe('custom/1');
    expect(headers['x-extra']).toBe('a, b');
    expect(ctx.lines).toContain(`GET ${server.url}/f: attempt #1`);
    expect(ctx.lines).toContain('GET result: OK');
  });

  test('follows redirects without sending custom headers to the target', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/end' }).end();
      else res.end(`ua=${req.headers['user-agent']} x=${req.headers['x-secret'] ?? 'none'}`);
    });
    const got = await fetchToBuffer({ source: `${server.url}/start`, httpHeaders: [{ name: 'X-Secret', value: 's3cr3t' }] }, context());
    expect(server.seen.map((s) => s.url)).toEqual(['/start', '/end']);
    expect(server.seen[0]!.headers['x-secret']).toBe('s3cr3t');
    expect(got.toString()).toMatch(/^ua=Ignition\/.* x=none$/);
  });

  test('a 204 is an empty success', async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    const got = await fetchResource({ source: `${server.url}/empty` }, context());
    expect(got.size).toBe(0);
    expect(readFileSync(got.file, 'utf8')).toBe('');
  });

  test('a header without a value fails before any request', async () => {
    const server = await serve((_req, res) => res.end('x'));
    const error = await failingInstall(`${server.url}/f`, context(), { httpHeaders: [{ name: 'X-Empty' }] });
    expect(error.code).toBe('HEADER_VALUE_MISSING');
    expect(error.path).toEqual(['storage', 'files', 0, 'contents', 'httpHeaders', 0, 'value']);
    expect(server.seen).toEqual([]);
  });
});

describe('status policy and retries', () => {
  test('500 and 503 are retried with 200 ms, then 400 ms backoff', async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      n++;
      if (n === 1) res.writeHead(500).end('boom');
      else if (n === 2) res.writeHead(503).end('busy');
      else res.end('finally');
    });
    const ctx = context();
    const got = await fetchResource({ source: `${server.url}/f` }, ctx);
    expect(readFileSync(got.file, 'utf8')).toBe('finally');
    expect(ctx.slept).toEqual([200, 400]);
    expect(ctx.lines.filter((l) => l.includes('attempt #'))).toHaveLength(3);
    expect(ctx.lines).toContain('GET result: Service Unavailable');
    // Each retry says why: the status code, not only the attempt number.
    expect(ctx.lines.filter((l) => l.startsWith('retrying '))).toEqual([
      expect.stringMatching(/ in 200 ms: HTTP status 500 Internal Server Error$/),
      expect.stringMatching(/ in 400 ms: HTTP status 503 Service Unavailable$/),
    ]);
  });

  test('404 is not retried and says resource not found, with the path and the URL', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    const ctx = context();
    const error = await failingInstall(`${server.url}/missing`, ctx);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`resource not found: ${server.url}/missing`);
    expect(error.path).toEqual(['storage', 'files', 0, 'contents']);
    expect(server.seen).toHaveLength(1);
    expect(ctx.slept).toEqual([]);
  });

  test('other 4xx fail at once', async () => {
    const server = await serve((_req, res) => res.writeHead(403).end());
    const error = await failingInstall(`${server.url}/forbidden`, context());
    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toContain('403');
    expect(server.seen).toHaveLength(1);
  });

  test('retries until httpTotal, with the wait doubling up to 5 s, then unable to fetch resource in time', async () => {
    const server = await serve((_req, res) => res.writeHead(502).end());
    const ctx = context({ timeouts: { responseHeadersMs: 10_000, totalMs: 20_000 } });
    const error = await failingInstall(`${server.url}/down`, ctx);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^unable to fetch resource in time: /);
    expect(ctx.slept).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(server.seen).toHaveLength(8);
  });

  test('a connection reset is retried', async () => {
    let n = 0;
    const server = await serve((req, res) => {
      if (++n === 1) req.socket.destroy();
      else res.end('after reset');
    });
    const ctx = context();
    expect((await fetchToBuffer({ source: `${server.url}/f` }, ctx)).toString()).toBe('after reset');
    expect(ctx.slept).toEqual([200]);
    expect(ctx.lines.some((l) => l.startsWith('GET error: '))).toBe(true);
  });

  test('a body cut short fails and leaves nothing behind', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(100), () => res.socket?.destroy());
    });
    const error = await failingInstall(`${server.url}/short`, context());
    expect(error.code).toBe('FETCH_FAILED');
  });

  test('a body that stalls after the headers fails at httpTotal, as upstream\'s request context', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(100));
    });
    const ctx = context({ timeouts: { responseHeadersMs: 10_000, totalMs: 400 } });
    const started = Date.now();
    const error = await failingInstall(`${server.url}/stalls`, ctx);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^unable to fetch resource in time: /);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('without httpTotal, a body idle for longer than the idle limit fails; a slow, steady one arrives', async () => {
    const stalls = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(100));
    });
    const idle = { responseHeadersMs: 10_000, totalMs: 0, bodyIdleMs: 300 };
    const error = await failingInstall(`${stalls.url}/stalls`, context({ timeouts: idle }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('UND_ERR_BODY_TIMEOUT');
    const steady = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '8' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x');
        if (++sent === 8) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
    expect((await fetchToBuffer({ source: `${steady.url}/steady` }, context({ timeouts: idle }))).toString()).toBe('xxxxxxxx');
  });

  test('headers slower than httpResponseHeaders count as a failed attempt, up to the deadline', async () => {
    const server = await serve((_req, res) => {
      const timer = setTimeout(() => res.end('late'), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const ctx = context({ timeouts: { responseHeadersMs: 150, totalMs: 500 } });
    const error = await failingInstall(`${server.url}/slow`, ctx);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(ctx.slept).toEqual([200]);
    expect(server.seen).toHaveLength(2);
  });

  test('a redirect loop stops after ten redirects', async () => {
    const server = await serve((req, res) => res.writeHead(301, { location: req.url === '/a' ? '/b' : '/a' }).end());
    const error = await failingInstall(`${server.url}/a`, context());
    expect(error.code).toBe('REDIRECT_LOOP');
    expect(server.seen).toHaveLength(11);
  });

  test('credentials in the URL are redacted in errors and logs', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    const ctx = context();
    const url = server.url.replace('http://', 'http://alice:hunter2@');
    const error = await failingInstall(`${url}/x?token=abc`, ctx);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('abc');
    expect(ctx.lines.join('\n')).not.toContain('hunter2');
    expect(server.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:hunter2').toString('base64')}`);
  });
});

describe('https and certificate authorities', () => {
  let tls: TlsFiles;
  beforeAll(() => {
    canRun('openssl', true);
    tls = makeTls();
  });

  async function serveTls(handler: Handler): Promise<Running> {
    const server = await startHttps(handler, tls);
    running.push(server);
    return server;
  }

  test('an unknown CA fails at once; the config CA makes the server trusted', async () => {
    const server = await serveTls((_req, res) => res.end('secure'));
    const plain = context();
    const error = await failingInstall(`${server.url}/f`, plain);
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(server.seen).toEqual([]);

    const caUrl = `data:;base64,${Buffer.from(tls.caCert).toString('base64')}`;
    const trusted = await contextForConfig({ security: { tls: { certificateAuthorities: [{ source: caUrl }] } } }, context());
    contexts.push(trusted);
    expect((await fetchToBuffer({ source: `${server.url}/f` }, trusted)).toString()).toBe('secure');
  });

  test('the CA itself is fetched over HTTP and verified by its hash', async () => {
    const caServer = await serve((_req, res) => res.end(tls.caCert));
    const { createHash } = await import('node:crypto');
    const good = `sha512-${createHash('sha512').update(tls.caCert).digest('hex')}`;
    const ctx = await contextForConfig(
      { security: { tls: { certificateAuthorities: [{ source: `${caServer.url}/ca.pem`, verification: { hash: good } }] } } },
      context(),
    );
    contexts.push(ctx);
    expect(ctx.certificateAuthorities).toHaveLength(1);
    const bad = contextForConfig(
      { security: { tls: { certificateAuthorities: [{ source: `${caServer.url}/ca.pem`, verification: { hash: `sha512-${'0'.repeat(128)}` } }] } } },
      context(),
    );
    await expect(bad).rejects.toMatchObject({ code: 'HASH_MISMATCH', path: ['ignition', 'security', 'tls', 'certificateAuthorities', 0, 'verification', 'hash'] });
  });

  test('a CA entry that is not PEM is fatal', async () => {
    const bad = contextForConfig({ security: { tls: { certificateAuthorities: [{ source: 'data:,not%20a%20certificate' }] } } }, context());
    await expect(bad).rejects.toMatchObject({ code: 'TLS_CA_INVALID', path: ['ignition', 'security', 'tls', 'certificateAuthorities', 0] });
  });

  describe('proxies', () => {
    test('httpProxy carries http:// requests, which may name hosts only the proxy knows', async () => {
      const origin = await serve((req, res) => res.end(`origin saw ${req.url}`));
      const proxy = await startProxy(() => ({ host: '127.0.0.1', port: origin.port }));
      running.push(proxy);
      const ctx = context({ proxy: { httpProxy: proxy.url, httpsProxy: 'http://127.0.0.1:9' } });
      const got = await fetchToBuffer({ source: 'http://files.example.test/f' }, ctx);
      expect(got.toString()).toBe('origin saw /f');
      expect(proxy.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET http://files.example.test/f']);
    });

    test('httpsProxy tunnels https:// requests with CONNECT, and trust still comes from the config CAs', async () => {
      const origin = await serveTls((_req, res) => res.end('tunnelled'));
      const proxy = await startProxy(() => ({ host: '127.0.0.1', port: origin.port }));
      running.push(proxy);
      const ctx = context({ proxy: { httpsProxy: proxy.url }, certificateAuthorities: [tls.caCert] });
      const got = await fetchToBuffer({ source: 'https://files.example.test/f' }, ctx);
      expect(got.toString()).toBe('tunnelled');
      expect(proxy.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['CONNECT files.example.test:443']);
      expect(origin.seen).toHaveLength(1);
    });

    test('httpProxy is not used for https:// (upstream behaviour)', async () => {
      const origin = await serveTls((_req, res) => res.end('direct'));
      const proxy = await startProxy(() => ({ host: '127.0.0.1', port: origin.port }));
      running.push(proxy);
      const ctx = context({ proxy: { httpProxy: proxy.url }, certificateAuthorities: [tls.caCert] });
      expect((await fetchToBuffer({ source: `${origin.url}/f` }, ctx)).toString()).toBe('direct');
      expect(proxy.seen).toEqual([]);
    });

    test('noProxy entries bypass the proxy; other hosts go through it', async () => {
      const address = nonLoopbackAddress();
      if (!canRun('a non-loopback IPv4 address', address !== undefined) || address === undefined) return;
      const origin = await startHttp((req, res) => res.end(`direct ${req.url}`), '0.0.0.0');
      running.push(origin);
      const proxy = await startProxy(() => ({ host: '127.0.0.1', port: origin.port }));
      running.push(proxy);
      const target = `http://${address}:${origin.port}`;

      const bypass = context({ proxy: { httpProxy: proxy.url, noProxy: ['example.org', `${address}`] } });
      expect((await fetchToBuffer({ source: `${target}/a` }, bypass)).toString()).toBe('direct /a');
      const cidr = context({ proxy: { httpProxy: proxy.url, noProxy: [`${address.split('.').slice(0, 3).join('.')}.0/24`] } });
      expect((await fetchToBuffer({ source: `${target}/b` }, cidr)).toString()).toBe('direct /b');
      expect(proxy.seen).toEqual([]);

      const proxied = context({ proxy: { httpProxy: proxy.url, noProxy: ['example.org'] } });
      expect((await fetchToBuffer({ source: `${target}/c` }, proxied)).toString()).toBe('direct /c');
      expect(proxy.seen.map((s) => s.url)).toEqual([`${target}/c`]);
    });
  });
});

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(scratch, { recursive: true, force: true });
});
