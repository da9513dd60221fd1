// Azure IMDS and WireServer on 127.0.0.1: base64 user data with `Metadata: true`, the 404/410/429
// warm-up retries, the empty-IMDS fallback to the custom-data drive, metadata and the ready report.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { azure, healthReport, ovfEnvMetadata, parseGoalState, readCustomData } from '../../src/providers/azure.ts';
import { canRun, hasCommand, hasLoopDevices } from '../helpers/env.ts';
import { CONFIG, erofsDrive, lockDrives, startServer, testContext, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

const USER_DATA = '/metadata/instance/compute/userData?api-version=2021-01-01&format=text';

function imds(body: string, warmUp: number[] = []) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.metadata !== 'true') {
      res.writeHead(400);
      res.end('Bad request. Required metadata header not specified');
      return;
    }
    if (req.url === USER_DATA && warmUp.length > 0) {
      res.writeHead(warmUp.shift()!);
      res.end();
      return;
    }
    res.writeHead(req.url === USER_DATA ? 200 : 404);
    res.end(req.url === USER_DATA ? body : '');
  };
}

const GOAL_STATE = `<?xml version="1.0" encoding="utf-8"?>
<GoalState><Incarnation>3</Incarnation><Container><ContainerId>c-123</ContainerId>
<RoleInstanceList><RoleInstance><InstanceId>i-456</InstanceId></RoleInstance></RoleInstanceList></Container></GoalState>`;

