// Afterburn metadata per HTTP platform: each case is that platform's documented layout served
// from 127.0.0.1, and the attributes, SSH keys and hostname Afterburn would report from it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { canonicalIp, indexed } from '../../src/providers/attributes.ts';
import { parseBlockYaml } from '../../src/providers/block-yaml.ts';
import { getProvider } from '../../src/providers/index.ts';
import type { Metadata } from '../../src/providers/types.ts';
import { startServer, testContext, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

interface Case {
  id: string;
  endpoint: string;
  header?: [string, string];
  routes: Record<string, string>;
  expected: Metadata;
}

const CASES: Case[] = [
  {
    id: 'gcp',
    endpoint: 'GCP_METADATA',
    header: ['metadata-flavor', 'Google'],
    routes: {
      '/computeMetadata/v1/instance/hostname': 'gce-1.c.proj.internal',
      '/computeMetadata/v1/instance/machine-type': 'projects/1/machineTypes/e2-small',
      '/computeMetadata/v1/instance/network-interfaces/0/ip': '10.128.0.2',
      '/computeMetadata/v1/instance/network-interfaces/0/access-configs/0/external-ip': '34.1.1.1',
      '/computeMetadata/v1/instance/attributes/ssh-keys': 'core:ssh-ed25519 AAAA inst core@x\n',
      '/computeMetadata/v1/project/attributes/ssh-keys': 'ops:ssh-rsa AAAA proj ops@y',
    },
    expected: {
      attributes: {
        GCP_HOSTNAME: 'gce-1.c.proj.internal',
        GCP_MACHINE_TYPE: 'projects/1/machineTypes/e2-small',
        GCP_IP_LOCAL_0: '10.128.0.2',
        GCP_IP_EXTERNAL_0: '34.1.1.1',
      },
      sshKeys: ['ssh-ed25519 AAAA inst core@x', 'ssh-rsa AAAA proj ops@y'],
      hostname: 'gce-1.c.proj.internal',
    },
  },
  {
    id: 'digitalocean',
    endpoint: 'DIGITALOCEAN_METADATA',
    routes: {
      '/metadata/v1.json': JSON.stringify({
        hostname: 'drop',
        region: 'ams3',
        public_keys: ['ssh-ed25519 AAAA do'],
        interfaces: {
          // IPv6 as the service may spell it; Afterburn prints the parsed address. The second public
          // interface has only IPv6, so its IPv4 index 1 stays unused rather than shifting.
          public: [
            { ipv4: { ip_address: '1.1.1.1' }, anchor_ipv4: { ip_address: '10.20.0.5' }, ipv6: { ip_address: '2A03:B0C0:0002:00D0:0000:0000:0F2C:5001' } },
            { ipv6: { ip_address: '2a03:0:0:0:0:0:0:1' } },
          ],
          private: [{ ipv4: { ip_address: '10.110.0.2' } }],
        },
      }),
    },
    expected: {
      attributes: {
        DIGITALOCEAN_HOSTNAME: 'drop',
        DIGITALOCEAN_REGION: 'ams3',
        DIGITALOCEAN_IPV4_PUBLIC_0: '1.1.1.1',
        DIGITALOCEAN_IPV4_ANCHOR_0: '10.20.0.5',
        DIGITALOCEAN_IPV6_PUBLIC_0: '2a03:b0c0:2:d0::f2c:5001',
        DIGITALOCEAN_IPV6_PUBLIC_1: '2a03::1',
        DIGITALOCEAN_IPV4_PRIVATE_0: '10.110.0.2',
      },
      sshKeys: ['ssh-ed25519 AAAA do'],
      hostname: 'drop',
    },
  },
  {
    id: 'hetzner',
    endpoint: 'HETZNER_METADATA',
    routes: {
      // Shaped like the service's (PyYAML) output, including a multi-line quoted vendor_data.
      '/hetzner/v1/metadata': [
        'availability-zone: fsn1-dc14',
        'hostname: hz-1',
        'instance-id: 123',
        "local-ipv4: ''",
        'network-config:',
        '  config:',
        '  - mac_address: 96:00:00:00:00:01',
        '    name: eth0',
        '    subnets:',
        '    - ipv4: true',
        '      type: dhcp',
        '    - address: 2A01:4F8:C012:0000:0000:0000:0000:0001/64',
        '      gateway: fe80::1',
        '      ipv6: true',
        '      type: static',
        '    type: physical',
        '  version: 1',
        'public-ipv4: 5.5.5.5',
        'public-keys: []',
        'region: eu-central',
        'vendor_data: "#cloud-config\\nruncmd:\\n- [sh, -c, echo',
        '  \\ hi]\\n"',
        '',
      ].join('\n'),
      '/hetzner/v1/metadata/private-networks': [
        '- alias_ips: []',
        '  interface_num: 2',
        '  ip: 10.0.0.2',
        '  network_id: 1',
        '- alias_ips: []',
        '  interface_num: 3',
        '  ip: 10.128.0.2',
        '',
      ].join('\n'),
      '/hetzner/v1/metadata/hostname': 'hz-1',
      '/hetzner/v1/metadata/public-keys': JSON.stringify(['ssh-ed25519 AAAA hz']),
    },
    expected: {
      attributes: {
        HETZNER_HOSTNAME: 'hz-1',
        HETZNER_INSTANCE_ID: '123',
        HETZNER_PUBLIC_IPV4: '5.5.5.5',
        HETZNER_PUBLIC_IPV6: '2a01:4f8:c012::1',
        HETZNER_PRIVATE_IPV4_0: '10.0.0.2',
        HETZNER_PRIVATE_IPV4_1: '10.128.0.2',
        HETZNER_AVAILABILITY_ZONE: 'fsn1-dc14',
        HETZNER_REGION: 'eu-central',
      },
      sshKeys: ['ssh-ed25519 AAAA hz'],
      hostname: 'hz-1',
    },
  },
  {
    id: 'vultr',
    endpoint: 'VULTR_METADATA',
    routes: { '/v1/hostname': 'vu', '/v1/instanceid': 'v-1', '/v1/region/regioncode': 'EWR', '/v1/public-keys': 'ssh-ed25519 AAAA vu\n' },
    expected: { attributes: { VULTR_HOSTNAME: 'vu', VULTR_INSTANCE_ID: 'v-1', VULTR_REGION_CODE: 'EWR' }, sshKeys: ['ssh-ed25519 AAAA vu'], hostname: 'vu' },
  },
  {
    id: 'exoscale',
    endpoint: 'EXOSCALE_METADATA',
    routes: { '/1.0/meta-data/instance-id': 'e-1', '/1.0/meta-data/local-hostname': 'exo', '/1.0/meta-data/public-ipv4': '8.8.4.4', '/1.0/meta-data/public-keys': 'ssh-rsa AAAA exo' },
    expected: {
      attributes: { EXOSCALE_INSTANCE_ID: 'e-1', EXOSCALE_LOCAL_HOSTNAME: 'exo', EXOSCALE_PUBLIC_IPV4: '8.8.4.4' },
      sshKeys: ['ssh-rsa AAAA exo'],
      hostname: 'exo',
    },
  },
  {
    id: 'upcloud',
    endpoint: 'UPCLOUD_METADATA',
    routes: { '/metadata/v1/hostname': 'up', '/metadata/v1/instance_id': 'u-1', '/metadata/v1/region': 'fi-hel1', '/metadata/v1/public_keys': 'ssh-ed25519 AAAA up' },
    expected: { attributes: { UPCLOUD_HOSTNAME: 'up', UPCLOUD_INSTANCE_ID: 'u-1', UPCLOUD_REGION: 'fi-hel1' }, sshKeys: ['ssh-ed25519 AAAA up'], hostname: 'up' },
  },
  {
    id: 'aliyun',
    endpoint: 'ALIYUN_METADATA',
    routes: {
      '/latest/meta-data/hostname': 'ali',
      '/latest/meta-data/instance-id': 'i-ali',
      '/latest/meta-data/region-id': 'cn-hangzhou',
      '/latest/meta-data/public-keys/': '0/\n',
      '/latest/meta-data/public-keys/0/openssh-key': 'ssh-rsa AAAA ali',
    },
    expected: { attributes: { ALIYUN_HOSTNAME: 'ali', ALIYUN_INSTANCE_ID: 'i-ali', ALIYUN_REGION_ID: 'cn-hangzhou' }, sshKeys: ['ssh-rsa AAAA ali'], hostname: 'ali' },
  },
  {
    id: 'oraclecloud',
    endpoint: 'ORACLECLOUD_METADATA',
    header: ['authorization', 'Bearer Oracle'],
    routes: {
      '/opc/v2/instance': JSON.stringify({
        availabilityDomain: 'AD-1',
        compartmentId: 'ocid1.compartment',
        faultDomain: 'FAULT-DOMAIN-2',
        hostname: 'oci',
        id: 'ocid1.instance',
        shape: 'VM.Standard.E2.1',
        canonicalRegionName: 'eu-frankfurt-1',
        metadata: { ssh_authorized_keys: 'ssh-ed25519 AAAA oci' },
      }),
    },
    expected: {
      attributes: {
        ORACLECLOUD_AVAILABILITY_DOMAIN: 'AD-1',
        ORACLECLOUD_COMPARTMENT_ID: 'ocid1.compartment',
        ORACLECLOUD_FAULT_DOMAIN: 'FAULT-DOMAIN-2',
        ORACLECLOUD_HOSTNAME: 'oci',
        ORACLECLOUD_INSTANCE_ID: 'ocid1.instance',
        ORACLECLOUD_INSTANCE_SHAPE: 'VM.Standard.E2.1',
        ORACLECLOUD_REGION_ID: 'eu-frankfurt-1',
      },
      sshKeys: ['ssh-ed25519 AAAA oci'],
      hostname: 'oci',
    },
  },
  {
    id: 'packet',
    endpoint: 'PACKET_METADATA',
    routes: {
      '/metadata': JSON.stringify({
        hostname: 'pk',
        plan: 'c3.small.x86',
        ssh_keys: ['ssh-ed25519 AAAA pk'],
        phone_home_url: 'PHONE',
        network: {
          addresses: [
            { address_family: 4, public: true, address: '147.1.1.1', gateway: '147.1.1.0' },
            { address_family: 4, public: false, address: '10.0.0.3', gateway: '10.0.0.1' },
            { address_family: 6, public: true, address: '2604:1380:0:0:0:0:0:1', gateway: '2604:1380::' },
            { address_family: 6, public: false, address: 'FD00::5', gateway: 'fd00::' },
          ],
        },
      }),
    },
    expected: {
      attributes: {
        PACKET_HOSTNAME: 'pk',
        PACKET_PLAN: 'c3.small.x86',
        PACKET_PHONE_HOME_URL: 'PHONE',
        PACKET_IPV4_PUBLIC_0: '147.1.1.1',
        PACKET_IPV4_PRIVATE_0: '10.0.0.3',
        PACKET_IPV6_PUBLIC_0: '2604:1380::1',
        PACKET_IPV6_PRIVATE_0: 'fd00::5',
      },
      sshKeys: ['ssh-ed25519 AAAA pk'],
      hostname: 'pk',
    },
  },
];

function serve(c: Case) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (c.header !== undefined && req.headers[c.header[0]] !== c.header[1]) {
      res.writeHead(403);
      res.end();
      return;
    }
    const body = c.routes[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200);
    res.end(body ?? '');
  };
}

