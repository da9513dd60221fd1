// Platforms whose config is only ever on an attached drive: IBM Cloud VPC and Proxmox VE (NoCloud
// `cidata`, waited for 30 s), PowerVS and Nutanix (`config-2`, waited for forever), and KubeVirt
// (either, raced). Metadata comes from the same drives.
import { join } from 'node:path';
import { CONFIG_DRIVE_LABELS, NOCLOUD_LABELS, readIfPresent, waitForDrive, withMounted } from './config-drive.ts';
import { cloudConfigKeys, parseNoCloudMeta, readDriveFiles, userDataFromDrive } from './nocloud.ts';
import { race, type Racer } from './race.ts';
import type { FetchedConfig, Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';
import { canonicalIp, keyLines } from './attributes.ts';
import { isMapping, listOf, parseBlockYaml } from './block-yaml.ts';

export const DRIVE_WAIT_MS = 30_000;
const OPENSTACK_USER_DATA = 'openstack/latest/user_data';

async function noCloudMetadata(ctx: ProviderContext, prefix: string, names: { id: string; host: string }): Promise<Metadata> {
  const files = (await readDriveFiles(ctx, NOCLOUD_LABELS, ['meta-data', 'user-data', 'vendor-data'])) ?? {};
  const meta = parseNoCloudMeta(files['meta-data'] ?? '');
  const attributes: Record<string, string> = {};
  if (meta['instance-id'] !== undefined) attributes[`${prefix}_${names.id}`] = meta['instance-id'];
  if (meta['local-hostname'] !== undefined) attributes[`${prefix}_${names.host}`] = meta['local-hostname'];
  const sshKeys = [...cloudConfigKeys(files['user-data']), ...cloudConfigKeys(files['vendor-data'])];
  return { attributes, sshKeys, hostname: meta['local-hostname'] };
}

interface DriveMetaData {
  uuid?: string;
  hostname?: string;
  name?: string;
  instance_type?: string;
  public_keys?: Record<string, string>;
}

/** PowerVS's config drive: Afterburn takes the local hostname from `name` (the short name), not `hostname` (the FQDN). */
async function powervsMetadata(ctx: ProviderContext): Promise<Metadata> {
  const files = (await readDriveFiles(ctx, CONFIG_DRIVE_LABELS, ['openstack/latest/meta_data.json'])) ?? {};
  const meta = JSON.parse(files['openstack/latest/meta_data.json'] ?? '{}') as DriveMetaData;
  const attributes: Record<string, string> = {};
  if (meta.uuid !== undefined) attributes.POWERVS_INSTANCE_ID = meta.uuid;
  if (meta.name !== undefined) attributes.POWERVS_LOCAL_HOSTNAME = meta.name;
  return { attributes, sshKeys: Object.values(meta.public_keys ?? {}).flatMap((k) => keyLines(k)), hostname: meta.name || undefined };
}

interface NetworkData {
  links?: { id?: string }[];
  networks?: { link?: string; ip_address?: string }[];
}

/** KubeVirt's addresses as Afterburn reports them: the first link with static addresses, its first IPv4 and first IPv6. */
export function kubevirtAddresses(networkData: NetworkData): Record<string, string> {
  for (const link of networkData.links ?? []) {
    const ips = (networkData.networks ?? []).filter((n) => n.link === link.id && typeof n.ip_address === 'string').map((n) => canonicalIp(n.ip_address!));
    if (ips.length === 0) continue;
    const out: Record<string, string> = {};
    const v4 = ips.find((ip) => !ip.includes(':'));
    const v6 = ips.find((ip) => ip.includes(':'));
    if (v4 !== undefined) out.KUBEVIRT_IPV4 = v4;
    if (v6 !== undefined) out.KUBEVIRT_IPV6 = v6;
    return out;
  }
  return {};
}

/** KubeVirt's config drive: meta_data.json (uuid, hostname, instance_type, keys) and network_data.json. */
async function kubevirtConfigDriveMetadata(ctx: ProviderContext): Promise<Metadata> {
  const META = 'openstack/latest/meta_data.json';
  const NETWORK = 'openstack/latest/network_data.json';
  const files = (await readDriveFiles(ctx, CONFIG_DRIVE_LABELS, [META, NETWORK])) ?? {};
  const meta = JSON.parse(files[META] ?? '{}') as DriveMetaData;
  const attributes: Record<string, string> = files[NETWORK] === undefined ? {} : kubevirtAddresses(JSON.parse(files[NETWORK]) as NetworkData);
  if (meta.uuid !== undefined) attributes.KUBEVIRT_INSTANCE_ID = meta.uuid;
  if (meta.hostname !== undefined) attributes.KUBEVIRT_HOSTNAME = meta.hostname;
  if (meta.instance_type !== undefined) attributes.KUBEVIRT_INSTANCE_TYPE = meta.instance_type;
  return { attributes, sshKeys: Object.values(meta.public_keys ?? {}).flatMap((k) => keyLines(k)), hostname: meta.hostname || undefined };
}


/**
 * Proxmox VE as Afterburn reads its cidata drive: the instance id from meta-data, the hostname
 * and SSH keys from a #cloud-config user-data (nothing when it is not one), and PROXMOXVE_IPV4 /
 * PROXMOXVE_IPV6 from the first physical interface's static subnets in network-config (the last
 * address of each family).
 */
export function proxmoxMetadata(files: Record<string, string>): Metadata {
  const meta = parseBlockYaml(files['meta-data'] ?? '');
  const userText = files['user-data'] ?? '';
  const user = userText.split('\n')[0]!.startsWith('#cloud-config') ? parseBlockYaml(userText) : null;
  const attributes: Record<string, string> = {};
  if (isMapping(meta) && typeof meta['instance-id'] === 'string') attributes.PROXMOXVE_INSTANCE_ID = meta['instance-id'];
  const hostname = isMapping(user) && typeof user.hostname === 'string' ? user.hostname : undefined;
  if (hostname !== undefined) attributes.PROXMOXVE_HOSTNAME = hostname;
  const network = parseBlockYaml(files['network-config'] ?? '');
  const first = listOf(isMapping(network) ? network.config : undefined).find((e) => isMapping(e) && e.type === 'physical');
  for (const subnet of listOf(isMapping(first) ? first.subnets : undefined)) {
    if (!isMapping(subnet) || typeof subnet.type !== 'string' || !subnet.type.includes('static') || typeof subnet.address !== 'string') continue;
    const ip = canonicalIp(subnet.address);
    attributes[ip.includes(':') ? 'PROXMOXVE_IPV6' : 'PROXMOXVE_IPV4'] = ip;
  }
  const keys = isMapping(user) ? listOf(user.ssh_authorized_keys).filter((k): k is string => typeof k === 'string') : [];
  return { attributes, sshKeys: keys, hostname };
}

/**
 * SSH keys as Afterburn finds them on IBM Cloud: in the MIME vendor-data, the first
 * `text/cloud-config` part that mentions ssh_authorized_keys, read as YAML.
 */
export function vendorDataKeys(vendorData: string): string[] {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(vendorData)?.[1];
  if (boundary === undefined) return [];
  for (const part of vendorData.split(`--${boundary}`).slice(1)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
    if (!/^content-type:\s*text\/cloud-config\b/im.test(headers) || !body.includes('ssh_authorized_keys')) continue;
    const doc = parseBlockYaml(body);
    return isMapping(doc) ? listOf(doc.ssh_authorized_keys).filter((k): k is string => typeof k === 'string') : [];
  }
  return [];
}

async function ibmcloudMetadata(ctx: ProviderContext): Promise<Metadata> {
  const files = (await readDriveFiles(ctx, NOCLOUD_LABELS, ['meta-data', 'vendor-data'])) ?? {};
  const meta = parseNoCloudMeta(files['meta-data'] ?? '');
  const attributes: Record<string, string> = {};
  if (meta['instance-id'] !== undefined) attributes.IBMCLOUD_INSTANCE_ID = meta['instance-id'];
  if (meta['local-hostname'] !== undefined) attributes.IBMCLOUD_LOCAL_HOSTNAME = meta['local-hostname'];
  return { attributes, sshKeys: vendorDataKeys(files['vendor-data'] ?? ''), hostname: meta['local-hostname'] };
}

export const ibmcloud: Provider = {
  id: 'ibmcloud',
  fetchConfig: (ctx) => userDataFromDrive(ctx, NOCLOUD_LABELS, 'user-data', DRIVE_WAIT_MS),
  metadata: ibmcloudMetadata,
};

export const powervs: Provider = {
  id: 'powervs',
  fetchConfig: (ctx) => userDataFromDrive(ctx, CONFIG_DRIVE_LABELS, OPENSTACK_USER_DATA, Infinity),
  metadata: powervsMetadata,
};

export const nutanix: Provider = {
  id: 'nutanix',
  fetchConfig: (ctx) => userDataFromDrive(ctx, CONFIG_DRIVE_LABELS, OPENSTACK_USER_DATA, Infinity),
};

/** Proxmox VE: user-data, then vendor-data; a file that is #cloud-config or empty is skipped. */
async function proxmoxConfig(ctx: ProviderContext): Promise<FetchedConfig | undefined> {
  const read = await waitForDrive(ctx, NOCLOUD_LABELS, [], DRIVE_WAIT_MS);
  if (!read.found) {
    ctx.device.log.info('no config: no cidata drive appeared within 30 s');
    return undefined;
  }
  return withMounted(ctx, read.device, 'auto', async (dir) => {
    for (const file of ['user-data', 'vendor-data']) {
      const bytes = await readIfPresent(join(dir, file));
      if (bytes === undefined) continue;
      if (bytes.length === 0 || bytes.toString('utf8').startsWith('#cloud-config\n')) {
        ctx.device.log.info(`skipping ${file} on ${read.device}: ${bytes.length === 0 ? 'empty' : 'a cloud-config'}`);
        continue;
      }
      const config = userDataToConfig(ctx, bytes, `${read.device}:/${file}`);
      if (config !== undefined) return config;
    }
    return undefined;
  });
}

export const proxmoxve: Provider = {
  id: 'proxmoxve',
  fetchConfig: proxmoxConfig,
  metadata: async (ctx) => proxmoxMetadata((await readDriveFiles(ctx, NOCLOUD_LABELS, ['meta-data', 'user-data', 'network-config'])) ?? {}),
};

function driveRacer(labels: readonly string[], file: string): Racer {
  return async (ctx, stopped) => {
    const deadline = ctx.fetch.now() + DRIVE_WAIT_MS;
    const read = await waitForDrive(ctx, labels, [file], Infinity, () => stopped() || ctx.fetch.now() >= deadline);
    if (!read.found) throw new Error(`no drive labelled ${labels.join(' or ')}`);
    if (read.data === undefined) return null;
    return userDataToConfig(ctx, read.data, `${read.device}:/${file}`) ?? null;
  };
}

export const kubevirt: Provider = {
  id: 'kubevirt',
  fetchConfig: (ctx) => race(ctx, [driveRacer(NOCLOUD_LABELS, 'user-data'), driveRacer(CONFIG_DRIVE_LABELS, OPENSTACK_USER_DATA)]),
  async metadata(ctx) {
    const fromNoCloud = await noCloudMetadata(ctx, 'KUBEVIRT', { id: 'INSTANCE_ID', host: 'HOSTNAME' });
    if (Object.keys(fromNoCloud.attributes).length > 0) return fromNoCloud;
    return kubevirtConfigDriveMetadata(ctx);
  },
};
