// Apache CloudStack: the config drive (`/cloudstack/userdata/user_data.txt`) raced against the
// virtual router's metadata service, whose address is the DHCP server of a networkd lease
// (SERVER_ADDRESS= in /run/systemd/netif/leases/<ifindex>). Always needs the network.
import { join } from 'node:path';
import { readdir, readFile } from '../system/fs-async.ts';
import { baseUrl } from './endpoint.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { getTextOrUndefined, metadataRequest, requireNetwork } from './http.ts';
import { CONFIG_DRIVE_LABELS, waitForDrive } from './config-drive.ts';
import { race, type Racer } from './race.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const CLOUDSTACK_ENDPOINT = 'CLOUDSTACK_METADATA';
const USER_DATA = 'cloudstack/userdata/user_data.txt';
const LEASE_POLL_MS = 1_000;

/** SERVER_ADDRESS of the first networkd DHCP lease under <sysRoot>/run/systemd/netif/leases. */
export async function dhcpServer(ctx: ProviderContext): Promise<string | undefined> {
  const dir = join(ctx.sysRoot, 'run/systemd/netif/leases');
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const m = /^SERVER_ADDRESS=(\S+)$/m.exec(text);
    if (m !== null) return m[1];
  }
  return undefined;
}

async function serviceBase(ctx: ProviderContext, stopped: () => boolean): Promise<string> {
  for (;;) {
    const override = baseUrl(ctx, CLOUDSTACK_ENDPOINT, '');
    if (override !== '') return override;
    const server = await dhcpServer(ctx);
    if (server !== undefined) return `http://${server}`;
    if (stopped()) throw new Error('no DHCP lease names the CloudStack virtual router');
    await ctx.fetch.sleep(LEASE_POLL_MS);
  }
}

const fromDrive: Racer = async (ctx, stopped) => {
  const read = await waitForDrive(ctx, CONFIG_DRIVE_LABELS, [USER_DATA], Infinity, stopped);
  if (!read.found) throw new Error('race decided before a config drive appeared');
  if (read.data === undefined) return null;
  return userDataToConfig(ctx, read.data, `${read.device}:/${USER_DATA}`) ?? null;
};

const fromService: Racer = async (ctx, stopped) => {
  const url = `${await serviceBase(ctx, stopped)}/latest/user-data`;
  const res = await metadataRequest(ctx, { url, pass: [404] });
  if (res.status === 404) return null;
  return userDataToConfig(ctx, res.body, url) ?? null;
};

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const base = `${await serviceBase(ctx, () => true)}/latest/meta-data/`;
  const attributes = await fetchAttributes(ctx, base, {
    CLOUDSTACK_AVAILABILITY_ZONE: 'availability-zone',
    CLOUDSTACK_INSTANCE_ID: 'instance-id',
    CLOUDSTACK_SERVICE_OFFERING: 'service-offering',
    CLOUDSTACK_CLOUD_IDENTIFIER: 'cloud-identifier',
    CLOUDSTACK_LOCAL_HOSTNAME: 'local-hostname',
    CLOUDSTACK_VM_ID: 'vm-id',
    CLOUDSTACK_IPV4_LOCAL: 'local-ipv4',
    CLOUDSTACK_IPV4_PUBLIC: 'public-ipv4',
    CLOUDSTACK_PUBLIC_HOSTNAME: 'public-hostname',
  }, {}, { keepEmpty: true });
  const sshKeys = keyLines(await getTextOrUndefined(ctx, `${base}public-keys`));
  // Afterburn reports no hostname on CloudStack (the attribute only).
  return { attributes, sshKeys };
}

export const cloudstack: Provider = {
  id: 'cloudstack',
  async fetchConfig(ctx) {
    requireNetwork(ctx, 'CloudStack metadata service');
    return race(ctx, [fromDrive, fromService]);
  },
  metadata,
};
