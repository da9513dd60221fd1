// EC2's instance metadata service on 127.0.0.1: IMDSv2 token exchange, IMDSv1 fallback, 404 =
// no user data, token enforcement, and Afterburn's AWS_* attributes and SSH keys.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { aws } from '../../src/providers/aws.ts';
import { CONFIG, freePort, startServer, testContext, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

const TOKEN = 'AQAEAtoken==';

/** IMDS: v2 (token required) unless `v1only`, where the token PUT is 404 and GETs need nothing. */
function imds(values: Record<string, string>, options: { v1only?: boolean } = {}) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body = '') => {
      res.writeHead(status);
      res.end(body);
    };
    if (req.url === '/latest/api/token') {
      if (options.v1only === true) return send(404);
      if (req.method !== 'PUT' || req.headers['x-aws-ec2-metadata-token-ttl-seconds'] !== '21600') return send(400);
      return send(200, TOKEN);
    }
    if (options.v1only !== true && req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return send(401);
    const value = values[req.url ?? ''];
    return value === undefined ? send(404) : send(200, value);
  };
}

describe('aws', () => {
  test('IMDSv2: token PUT, then user data with the token', async () => {
    server = await startServer(imds({ '/2019-10-01/user-data': CONFIG }));
    t = testContext({ endpoints: { AWS_METADATA: server.url } });
    expect(await aws.fetchConfig(t.ctx)).toEqual({ text: CONFIG, source: `${server.url}/2019-10-01/user-data` });
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /latest/api/token', 'GET /2019-10-01/user-data']);
  });

  test('IMDSv1 fallback when the token endpoint answers 404', async () => {
    server = await startServer(imds({ '/2019-10-01/user-data': CONFIG }, { v1only: true }));
    t = testContext({ endpoints: { AWS_METADATA: server.url } });
    expect((await aws.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(server.seen[1]?.headers['x-aws-ec2-metadata-token']).toBeUndefined();
  });

  test('no user data (404) is no config', async () => {
    server = await startServer(imds({}));
    t = testContext({ endpoints: { AWS_METADATA: server.url } });
    expect(await aws.fetchConfig(t.ctx)).toBeUndefined();
  });

  test('a rejected token (401) fails instead of meaning "no config"', async () => {
    server = await startServer((req, res) => {
      res.writeHead(req.url === '/latest/api/token' ? 200 : 401);
      res.end(req.url === '/latest/api/token' ? 'stale-token' : '');
    });
    t = testContext({ endpoints: { AWS_METADATA: server.url } });
    await expect(aws.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'FETCH_FAILED' });
  });

  test('network not up yet: refused connections are retried until IMDS answers', async () => {
    const port = await freePort();
    t = testContext({ endpoints: { AWS_METADATA: `http://127.0.0.1:${port}` } });
    t.onSleep(async (n) => {
      if (n === 4) server = await startServer(imds({ '/2019-10-01/user-data': CONFIG }), port);
    });
    expect((await aws.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(t.sleeps.length).toBe(4);
  });

  test('gives up at the fetch deadline with TIMEOUT', async () => {
    const port = await freePort();
    t = testContext({ endpoints: { AWS_METADATA: `http://127.0.0.1:${port}` }, totalMs: 3_000 });
    await expect(aws.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  test('offline: NEED_NET without connecting', async () => {
    t = testContext({ offline: true, endpoints: { AWS_METADATA: 'http://127.0.0.1:9' } });
    await expect(aws.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NEED_NET' });
  });

  test('metadata: Afterburn attribute names, region from the identity document, SSH keys', async () => {
    const m = '/2021-01-03/meta-data/';
    server = await startServer(
      imds({
        [`${m}instance-id`]: 'i-0abc',
        [`${m}instance-type`]: 't3.micro',
        [`${m}local-ipv4`]: '10.0.0.5',
        [`${m}hostname`]: 'ip-10-0-0-5.ec2.internal',
        [`${m}placement/availability-zone`]: 'eu-west-1a',
        ['/2021-01-03/dynamic/instance-identity/document']: JSON.stringify({ region: 'eu-west-1' }),
        [`${m}public-keys`]: '0=my-key\n1=other',
        [`${m}public-keys/0/openssh-key`]: 'ssh-ed25519 AAAA0 my-key\n',
        [`${m}public-keys/1/openssh-key`]: 'ssh-rsa AAAA1 other',
      }),
    );
    t = testContext({ endpoints: { AWS_METADATA: server.url } });
    const md = await aws.metadata!(t.ctx);
    expect(md.attributes).toEqual({
      AWS_INSTANCE_ID: 'i-0abc',
      AWS_INSTANCE_TYPE: 't3.micro',
      AWS_IPV4_LOCAL: '10.0.0.5',
      AWS_HOSTNAME: 'ip-10-0-0-5.ec2.internal',
      AWS_AVAILABILITY_ZONE: 'eu-west-1a',
      AWS_REGION: 'eu-west-1',
    });
    expect(md.sshKeys).toEqual(['ssh-ed25519 AAAA0 my-key', 'ssh-rsa AAAA1 other']);
    expect(md.hostname).toBe('ip-10-0-0-5.ec2.internal');
  });
});