describe.each(CASES)('$id metadata', (c) => {
  test('attributes, SSH keys and hostname', async () => {
    server = await startServer(serve(c));
    t = testContext({ endpoints: { [c.endpoint]: server.url } });
    expect(await getProvider(c.id)!.metadata!(t.ctx)).toEqual(c.expected);
  });
});

describe('gcp SSH key rules', () => {
  const base = CASES[0]!;
  test('legacy instance sshKeys alone wins; block-project-ssh-keys drops project keys', async () => {
    server = await startServer(serve({ ...base, routes: { ...base.routes, '/computeMetadata/v1/instance/attributes/sshKeys': 'old:ssh-rsa AAAA legacy' } }));
    t = testContext({ endpoints: { GCP_METADATA: server.url } });
    expect((await getProvider('gcp')!.metadata!(t.ctx)).sshKeys).toEqual(['ssh-rsa AAAA legacy']);
    await server.close();
    server = await startServer(serve({ ...base, routes: { ...base.routes, '/computeMetadata/v1/instance/attributes/block-project-ssh-keys': 'TRUE' } }));
    t.ctx.endpoints = { GCP_METADATA: server.url };
    expect((await getProvider('gcp')!.metadata!(t.ctx)).sshKeys).toEqual(['ssh-ed25519 AAAA inst core@x']);
  });
});

