// OpenStack (and Brightbox, which uses the same services): the config drive `config-2` raced
// against the metadata service; the first definite answer wins and no answer at all means no
// config. Always needs the network (upstream). Metadata from the drive when attached, else HTTP.
import { join } from 'node:path';
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined, metadataRequest, requireNetwork } from './http.ts';
import { fetchAttributes, keyLines } from './attributes.ts';
import { CONFIG_DRIVE_LABELS, findDrive, readIfPresent, waitForDrive, withMounted } from './config-drive.ts';
import { race, type Racer } from './race.ts';
import type { Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const OPENSTACK_ENDPOINT = 'OPENSTACK_METADATA';
const DEFAULT_BASE = 'http://169.254.169.254';
const USER_DATA = 'openstack/latest/user_data';

const fromDrive: Racer = async (ctx, stopped) => {
  const read = await waitForDrive(ctx, CONFIG_DRIVE_LABELS, [USER_DATA], Infinity, stopped);
  if (!read.found) throw new Error('race decided before a config drive appeared');
  if (read.data === undefined) {
    ctx.device.log.info(`no config: config drive ${read.device} has no ${USER_DATA}`);
    return null;
  }
  return userDataToConfig(ctx, read.data, `${read.device}:/${USER_DATA}`) ?? null;
};

const fromService: Racer = async (ctx) => {
  const url = `${baseUrl(ctx, OPENSTACK_ENDPOINT, DEFAULT_BASE)}/${USER_DATA}`;
  // Retried until the fetch timeout, as upstream; the race stops it sooner when the drive answers.
  const res = await metadataRequest(ctx, { url, pass: [404] });
  if (res.status === 404) {
    ctx.device.log.info(`no config: ${url} answered 404 (no user data)`);
    return null;
  }
  return userDataToConfig(ctx, res.body, url) ?? null;
};

export async function fetchOpenStackConfig(ctx: ProviderContext) {
  requireNetwork(ctx, `${baseUrl(ctx, OPENSTACK_ENDPOINT, DEFAULT_BASE)}/${USER_DATA}`);
  return race(ctx, [fromDrive, fromService]);
}

interface OpenStackMetaData {
  uuid?: string;
  hostname?: string;
  public_keys?: Record<string, string>;
}

function fromMetaJson(meta: OpenStackMetaData, ec2: Record<string, unknown>): Metadata {
  const attributes: Record<string, string> = {};
  // As Afterburn's config-drive reader: every value present is written, empty or not, and the
  // hostname comes from openstack/latest/meta_data.json only.
  const set = (name: string, value: unknown) => {
    if (typeof value === 'string') attributes[name] = value;
  };
  set('OPENSTACK_HOSTNAME', meta.hostname);
  set('OPENSTACK_INSTANCE_UUID', meta.uuid);
  set('OPENSTACK_INSTANCE_ID', ec2['instance-id']);
  set('OPENSTACK_INSTANCE_TYPE', ec2['instance-type']);
  set('OPENSTACK_IPV4_LOCAL', ec2['local-ipv4']);
  set('OPENSTACK_IPV4_PUBLIC', ec2['public-ipv4']);
  const sshKeys = Object.values(meta.public_keys ?? {}).flatMap((k) => keyLines(k));
  return { attributes, sshKeys, hostname: meta.hostname || undefined };
}

export async function openStackMetadata(ctx: ProviderContext): Promise<Metadata> {
  const device = await findDrive(ctx, CONFIG_DRIVE_LABELS);
  if (device !== undefined) {
    return withMounted(ctx, device, 'auto', async (dir) => {
      const read = async (file: string) => {
        const bytes = await readIfPresent(join(dir, file));
        return bytes === undefined ? {} : (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>);
      };
      return fromMetaJson((await read('openstack/latest/meta_data.json')) as OpenStackMetaData, await read('ec2/latest/meta-data.json'));
    });
  }
  const base = baseUrl(ctx, OPENSTACK_ENDPOINT, DEFAULT_BASE);
  const attributes = await fetchAttributes(ctx, `${base}/latest/meta-data/`, {
    OPENSTACK_HOSTNAME: 'hostname',
    OPENSTACK_INSTANCE_ID: 'instance-id',
    OPENSTACK_INSTANCE_TYPE: 'instance-type',
    OPENSTACK_IPV4_LOCAL: 'local-ipv4',
    OPENSTACK_IPV4_PUBLIC: 'public-ipv4',
  }, {}, { keepEmpty: true });
  const meta = await getTextOrUndefined(ctx, `${base}/openstack/2012-08-10/meta_data.json`);
  const parsed = meta === undefined ? {} : (JSON.parse(meta) as OpenStackMetaData);
  if (typeof parsed.uuid === 'string') attributes.OPENSTACK_INSTANCE_UUID = parsed.uuid;
  let sshKeys = Object.values(parsed.public_keys ?? {}).flatMap((k) => keyLines(k));
  if (sshKeys.length === 0) sshKeys = keyLines(await getTextOrUndefined(ctx, `${base}/latest/meta-data/public-keys/0/openssh-key`));
  return { attributes, sshKeys, hostname: attributes.OPENSTACK_HOSTNAME };
}

export const openstack: Provider = { id: 'openstack', fetchConfig: fetchOpenStackConfig, metadata: openStackMetadata };
export const brightbox: Provider = { id: 'brightbox', fetchConfig: fetchOpenStackConfig };
