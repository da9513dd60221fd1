// Every provider whose config is one HTTP GET, against a server on 127.0.0.1 that speaks the
// platform's protocol: required headers, encoding, what 404 means, extra retried statuses, and
// the network coming up late (connection refused, then success).
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { getProvider } from '../../src/providers/index.ts';
import { CONFIG, freePort, startServer, testContext, type MetadataServer, type TestContext } from './helpers.ts';

interface Case {
  id: string;
  endpoint: string;
  path: string;
  header?: [string, string];
  base64?: boolean;
  notFoundIsError?: boolean;
  retried?: number;
}

const CASES: Case[] = [
  { id: 'gcp', endpoint: 'GCP_METADATA', path: '/computeMetadata/v1/instance/attributes/user-data', header: ['metadata-flavor', 'Google'] },
  { id: 'digitalocean', endpoint: 'DIGITALOCEAN_METADATA', path: '/metadata/v1/user-data', notFoundIsError: true },
  { id: 'hetzner', endpoint: 'HETZNER_METADATA', path: '/hetzner/v1/userdata' },
  { id: 'vultr', endpoint: 'VULTR_METADATA', path: '/user-data/user-data' },
  { id: 'exoscale', endpoint: 'EXOSCALE_METADATA', path: '/1.0/user-data' },
  { id: 'upcloud', endpoint: 'UPCLOUD_METADATA', path: '/metadata/v1/user_data' },
  { id: 'aliyun', endpoint: 'ALIYUN_METADATA', path: '/latest/user-data' },
  {
    id: 'oraclecloud',
    endpoint: 'ORACLECLOUD_METADATA',
    path: '/opc/v2/instance/metadata/user_data',
    header: ['authorization', 'Bearer Oracle'],
    base64: true,
    retried: 429,
  },
  { id: 'packet', endpoint: 'PACKET_METADATA', path: '/userdata', header: ['accept', '*/*'], notFoundIsError: true },
];

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = undefined;
  t = undefined;
});

/** The platform's service: user data at `path` when the required header is right, else 403. */
function platform(c: Case, state: { body: string | undefined; failFirst?: number }) {
  return (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    if (c.header !== undefined && req.headers[c.header[0]] !== c.header[1]) {
      res.writeHead(403);
      res.end('missing or wrong header');
      return;
    }
    if (req.url !== c.path || state.body === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (state.failFirst !== undefined && state.failFirst > 0) {
      state.failFirst--;
      res.writeHead(c.retried ?? 503);
      res.end();
      return;
    }
    res.writeHead(200);
    res.end(c.base64 === true ? Buffer.from(state.body).toString('base64') : state.body);
  };
}

describe.each(CASES)('$id', (c) => {
  const provider = getProvider(c.id)!;

  test('returns the user config', async () => {
    server = await startServer(platform(c, { body: CONFIG }));
    t = testContext({ endpoints: { [c.endpoint]: server.url } });
    expect(await provider.fetchConfig(t.ctx)).toEqual({ text: CONFIG, source: `${server.url}${c.path}` });
    expect(server.seen[0]?.headers['user-agent']).toMatch(/^Ignition\//);
  });

  test('the override also works as KINDLING_TEST_ENDPOINT_<NAME>', async () => {
    server = await startServer(platform(c, { body: CONFIG }));
    t = testContext({ env: { [`KINDLING_TEST_ENDPOINT_${c.endpoint}`]: server.url } });
    expect((await provider.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test(c.notFoundIsError === true ? '404 is an error' : '404 means no config', async () => {
    server = await startServer(platform(c, { body: undefined }));
    t = testContext({ endpoints: { [c.endpoint]: server.url } });
    if (c.notFoundIsError === true) {
      await expect(provider.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } else {
      expect(await provider.fetchConfig(t.ctx)).toBeUndefined();
      expect(t.lines.some((l) => l.includes('answered 404'))).toBe(true);
    }
  });

  test('waits for the network: connection refused, then the service comes up', async () => {
    const port = await freePort();
    t = testContext({ endpoints: { [c.endpoint]: `http://127.0.0.1:${port}` } });
    t.onSleep(async (n) => {
      if (n === 3) server = await startServer(platform(c, { body: CONFIG }), port);
    });
    expect((await provider.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(t.sleeps.slice(0, 3)).toEqual([200, 400, 800]);
  });

  test(`retries ${c.retried ?? 503} while the service warms up`, async () => {
    server = await startServer(platform(c, { body: CONFIG, failFirst: 2 }));
    t = testContext({ endpoints: { [c.endpoint]: server.url } });
    expect((await provider.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(server.seen.filter((r) => r.url === c.path)).toHaveLength(3);
  });

  test('fetch-offline asks for the network instead of connecting', async () => {
    server = await startServer(platform(c, { body: CONFIG }));
    t = testContext({ offline: true, endpoints: { [c.endpoint]: server.url } });
    await expect(provider.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NEED_NET' });
    expect(server.seen).toHaveLength(0);
  });

  if (c.header !== undefined) {
    const [name, value] = c.header;
    test(`sends ${name}: ${value}; a service that rejects the request is an error, not "no config"`, async () => {
      server = await startServer(platform({ ...c, header: [name, `${value}-other`] }, { body: CONFIG }));
      t = testContext({ endpoints: { [c.endpoint]: server.url } });
      await expect(provider.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'FETCH_FAILED' });
      expect(server.seen[0]?.headers[name]).toBe(value);
    });
  }

  if (c.base64 === true) {
    test('a body that is not base64 is a decode error', async () => {
      server = await startServer((_req, res) => {
        res.writeHead(200);
        res.end(CONFIG);
      });
      t = testContext({ endpoints: { [c.endpoint]: server.url } });
      await expect(provider.fetchConfig(t.ctx)).rejects.toThrow(/not valid base64/);
    });
  }
});
