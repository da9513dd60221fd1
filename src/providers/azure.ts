// Microsoft Azure: user data from IMDS (base64, `Metadata: true`, 404/410/429 retried while IMDS
// warms up); when IMDS has none, the OVF custom data on the provisioning CD-ROM (UDF, with
// ovf-env.xml and CustomData.bin). Azure Stack has only the CD-ROM (UDF or ISO 9660). Metadata
// and the ready report go through IMDS and the WireServer.
import { join } from 'node:path';
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined, metadataRequest, requireNetwork } from './http.ts';
import { findByFilesystem, readIfPresent, withMounted } from './config-drive.ts';
import { send } from './send.ts';
import { entry } from '../report.ts';
import type { FetchedConfig, Metadata, Provider, ProviderContext } from './types.ts';
import { decodeBase64OrThrow, userDataToConfig } from './user-data.ts';

export const AZURE_ENDPOINT = 'AZURE_METADATA';
export const WIRESERVER_ENDPOINT = 'AZURE_WIRESERVER';
const DEFAULT_IMDS = 'http://169.254.169.254';
const DEFAULT_WIRESERVER = 'http://168.63.129.16';
export const IMDS_RETRY = [404, 410, 429] as const;
const IMDS = { Metadata: 'true' };
const WIRESERVER_HEADERS = { 'x-ms-version': '2012-11-30', 'x-ms-agent-name': 'com.coreos.afterburn' };
const CDROM_POLL_MS = 1_000;
const CDROM_WAIT_MS = 5 * 60_000;

/** IMDS user data decoded from base64, or undefined when IMDS answers 200 with an empty body. */
async function imdsUserData(ctx: ProviderContext): Promise<FetchedConfig | undefined | 'empty'> {
  const url = `${baseUrl(ctx, AZURE_ENDPOINT, DEFAULT_IMDS)}/metadata/instance/compute/userData?api-version=2021-01-01&format=text`;
  const res = await metadataRequest(ctx, { url, headers: IMDS, retry: IMDS_RETRY });
  const body = res.body.toString('utf8').trim();
  if (body === '') return 'empty';
  return userDataToConfig(ctx, decodeBase64OrThrow(body, url), url);
}

/**
 * Mounts each CD-ROM-like filesystem of the given types until one has ovf-env.xml; returns its
 * CustomData.bin (undefined when absent). Polls until a drive with ovf-env.xml appears.
 */
export async function readCustomData(ctx: ProviderContext, types: readonly string[], waitMs = CDROM_WAIT_MS): Promise<FetchedConfig | undefined> {
  const deadline = ctx.fetch.now() + waitMs;
  for (;;) {
    for (const device of await findByFilesystem(ctx, types)) {
      const found = await withMounted(ctx, device, 'auto', async (dir) => {
        if ((await readIfPresent(join(dir, 'ovf-env.xml'))) === undefined) return undefined;
        return { data: await readIfPresent(join(dir, 'CustomData.bin')) };
      }).catch(() => undefined);
      if (found === undefined) continue;
      if (found.data === undefined) {
        ctx.device.log.info(`no config: ${device} has ovf-env.xml but no CustomData.bin`);
        return undefined;
      }
      return userDataToConfig(ctx, found.data, `${device}:/CustomData.bin`);
    }
    if (ctx.fetch.now() >= deadline) {
      throw entry('error', 'CONFIG_DRIVE_FAILED', undefined, 'OVF custom data', `no ${types.join(' or ')} drive with ovf-env.xml appeared`);
    }
    await ctx.fetch.sleep(CDROM_POLL_MS);
  }
}

async function fetchAzureConfig(ctx: ProviderContext): Promise<FetchedConfig | undefined> {
  const fromImds = await imdsUserData(ctx);
  if (fromImds !== 'empty') return fromImds;
  ctx.device.log.info('IMDS has no user data; looking for custom data on the provisioning CD-ROM');
  // Like upstream, the drive search is bounded by the fetch timeout when there is one.
  const total = ctx.fetch.timeouts.totalMs;
  return readCustomData(ctx, ['udf'], total > 0 ? total : CDROM_WAIT_MS);
}

/** Goal state fields the health report must echo. */
export interface GoalState {
  incarnation: string;
  containerId: string;
  instanceId: string;
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();
}

export function parseGoalState(xml: string): GoalState {
  const incarnation = tag(xml, 'Incarnation');
  const containerId = tag(xml, 'ContainerId');
  const instanceId = tag(xml, 'InstanceId');
  if (incarnation === undefined || containerId === undefined || instanceId === undefined) {
    throw entry('error', 'CHECK_IN_FAILED', undefined, 'azure', 'goal state lacks Incarnation, ContainerId or InstanceId');
  }
  return { incarnation, containerId, instanceId };
}

export function healthReport(goal: GoalState): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Health xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `<GoalStateIncarnation>${goal.incarnation}</GoalStateIncarnation>`,
    '<Container>',
    `<ContainerId>${goal.containerId}</ContainerId>`,
    '<RoleInstanceList><Role>',
    `<InstanceId>${goal.instanceId}</InstanceId>`,
    '<Health><State>Ready</State></Health>',
    '</Role></RoleInstanceList>',
    '</Container>',
    '</Health>',
  ].join('');
}

