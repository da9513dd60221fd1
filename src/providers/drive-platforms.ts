// Platforms whose config is only ever on an attached drive: IBM Cloud VPC and Proxmox VE (NoCloud
// `cidata`, waited for 30 s), PowerVS and Nutanix (`config-2`, waited for forever), and KubeVirt
// (either, raced). Metadata comes from the same drives.
import { join } from 'node:path';
import { CONFIG_DRIVE_LABELS, NOCLOUD_LABELS, readIfPresent, waitForDrive, withMounted } from './config-drive.ts';
import { cloudConfigKeys, parseNoCloudMeta, readDriveFiles, userDataFromDrive } from './nocloud.ts';
import { race, type Racer } from './race.ts';
import type { FetchedConfig, Metadata, Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';
import { keyLines } from './attributes.ts';

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

async function configDriveMetadata(ctx: ProviderContext, prefix: string, names: { id: string; host: string }): Promise<Metadata> {
  const files = (await readDriveFiles(ctx, CONFIG_DRIVE_LABELS, ['openstack/latest/meta_data.json'])) ?? {};
  const meta = JSON.parse(files['openstack/latest/meta_data.json'] ?? '{}') as { uuid?: string; hostname?: string; public_keys?: Record<string, string> };
  const attributes: Record<string, string> = {};
  if (meta.uuid !== undefined) attributes[`${prefix}_${names.id}`] = meta.uuid;
  if (meta.hostname !== undefined) attributes[`${prefix}_${names.host}`] = meta.hostname;
  return { attributes, sshKeys: Object.values(meta.public_keys ?? {}).flatMap((k) => keyLines(k)), hostname: meta.hostname };
}

export const ibmcloud: Provider = {
  id: 'ibmcloud',
  fetchConfig: (ctx) => userDataFromDrive(ctx, NOCLOUD_LABELS, 'user-data', DRIVE_WAIT_MS),
  metadata: (ctx) => noCloudMetadata(ctx, 'IBMCLOUD', { id: 'INSTANCE_ID', host: 'LOCAL_HOSTNAME' }),
};

export const powervs: Provider = {
  id: 'powervs',
  fetchConfig: (ctx) => userDataFromDrive(ctx, CONFIG_DRIVE_LABELS, OPENSTACK_USER_DATA, Infinity),
  metadata: (ctx) => configDriveMetadata(ctx, 'POWERVS', { id: 'INSTANCE_ID', host: 'LOCAL_HOSTNAME' }),
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
  metadata: (ctx) => noCloudMetadata(ctx, 'PROXMOXVE', { id: 'INSTANCE_ID', host: 'HOSTNAME' }),
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
    return configDriveMetadata(ctx, 'KUBEVIRT', { id: 'INSTANCE_ID', host: 'HOSTNAME' });
  },
};