describe('packet phone-home', () => {
  test('POSTs to phone_home_url from the metadata', async () => {
    const c = CASES.find((x) => x.id === 'packet')!;
    server = await startServer((req, res) => {
      if (req.url === '/metadata') {
        res.writeHead(200);
        res.end(c.routes['/metadata']!.replace('PHONE', `http://127.0.0.1:${server!.port}/phone-home`));
        return;
      }
      res.writeHead(req.method === 'POST' && req.url === '/phone-home' ? 200 : 404);
      res.end();
    });
    t = testContext({ endpoints: { PACKET_METADATA: server.url } });
    await getProvider('packet')!.checkIn!(t.ctx);
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /metadata', 'POST /phone-home']);
  });
});

describe('packet status hook', () => {
  test('posts running and failed events next to phone_home_url', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/metadata') {
        res.writeHead(200);
        res.end(JSON.stringify({ phone_home_url: `http://127.0.0.1:${server!.port}/dev/1/phone-home` }));
        return;
      }
      res.writeHead(req.method === 'POST' && req.url === '/dev/1/events' ? 200 : 404);
      res.end();
    });
    t = testContext({ endpoints: { PACKET_METADATA: server.url } });
    const packet = getProvider('packet')!;
    await packet.status!(t.ctx, 'disks', undefined);
    await packet.status!(t.ctx, 'files', new Error('boom'));
    const events = server.seen.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body) as unknown);
    expect(events).toEqual([
      { state: 'running', message: 'Ignition disks: stage completed' },
      { state: 'failed', message: 'Ignition files: boom' },
    ]);
  });
});

describe('addresses as Afterburn prints them', () => {
  test.each([
    ['2604:A880:0800:0010:0000:0000:08A5:4001', '2604:a880:800:10::8a5:4001'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::FFFF:C000:0280', '::ffff:192.0.2.128'],
    ['2a01:4f8::1/64', '2a01:4f8::1'],
    ['192.0.2.7', '192.0.2.7'],
    ['not-an-address', 'not-an-address'],
  ])('%s -> %s', (given, printed) => {
    expect(canonicalIp(given)).toBe(printed);
  });

  test('a missing value leaves its index unused', () => {
    expect(indexed('X', [undefined, 'a', '', 'b'])).toEqual({ X_1: 'a', X_3: 'b' });
  });
});

describe('block YAML', () => {
  test('sequences at their key\'s indentation, nested items, quoted and empty-flow scalars', () => {
    const doc = parseBlockYaml(["a: 'it''s'", 'b:', '- x: "1"', '  y:', '  - true', '  - []', 'c: {}', 'd:', '  e: f'].join('\n'));
    expect(doc).toEqual({ a: "it's", b: [{ x: '1', y: [true, []] }], c: {}, d: { e: 'f' } });
  });
});