/** The ready report: read the goal state, then POST a Ready health document (up to 5 tries). */
async function azureCheckIn(ctx: ProviderContext): Promise<void> {
  const wire = baseUrl(ctx, WIRESERVER_ENDPOINT, DEFAULT_WIRESERVER);
  requireNetwork(ctx, wire);
  const goalRes = await metadataRequest(ctx, { url: `${wire}/machine/?comp=goalstate`, headers: WIRESERVER_HEADERS });
  const goal = parseGoalState(goalRes.body.toString('utf8'));
  const res = await send(ctx, {
    url: `${wire}/machine/?comp=health`,
    method: 'POST',
    attempts: 5,
    headers: { ...WIRESERVER_HEADERS, 'content-type': 'text/xml;charset=utf-8' },
    body: healthReport(goal),
  });
  if (res.status !== 200) throw entry('error', 'CHECK_IN_FAILED', undefined, 'azure', `health report answered HTTP ${res.status}`);
}

interface ImdsPublicKey {
  keyData?: string;
}

async function azureMetadata(ctx: ProviderContext): Promise<Metadata> {
  const imds = `${baseUrl(ctx, AZURE_ENDPOINT, DEFAULT_IMDS)}/metadata/instance/compute`;
  const text = (path: string, version: string) => getTextOrUndefined(ctx, `${imds}/${path}?api-version=${version}&format=text`, IMDS);
  const attributes: Record<string, string> = {};
  const hostname = (await text('name', '2017-08-01'))?.trim();
  const vmSize = (await text('vmSize', '2017-08-01'))?.trim();
  if (vmSize !== undefined && vmSize !== '') attributes.AZURE_VMSIZE = vmSize;
  const wire = baseUrl(ctx, WIRESERVER_ENDPOINT, DEFAULT_WIRESERVER);
  const goal = await getTextOrUndefined(ctx, `${wire}/machine/?comp=goalstate`, WIRESERVER_HEADERS);
  const sharedUrl = goal === undefined ? undefined : tag(goal, 'SharedConfig')?.replace(/&amp;/g, '&');
  if (sharedUrl !== undefined) {
    const shared = await getTextOrUndefined(ctx, sharedUrl.replace(/^https?:\/\/[^/]+/, wire), WIRESERVER_HEADERS);
    const dynamic = shared === undefined ? undefined : /<Instance [^>]*address="([^"]+)"/.exec(shared)?.[1];
    // Afterburn keeps the last input endpoint's load-balanced address.
    const virtual = shared === undefined ? undefined : [...shared.matchAll(/loadBalancedPublicAddress="([^":]+)/g)].at(-1)?.[1];
    if (dynamic !== undefined) attributes.AZURE_IPV4_DYNAMIC = dynamic;
    if (virtual !== undefined) attributes.AZURE_IPV4_VIRTUAL = virtual;
  }
  const keysJson = await getTextOrUndefined(ctx, `${imds}/publicKeys?api-version=2021-02-01`, IMDS);
  const keys = keysJson === undefined ? [] : (JSON.parse(keysJson) as ImdsPublicKey[]);
  const sshKeys = keys.map((k) => (k.keyData ?? '').trim()).filter((k) => k !== '');
  return { attributes, sshKeys, hostname: hostname === '' ? undefined : hostname };
}

export const azure: Provider = {
  id: 'azure',
  fetchConfig: fetchAzureConfig,
  metadata: azureMetadata,
  checkIn: azureCheckIn,
};

/** HostName and SSH public key values from an OVF environment (ovf-env.xml), namespace prefixes ignored. */
export function ovfEnvMetadata(xml: string): Metadata {
  const hostname = /<(?:\w+:)?HostName>([^<]*)<\/(?:\w+:)?HostName>/.exec(xml)?.[1]?.trim();
  const sshKeys = [...xml.matchAll(/<(?:\w+:)?PublicKey>([\s\S]*?)<\/(?:\w+:)?PublicKey>/g)]
    .map((m) => /<(?:\w+:)?Value>([^<]*)<\/(?:\w+:)?Value>/.exec(m[1] ?? '')?.[1]?.trim() ?? '')
    .filter((k) => k !== '');
  return { attributes: {}, sshKeys, hostname: hostname === '' ? undefined : hostname };
}

/** Azure Stack has no IMDS: hostname and keys come from ovf-env.xml on the provisioning drive. */
async function azureStackMetadata(ctx: ProviderContext): Promise<Metadata> {
  for (const device of await findByFilesystem(ctx, ['udf', 'iso9660'])) {
    const xml = await withMounted(ctx, device, 'auto', async (dir) => readIfPresent(join(dir, 'ovf-env.xml'))).catch(() => undefined);
    if (xml !== undefined) return ovfEnvMetadata(xml.toString('utf8'));
  }
  throw entry('error', 'METADATA_FAILED', undefined, 'azurestack', 'no provisioning drive with ovf-env.xml');
}

export const azurestack: Provider = {
  id: 'azurestack',
  metadata: azureStackMetadata,
  async fetchConfig(ctx) {
    requireNetwork(ctx, 'OVF custom data');
    return readCustomData(ctx, ['udf', 'iso9660']);
  },
  checkIn: azureCheckIn,
};
