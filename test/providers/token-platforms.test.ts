// Akamai (token PUT, base64 and gzip user data) and Scaleway (privileged source port, state
// check-in) against servers on 127.0.0.1 that enforce those rules.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { akamai } from '../../src/providers/akamai.ts';
import { scaleway } from '../../src/providers/scaleway.ts';
import { canRun, isRoot } from '../helpers/env.ts';
import { CONFIG, freePort, startServer, testContext, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

function linode(userData: Buffer | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: string | Buffer = '') => {
      res.writeHead(status);
      res.end(body);
    };
    if (req.url === '/v1/token') {
      if (req.method !== 'PUT' || req.headers['metadata-token-expiry-seconds'] !== '300') return send(400);
      return send(200, 'tok-1');
    }
    if (req.headers['metadata-token'] !== 'tok-1') return send(401);
    const json: Record<string, unknown> = {
      '/v1/instance': { id: 42, label: 'lin', region: 'us-east', type: 'g6-nanode-1', host_uuid: 'h-1', tags: ['a', 'b'] },
      '/v1/network': { ipv4: { public: ['1.2.3.4/32'], private: [], shared: [] }, ipv6: { slaac: '2600::1/128', link_local: 'fe80::1/128', ranges: [] } },
      '/v1/ssh-keys': { users: { root: ['ssh-ed25519 AAAA lin'] } },
    };
    if (req.url === '/v1/user-data') return userData === undefined ? send(404) : send(200, userData.toString('base64'));
    const body = json[req.url ?? ''];
    return body === undefined ? send(404) : send(200, JSON.stringify(body));
  };
}

describe('akamai', () => {
  test('token, then base64 user data', async () => {
    server = await startServer(linode(Buffer.from(CONFIG)));
    t = testContext({ endpoints: { AKAMAI_METADATA: server.url } });
    expect((await akamai.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /v1/token', 'GET /v1/user-data']);
  });

  test('gzip inside the base64 is undone', async () => {
    server = await startServer(linode(gzipSync(CONFIG)));
    t = testContext({ endpoints: { AKAMAI_METADATA: server.url } });
    expect((await akamai.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test('no user data is no config; a bad token is an error', async () => {
    server = await startServer(linode(undefined));
    t = testContext({ endpoints: { AKAMAI_METADATA: server.url } });
    expect(await akamai.fetchConfig(t.ctx)).toBeUndefined();
    await server.close();
    server = await startServer((req, res) => {
      res.writeHead(req.url === '/v1/token' ? 200 : 401);
      res.end('wrong-token');
    });
    t.ctx.endpoints = { AKAMAI_METADATA: server.url };
    await expect(akamai.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'FETCH_FAILED' });
  });

  test('needs the network; waits for it', async () => {
    t = testContext({ offline: true, endpoints: { AKAMAI_METADATA: 'http://127.0.0.1:9' } });
    await expect(akamai.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NEED_NET' });
    const port = await freePort();
    const online = testContext({ endpoints: { AKAMAI_METADATA: `http://127.0.0.1:${port}` } });
    online.onSleep(async (n) => {
      if (n === 2) server = await startServer(linode(Buffer.from(CONFIG)), port);
    });
    expect((await akamai.fetchConfig(online.ctx))?.text).toBe(CONFIG);
    await online.close();
  });

  test('metadata: AKAMAI_* attributes and SSH keys', async () => {
    server = await startServer(linode(undefined));
    t = testContext({ endpoints: { AKAMAI_METADATA: server.url } });
    const md = await akamai.metadata!(t.ctx);
    expect(md.attributes).toEqual({
      AKAMAI_INSTANCE_ID: '42',
      AKAMAI_INSTANCE_HOST_UUID: 'h-1',
      AKAMAI_INSTANCE_LABEL: 'lin',
      AKAMAI_INSTANCE_REGION: 'us-east',
      AKAMAI_INSTANCE_TYPE: 'g6-nanode-1',
      AKAMAI_INSTANCE_TAGS: 'a:b',
      AKAMAI_PUBLIC_IPV4_0: '1.2.3.4/32',
      AKAMAI_IPV6_SLAAC: '2600::1/128',
      AKAMAI_IPV6_LINK_LOCAL: 'fe80::1/128',
    });
    expect(md.sshKeys).toEqual(['ssh-ed25519 AAAA lin']);
  });
});

/** Scaleway's rule: requests from unprivileged source ports are refused with 403. */
function scw(userData: string | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.socket.remotePort ?? 65535) >= 1024) {
      res.writeHead(403);
      res.end('privileged port required');
      return;
    }
    if (req.url === '/user_data/cloud-init') {
      res.writeHead(userData === undefined ? 404 : 200);
      res.end(userData ?? '');
    } else if (req.url === '/conf?format=json') {
      res.writeHead(200);
      res.end(JSON.stringify({ id: 'scw-1', hostname: 'scw', commercial_type: 'DEV1-S', private_ip: '10.1.1.1', public_ip: { address: '51.1.1.1' }, ipv6: { address: '2001:bc8::1' }, location: { zone_id: 'par1' }, ssh_public_keys: [{ key: 'ssh-ed25519 AAAA scw' }] }));
    } else if (req.url === '/state' && req.method === 'PATCH') {
      res.writeHead(200);
      res.end('{}');
    } else {
      res.writeHead(404);
      res.end();
    }
  };
}

describe('scaleway', () => {
  test('user data fetched from a privileged source port', async () => {
    if (!canRun('binding ports below 1024 (root)', isRoot)) return;
    server = await startServer(scw(CONFIG));
    t = testContext({ endpoints: { SCALEWAY_METADATA: server.url } });
    expect((await scaleway.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(server.seen[0]!.remotePort).toBeLessThan(1024);
  });

  test('404 is no config; network coming up late is waited for', async () => {
    if (!canRun('binding ports below 1024 (root)', isRoot)) return;
    server = await startServer(scw(undefined));
    t = testContext({ endpoints: { SCALEWAY_METADATA: server.url } });
    expect(await scaleway.fetchConfig(t.ctx)).toBeUndefined();
    await server.close();
    const port = await freePort();
    t.ctx.endpoints = { SCALEWAY_METADATA: `http://127.0.0.1:${port}` };
    t.onSleep(async (n) => {
      if (n === 3) server = await startServer(scw(CONFIG), port);
    });
    expect((await scaleway.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test('metadata and the booted state check-in', async () => {
    if (!canRun('binding ports below 1024 (root)', isRoot)) return;
    server = await startServer(scw(undefined));
    t = testContext({ endpoints: { SCALEWAY_METADATA: server.url } });
    const md = await scaleway.metadata!(t.ctx);
    expect(md.attributes).toEqual({
      SCALEWAY_HOSTNAME: 'scw',
      SCALEWAY_INSTANCE_ID: 'scw-1',
      SCALEWAY_INSTANCE_TYPE: 'DEV1-S',
      SCALEWAY_IPV4_PRIVATE: '10.1.1.1',
      SCALEWAY_IPV4_PUBLIC: '51.1.1.1',
      SCALEWAY_IPV6_PUBLIC: '2001:bc8::1',
      SCALEWAY_ZONE_ID: 'par1',
    });
    expect(md.sshKeys).toEqual(['ssh-ed25519 AAAA scw']);
    await scaleway.checkIn!(t.ctx);
    const patch = server.seen.find((r) => r.method === 'PATCH');
    expect(JSON.parse(patch!.body)).toEqual({ state_detail: 'booted' });
  });
});