describe('azure', () => {
  test('IMDS user data is base64-decoded', async () => {
    server = await startServer(imds(Buffer.from(CONFIG).toString('base64')));
    t = testContext({ endpoints: { AZURE_METADATA: server.url } });
    expect((await azure.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test('404, 410 and 429 from a warming-up IMDS are retried', async () => {
    server = await startServer(imds(Buffer.from(CONFIG).toString('base64'), [404, 410, 429]));
    t = testContext({ endpoints: { AZURE_METADATA: server.url } });
    expect((await azure.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(server.seen).toHaveLength(4);
  });

  test('a missing Metadata header is rejected by IMDS (400) and fails the fetch', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(400);
      res.end();
    });
    t = testContext({ endpoints: { AZURE_METADATA: server.url } });
    await expect(azure.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'FETCH_FAILED' });
    expect(server.seen[0]?.headers.metadata).toBe('true');
  });

  test('always needs the network', async () => {
    t = testContext({ offline: true, endpoints: { AZURE_METADATA: 'http://127.0.0.1:9' } });
    await expect(azure.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NEED_NET' });
  });

  test('empty IMDS user data falls back to the custom-data drive (ovf-env.xml + CustomData.bin)', async () => {
    if (!canRun('loop devices (root)', hasLoopDevices)) return;
    if (!canRun('mkfs.erofs', hasCommand('mkfs.erofs'))) return;
    // The drive is UDF on Azure; test kernels lack UDF, so the same reader runs on EROFS.
    const unlock = await lockDrives();
    const drive = await erofsDrive({ 'ovf-env.xml': '<Environment/>', 'CustomData.bin': CONFIG });
    try {
      t = testContext();
      const found = await readCustomData(t.ctx, ['erofs'], 0);
      expect(found?.text).toBe(CONFIG);
      expect(found?.source).toBe(`${drive.device}:/CustomData.bin`);
    } finally {
      await drive.detach();
      unlock();
    }
  });

  test('Azure Stack metadata from ovf-env.xml', () => {
    const xml = `<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"><wa:ProvisioningSection xmlns:wa="http://schemas.microsoft.com/windowsazure">
<LinuxProvisioningConfigurationSet><HostName>stack-vm</HostName><UserName>core</UserName>
<SSH><PublicKeys><PublicKey><Fingerprint>F1</Fingerprint><Path>/home/core/.ssh/authorized_keys</Path><Value>ssh-rsa AAAA stack</Value></PublicKey></PublicKeys></SSH>
</LinuxProvisioningConfigurationSet></wa:ProvisioningSection></Environment>`;
    expect(ovfEnvMetadata(xml)).toEqual({ attributes: {}, sshKeys: ['ssh-rsa AAAA stack'], hostname: 'stack-vm' });
  });

  test('empty IMDS user data with no custom-data drive fails after the wait', async () => {
    server = await startServer(imds(''));
    t = testContext({ endpoints: { AZURE_METADATA: server.url }, totalMs: 10_000 });
    await expect(azure.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'CONFIG_DRIVE_FAILED' });
    expect(t.lines.some((l) => l.includes('looking for custom data on the provisioning CD-ROM'))).toBe(true);
  });

  test('goal state parsing and the Ready health document', () => {
    const goal = parseGoalState(GOAL_STATE);
    expect(goal).toEqual({ incarnation: '3', containerId: 'c-123', instanceId: 'i-456' });
    const doc = healthReport(goal);
    expect(doc).toContain('<GoalStateIncarnation>3</GoalStateIncarnation>');
    expect(doc).toContain('<ContainerId>c-123</ContainerId>');
    expect(doc).toContain('<InstanceId>i-456</InstanceId>');
    expect(doc).toContain('<State>Ready</State>');
    expect(() => parseGoalState('<GoalState/>')).toThrow(/goal state lacks/);
  });

  test('check-in: goal state from the WireServer, then POST comp=health', async () => {
    server = await startServer((req, res) => {
      if (req.headers['x-ms-version'] !== '2012-11-30') {
        res.writeHead(400);
        res.end();
        return;
      }
      res.writeHead(req.url === '/machine/?comp=goalstate' || (req.method === 'POST' && req.url === '/machine/?comp=health') ? 200 : 404);
      res.end(req.url === '/machine/?comp=goalstate' ? GOAL_STATE : '');
    });
    t = testContext({ endpoints: { AZURE_WIRESERVER: server.url } });
    await azure.checkIn!(t.ctx);
    const post = server.seen.find((r) => r.method === 'POST');
    expect(post?.url).toBe('/machine/?comp=health');
    expect(post?.headers['x-ms-agent-name']).toBe('com.coreos.afterburn');
    expect(post?.body).toContain('<State>Ready</State>');
  });

  test('metadata: hostname, VM size, addresses from SharedConfig, IMDS public keys', async () => {
    server = await startServer((req, res) => {
      const wire = req.headers['x-ms-version'] === '2012-11-30';
      const table: Record<string, string> = {
        '/metadata/instance/compute/name?api-version=2017-08-01&format=text': 'vm-1',
        '/metadata/instance/compute/vmSize?api-version=2017-08-01&format=text': 'Standard_B1s',
        '/metadata/instance/compute/publicKeys?api-version=2021-02-01': JSON.stringify([{ keyData: 'ssh-ed25519 AAAA az', path: '/home/core/.ssh/authorized_keys' }]),
      };
      const wireTable: Record<string, string> = {
        '/machine/?comp=goalstate': `${GOAL_STATE.replace('</Container>', '<Configuration><SharedConfig>http://168.63.129.16:80/machine/c-123?comp=config&amp;type=sharedConfig</SharedConfig></Configuration></Container>')}`,
        '/machine/c-123?comp=config&type=sharedConfig': '<SharedConfig><Instances><Instance id="i" address="10.1.0.4"><InputEndpoints><Endpoint loadBalancedPublicAddress="52.9.9.9:80"/><Endpoint loadBalancedPublicAddress="52.1.2.3:22"/></InputEndpoints></Instance></Instances></SharedConfig>',
      };
      const body = wire ? wireTable[req.url ?? ''] : req.headers.metadata === 'true' ? table[req.url ?? ''] : undefined;
      res.writeHead(body === undefined ? 404 : 200);
      res.end(body ?? '');
    });
    t = testContext({ endpoints: { AZURE_METADATA: server.url, AZURE_WIRESERVER: server.url } });
    const md = await azure.metadata!(t.ctx);
    expect(md).toEqual({
      attributes: { AZURE_VMSIZE: 'Standard_B1s', AZURE_IPV4_DYNAMIC: '10.1.0.4', AZURE_IPV4_VIRTUAL: '52.1.2.3' },
      sshKeys: ['ssh-ed25519 AAAA az'],
      hostname: 'vm-1',
    });
  });
});
