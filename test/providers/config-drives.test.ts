// Config-drive platforms against real loop-mounted drives (mkfs.ext4 -d, labels config-2/cidata)
// and, where the platform races one, a metadata service on 127.0.0.1. One file, run in order,
// because two drives with the same label at once would make the lookup ambiguous.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cloudstack } from '../../src/providers/cloudstack.ts';
import { ibmcloud, kubevirt, nutanix, powervs, proxmoxve } from '../../src/providers/drive-platforms.ts';
import { openstack } from '../../src/providers/openstack.ts';
import { parseKernelParams } from '../../src/providers/cmdline.ts';
import { readConfigDevice, userConfigSources } from '../../src/providers/sources.ts';
import { canRun, hasLoopDevices } from '../helpers/env.ts';
import { CONFIG, configDrive, freePort, lockDrives, routes, startServer, testContext, tree, type Drive, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
let drives: Drive[] = [];
afterEach(async () => {
  await server?.close();
  await t?.close();
  for (const d of drives) await d.detach();
  drives = [];
  server = t = undefined;
});

let runnable = false;
let unlock: (() => void) | undefined;
beforeAll(async () => {
  runnable = canRun('loop devices (root)', hasLoopDevices);
  if (runnable) unlock = await lockDrives();
});
afterAll(() => unlock?.());

async function drive(label: string, files: Record<string, string>): Promise<Drive> {
  const d = await configDrive(label, files);
  drives.push(d);
  return d;
}

const OS_USER_DATA = 'openstack/latest/user_data';

describe.sequential('config drives', () => {
  test('openstack: the config drive answers while the metadata service is unreachable', async () => {
    if (!runnable) return;
    const d = await drive('config-2', { [OS_USER_DATA]: CONFIG });
    t = testContext({ endpoints: { OPENSTACK_METADATA: `http://127.0.0.1:${await freePort()}` } });
    expect(await openstack.fetchConfig(t.ctx)).toEqual({ text: CONFIG, source: `${d.device}:/${OS_USER_DATA}` });
  });

  test('openstack: the metadata service answers when no drive is attached', async () => {
    if (!runnable) return;
    server = await startServer(routes({ [`/${OS_USER_DATA}`]: [200, CONFIG] }));
    t = testContext({ endpoints: { OPENSTACK_METADATA: server.url } });
    expect((await openstack.fetchConfig(t.ctx))?.source).toBe(`${server.url}/${OS_USER_DATA}`);
  });

  test('openstack: network comes up late (refused, then the service answers)', async () => {
    if (!runnable) return;
    const port = await freePort();
    t = testContext({ endpoints: { OPENSTACK_METADATA: `http://127.0.0.1:${port}` } });
    let started = false;
    t.onSleep(async () => {
      if (!started && t!.sleeps.filter((ms) => ms !== 1000).length >= 3) {
        started = true;
        server = await startServer(routes({ [`/${OS_USER_DATA}`]: [200, CONFIG] }), port);
      }
    });
    expect((await openstack.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test('openstack: 404 from the service with no drive is no config; a drive without user_data too', async () => {
    if (!runnable) return;
    server = await startServer(routes({}));
    t = testContext({ endpoints: { OPENSTACK_METADATA: server.url } });
    expect(await openstack.fetchConfig(t.ctx)).toBeUndefined();
    await t.close();
    await server.close();
    server = undefined;
    await drive('CONFIG-2', { 'openstack/latest/meta_data.json': '{}' });
    t = testContext({ endpoints: { OPENSTACK_METADATA: `http://127.0.0.1:${await freePort()}` } });
    expect(await openstack.fetchConfig(t.ctx)).toBeUndefined();
  });

  test('openstack: a failing service and no drive end the race with no config', async () => {
    if (!runnable) return;
    server = await startServer((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    t = testContext({ endpoints: { OPENSTACK_METADATA: server.url } });
    expect(await openstack.fetchConfig(t.ctx)).toBeUndefined();
    expect(t.lines.some((l) => l.includes('no config source answered'))).toBe(true);
  });

  test('openstack: always needs the network', async () => {
    t = testContext({ offline: true });
    await expect(openstack.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'NEED_NET' });
  });

  test('openstack metadata from the config drive', async () => {
    if (!runnable) return;
    await drive('config-2', {
      'openstack/latest/meta_data.json': JSON.stringify({ uuid: 'u-1', hostname: 'os-host', public_keys: { k: 'ssh-ed25519 AAAA os' } }),
      // An empty value is written as it is; ec2's hostname is not a fallback for the OpenStack one.
      'ec2/latest/meta-data.json': JSON.stringify({ 'instance-id': 'i-9', 'instance-type': 'm1.small', 'local-ipv4': '10.2.0.9', 'public-ipv4': '', hostname: 'ec2-host' }),
    });
    t = testContext({ endpoints: { OPENSTACK_METADATA: 'http://127.0.0.1:9' } });
    expect(await openstack.metadata!(t.ctx)).toEqual({
      attributes: {
        OPENSTACK_HOSTNAME: 'os-host',
        OPENSTACK_INSTANCE_UUID: 'u-1',
        OPENSTACK_INSTANCE_ID: 'i-9',
        OPENSTACK_INSTANCE_TYPE: 'm1.small',
        OPENSTACK_IPV4_LOCAL: '10.2.0.9',
        OPENSTACK_IPV4_PUBLIC: '',
      },
      sshKeys: ['ssh-ed25519 AAAA os'],
      hostname: 'os-host',
    });
  });

  test('openstack metadata from the service when no drive is attached', async () => {
    if (!runnable) return;
    server = await startServer(
      routes({
        '/latest/meta-data/hostname': [200, 'svc-host'],
        '/latest/meta-data/instance-id': [200, 'i-10'],
        '/openstack/2012-08-10/meta_data.json': [200, JSON.stringify({ uuid: 'u-2', public_keys: { a: 'ssh-rsa AAAA svc' } })],
      }),
    );
    t = testContext({ endpoints: { OPENSTACK_METADATA: server.url } });
    expect(await openstack.metadata!(t.ctx)).toEqual({
      attributes: { OPENSTACK_HOSTNAME: 'svc-host', OPENSTACK_INSTANCE_ID: 'i-10', OPENSTACK_INSTANCE_UUID: 'u-2' },
      sshKeys: ['ssh-rsa AAAA svc'],
      hostname: 'svc-host',
    });
  });

  test('kubevirt: NoCloud cidata or ConfigDrive config-2, whichever is attached', async () => {
    if (!runnable) return;
    await drive('cidata', { 'user-data': CONFIG, 'meta-data': 'instance-id: vmi-1\nlocal-hostname: kv\n' });
    t = testContext();
    expect((await kubevirt.fetchConfig(t.ctx))?.source).toMatch(/:\/user-data$/);
    expect((await kubevirt.metadata!(t.ctx)).attributes).toEqual({ KUBEVIRT_INSTANCE_ID: 'vmi-1', KUBEVIRT_HOSTNAME: 'kv' });
    await drives.pop()!.detach();
    await drive('config-2', {
      [OS_USER_DATA]: CONFIG,
      'openstack/latest/meta_data.json': JSON.stringify({ uuid: 'vmi-2', hostname: 'kv2', instance_type: 'u1.small', public_keys: { a: 'ssh-ed25519 AAAA kv' } }),
      'openstack/latest/network_data.json': JSON.stringify({
        links: [{ id: 'dhcp0' }, { id: 'static0' }],
        networks: [
          { link: 'dhcp0', type: 'ipv4_dhcp' },
          { link: 'static0', type: 'ipv4', ip_address: '10.0.2.15', netmask: '255.255.255.0' },
          { link: 'static0', type: 'ipv6', ip_address: 'FD10:0:2:0:0:0:0:F/64' },
          { link: 'static0', type: 'ipv4', ip_address: '10.0.2.16', netmask: '255.255.255.0' },
        ],
      }),
    });
    expect((await kubevirt.fetchConfig(t.ctx))?.source).toMatch(/:\/openstack\/latest\/user_data$/);
    // The first link with static addresses, and its first address of each family.
    expect(await kubevirt.metadata!(t.ctx)).toEqual({
      attributes: { KUBEVIRT_INSTANCE_ID: 'vmi-2', KUBEVIRT_HOSTNAME: 'kv2', KUBEVIRT_INSTANCE_TYPE: 'u1.small', KUBEVIRT_IPV4: '10.0.2.15', KUBEVIRT_IPV6: 'fd10:0:2::f' },
      sshKeys: ['ssh-ed25519 AAAA kv'],
      hostname: 'kv2',
    });
  });

  test('kubevirt: no drive at all is no config after the wait', async () => {
    if (!runnable) return;
    t = testContext();
    expect(await kubevirt.fetchConfig(t.ctx)).toBeUndefined();
    expect(t.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30_000);
  });

  test('proxmoxve: a #cloud-config user-data is skipped and vendor-data is used', async () => {
    if (!runnable) return;
    await drive('cidata', {
      'user-data': '#cloud-config\nhostname: pve\nmanage_etc_hosts: true\nssh_authorized_keys:\n  - ssh-ed25519 AAAA pve\n',
      'vendor-data': CONFIG,
      'meta-data': 'instance-id: 101\nlocal-hostname: not-this-one\n',
      // Proxmox's network-config (cloud-init v1): the first physical interface's static addresses.
      'network-config': [
        'version: 1',
        'config:',
        '    - type: physical',
        '      name: eth0',
        "      mac_address: 'bc:24:11:00:00:01'",
        '      subnets:',
        '      - type: static',
        "        address: '192.168.1.10'",
        "        netmask: '255.255.255.0'",
        "        gateway: '192.168.1.1'",
        '      - type: static6',
        "        address: '2001:DB8:85A3:0:0:8A2E:370:0/64'",
        '    - type: physical',
        '      name: eth1',
        '      subnets:',
        '      - type: static',
        "        address: '10.9.9.9'",
        '    - type: nameserver',
        '      address:',
        "      - '1.1.1.1'",
        '',
      ].join('\n'),
    });
    t = testContext();
    expect((await proxmoxve.fetchConfig(t.ctx))?.source).toMatch(/:\/vendor-data$/);
    // As Afterburn: the hostname and keys come from the #cloud-config user-data, not meta-data.
    expect(await proxmoxve.metadata!(t.ctx)).toEqual({
      attributes: { PROXMOXVE_INSTANCE_ID: '101', PROXMOXVE_HOSTNAME: 'pve', PROXMOXVE_IPV4: '192.168.1.10', PROXMOXVE_IPV6: '2001:db8:85a3::8a2e:370:0' },
      sshKeys: ['ssh-ed25519 AAAA pve'],
      hostname: 'pve',
    });
  });

  test('proxmoxve and ibmcloud: no cidata drive within 30 s is no config', async () => {
    if (!runnable) return;
    t = testContext();
    expect(await proxmoxve.fetchConfig(t.ctx)).toBeUndefined();
    expect(await ibmcloud.fetchConfig(t.ctx)).toBeUndefined();
    expect(t.sleeps.length).toBeGreaterThanOrEqual(60);
  });

  test('ibmcloud: user-data and metadata from cidata', async () => {
    if (!runnable) return;
    // Keys come from the MIME vendor-data's cloud-config part, as Afterburn reads them.
    const vendorData = [
      'Content-Type: multipart/mixed; boundary="===XYZ=="',
      'MIME-Version: 1.0',
      '',
      '--===XYZ==',
      'Content-Type: text/x-shellscript; charset="us-ascii"',
      '',
      '#!/bin/sh',
      '--===XYZ==',
      'Content-Type: text/cloud-config; charset="us-ascii"',
      '',
      '#cloud-config',
      'ssh_authorized_keys:',
      '  - ssh-rsa AAAA ibm1 user@x',
      '  - ssh-rsa AAAA ibm2 user@y',
      '--===XYZ==--',
      '',
    ].join('\n');
    await drive('cidata', { 'user-data': CONFIG, 'meta-data': 'instance-id: ibm-1\nlocal-hostname: ibmhost\n', 'vendor-data': vendorData });
    t = testContext();
    expect((await ibmcloud.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(await ibmcloud.metadata!(t.ctx)).toEqual({
      attributes: { IBMCLOUD_INSTANCE_ID: 'ibm-1', IBMCLOUD_LOCAL_HOSTNAME: 'ibmhost' },
      sshKeys: ['ssh-rsa AAAA ibm1 user@x', 'ssh-rsa AAAA ibm2 user@y'],
      hostname: 'ibmhost',
    });
  });

  test('powervs and nutanix: wait for config-2 until it appears', async () => {
    if (!runnable) return;
    t = testContext();
    t.onSleep(async (n) => {
      if (n === 5) await drive('config-2', { [OS_USER_DATA]: CONFIG, 'openstack/latest/meta_data.json': '{"uuid":"p-1","hostname":"pvs.example.cloud","name":"pvs"}' });
    });
    expect((await powervs.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect(t.sleeps).toHaveLength(5);
    expect((await nutanix.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    expect((await powervs.metadata!(t.ctx)).attributes).toEqual({ POWERVS_INSTANCE_ID: 'p-1', POWERVS_LOCAL_HOSTNAME: 'pvs' });
  });

  test('cloudstack: the virtual router found through the networkd DHCP lease', async () => {
    if (!runnable) return;
    server = await startServer(routes({ '/latest/user-data': [200, CONFIG], '/latest/meta-data/instance-id': [200, 'cs-1'] }));
    const root = tree({ 'run/systemd/netif/leases/2': `# networkd lease\nADDRESS=10.0.0.7\nSERVER_ADDRESS=127.0.0.1:${server.port}\n` });
    t = testContext({ sysRoot: root });
    expect((await cloudstack.fetchConfig(t.ctx))?.source).toBe(`http://127.0.0.1:${server.port}/latest/user-data`);
    // Afterburn reports CloudStack's local hostname as an attribute only, never as the hostname.
    expect(await cloudstack.metadata!(t.ctx)).toEqual({ attributes: { CLOUDSTACK_INSTANCE_ID: 'cs-1' }, sshKeys: [], hostname: undefined });
  });

  test('cloudstack: the config drive wins while no lease exists yet', async () => {
    if (!runnable) return;
    const d = await drive('config-2', { 'cloudstack/userdata/user_data.txt': CONFIG });
    const root = tree({});
    mkdirSync(join(root, 'run/systemd/netif/leases'), { recursive: true });
    t = testContext({ sysRoot: root });
    expect((await cloudstack.fetchConfig(t.ctx))?.source).toBe(`${d.device}:/cloudstack/userdata/user_data.txt`);
  });

  test('ignition.config.device + ignition.config.path: read from the labelled filesystem', async () => {
    if (!runnable) return;
    const d = await drive('kcfgdev', { 'cfg/user.ign': CONFIG });
    t = testContext();
    const sources = userConfigSources(parseKernelParams('ignition.config.device=kcfgdev ignition.config.path=/cfg/user.ign'), ['/run/ignition'], 'metal');
    expect(sources.map((s) => s.kind)).toEqual(['cmdline-device', 'system', 'platform']);
    expect(await readConfigDevice(t.ctx, 'kcfgdev', '/cfg/user.ign')).toEqual({ text: CONFIG, source: `${d.device}:/cfg/user.ign` });
    await expect(readConfigDevice(t.ctx, 'kcfgdev', '/missing.ign')).rejects.toMatchObject({ code: 'CONFIG_DRIVE_FAILED' });
    await expect(readConfigDevice(t.ctx, 'kcfg-absent', '/x')).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
  });
});

describe('config source order', () => {
  test('URL before device before user.ign before the platform; incomplete device kargs are errors', () => {
    const dirs = ['/run/ignition'];
    expect(userConfigSources(parseKernelParams('ignition.config.url=http://x/c ignition.config.device=L ignition.config.path=/p'), dirs, 'aws')).toEqual([
      { kind: 'cmdline-url', url: 'http://x/c' },
      { kind: 'system', dirs },
      { kind: 'platform', platform: 'aws' },
    ]);
    expect(userConfigSources(undefined, dirs, 'qemu').map((s) => s.kind)).toEqual(['system', 'platform']);
    expect(() => userConfigSources(parseKernelParams('ignition.config.device=L'), dirs, 'aws')).toThrow(/must be given together/);
    expect(() => userConfigSources(parseKernelParams('ignition.config.device=a/b ignition.config.path=/p'), dirs, 'aws')).toThrow(/single path component/);
  });
});
