// fetch-offline never touches the network, on any platform, and every hook that does touch it
// ends by its deadline. A counting server on 127.0.0.1 stands in for every metadata service at
// once; in fetch-offline it must see no request at all. Dead endpoints are a refused port and a
// server that accepts and never answers.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunOptions, StageName } from '../../src/engine/options.ts';
import { runStage } from '../../src/engine/run.ts';
import { withDeadline } from '../../src/providers/hooks.ts';
import { getProvider, platformIds } from '../../src/providers/index.ts';
import { memorySink } from '../../src/system/log.ts';
import { scratchOptions } from '../engine/support.ts';
import { CONFIG, freePort, startServer, testContext, type MetadataServer } from './helpers.ts';

/** Platforms whose config source is a network service (alone, or racing a drive). */
const HTTP_PLATFORMS = [
  'akamai', 'aliyun', 'aws', 'azure', 'brightbox', 'cloudstack', 'digitalocean', 'exoscale', 'gcp',
  'hetzner', 'openstack', 'oraclecloud', 'packet', 'scaleway', 'upcloud', 'vultr',
];
/** Platforms that read drives, firmware, files or guest tools only. */
const LOCAL_PLATFORMS = [
  'applehv', 'azurestack', 'cloudsigma', 'file', 'hyperv', 'ibmcloud', 'kubevirt', 'metal', 'nutanix', 'nvidiabluefield',
  'powervs', 'proxmoxve', 'qemu', 'rackspace', 'rackspace-onmetal', 'vagrant', 'virtualbox', 'vmware', 'zvm',
];
const ENDPOINTS = [
  'AKAMAI_METADATA', 'ALIYUN_METADATA', 'AWS_METADATA', 'AZURE_METADATA', 'AZURE_WIRESERVER', 'CLOUDSTACK_METADATA',
  'DIGITALOCEAN_METADATA', 'EXOSCALE_METADATA', 'GCP_METADATA', 'HETZNER_METADATA', 'OPENSTACK_METADATA',
  'ORACLECLOUD_METADATA', 'PACKET_METADATA', 'SCALEWAY_METADATA', 'UPCLOUD_METADATA', 'VULTR_METADATA',
];

/** Every service pointed at `base` (a dead or counting server). */
const endpointEnv = (base: string): Record<string, string> => Object.fromEntries(ENDPOINTS.map((n) => [`KINDLING_TEST_ENDPOINT_${n}`, base]));

let counting: MetadataServer;
beforeAll(async () => {
  // Answers anything, as a service that is up would: a request here would succeed, not fail fast.
  const packetMetadata = JSON.stringify({ hostname: 'h', phone_home_url: 'http://127.0.0.1:9/phone-home' });
  counting = await startServer((req, res) => {
    res.writeHead(200);
    res.end(req.url === '/metadata' ? packetMetadata : CONFIG);
  });
});
afterAll(() => counting.close());

let work = '';
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-offline-'));
  await mkdir(join(work, 'root'), { recursive: true });
  await mkdir(join(work, 'sys'), { recursive: true });
  counting.seen.length = 0;
});
afterEach(() => rm(work, { recursive: true, force: true }));

async function stage(stageName: StageName, platform: string, base: string, extra: Partial<RunOptions> = {}) {
  const { sink, lines } = memorySink();
  const options = scratchOptions(work, stageName, { platform, ...extra });
  options.env = { ...options.env, ...endpointEnv(base) };
  try {
    await runStage(options, { sink });
    return { lines, error: undefined };
  } catch (error) {
    return { lines, error };
  }
}

test('every platform is classed as HTTP or local', () => {
  expect([...HTTP_PLATFORMS, ...LOCAL_PLATFORMS].sort()).toEqual(platformIds());
});

describe.each(HTTP_PLATFORMS)('%s fetch-offline', (platform) => {
  test('sends no request and asks for the network', async () => {
    const result = await stage('fetch-offline', platform, counting.url);
    expect(result.error).toBeUndefined();
    expect(counting.seen).toEqual([]);
    expect(existsSync(join(work, 'run', 'ignition', 'neednet'))).toBe(true);
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(false);
  });
});

describe('packet status hook', () => {
  test('fetch-offline with a local user.ign passes, caches the config and reports nothing', async () => {
    await writeFile(join(work, 'sys', 'user.ign'), CONFIG);
    const result = await stage('fetch-offline', 'packet', counting.url);
    expect(result.error).toBeUndefined();
    expect(counting.seen).toEqual([]);
    expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(true);
    expect(result.lines.some((l) => l.includes('status not reported to packet'))).toBe(true);
  });

  test('the fetch stage posts its status when the service is up', async () => {
    await writeFile(join(work, 'sys', 'user.ign'), CONFIG);
    const phoneHome = await startServer((_req, res) => res.end());
    try {
      const metadata = await startServer((_req, res) => res.end(JSON.stringify({ phone_home_url: `${phoneHome.url}/phone-home` })));
      try {
        expect((await stage('fetch', 'packet', metadata.url)).error).toBeUndefined();
        expect(metadata.seen.map((r) => r.url)).toEqual(['/metadata']);
        expect(phoneHome.seen.map((r) => [r.method, r.url, JSON.parse(r.body).state])).toEqual([['POST', '/events', 'running']]);
      } finally {
        await metadata.close();
      }
    } finally {
      await phoneHome.close();
    }
  });

  // fetchTimeoutMs caps the status deadline (STATUS_DEADLINE_MS otherwise); the stage has passed by then.
  test.each([
    ['refuses connections', async () => ({ url: `http://127.0.0.1:${await freePort()}`, close: async () => {} })],
    ['never answers', async () => startServer(() => {})],
  ])('a service that %s: the stage still passes, and ends', async (_name, dead) => {
    await writeFile(join(work, 'sys', 'user.ign'), CONFIG);
    const server = await dead();
    try {
      const result = await stage('fetch', 'packet', server.url, { fetchTimeoutMs: 1_500 });
      expect(result.error).toBeUndefined();
      expect(result.lines.some((l) => l.includes('reporting status to packet failed'))).toBe(true);
      expect(existsSync(join(work, 'run', 'ignition.json'))).toBe(true);
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe.each(['azure', 'packet', 'scaleway'])('%s check-in', (platform) => {
  const provider = getProvider(platform)!;
  test.each([
    ['refuses connections', async () => ({ url: `http://127.0.0.1:${await freePort()}`, close: async () => {} })],
    ['never answers', async () => startServer(() => {})],
  ])('against a service that %s fails by its deadline', async (name, dead) => {
    const server = await dead();
    const endpoints = Object.fromEntries(ENDPOINTS.map((n) => [n, server.url]));
    const t = testContext({ endpoints, realClock: true });
    try {
      const error = await withDeadline(t.ctx, 1_500, `${platform} check-in`, provider.checkIn!).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/^(TIMEOUT|FETCH_FAILED)$/) });
      // The retries say why they happen.
      if (name === 'refuses connections') expect(t.lines.some((l) => /^retrying .* ms: .*ECONNREFUSED/.test(l))).toBe(true);
    } finally {
      await t.close();
      await server.close();
    }
  }, 30_000);
});

test('a metadata answer whose body stalls ends by the deadline', async () => {
  const server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"ignition":');
  });
  const t = testContext({ endpoints: { HETZNER_METADATA: server.url }, realClock: true, totalMs: 1_500 });
  try {
    await expect(getProvider('hetzner')!.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'TIMEOUT' });
  } finally {
    await t.close();
    await server.close();
  }
}, 30_000);
