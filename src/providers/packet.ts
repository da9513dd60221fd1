// Equinix Metal (Packet; the service has been shut down, kept for old images): user data at
// https://metadata.packet.net/userdata where every error is fatal; metadata JSON; the first-boot
// phone-home POST to phone_home_url.
import { baseUrl } from './endpoint.ts';
import { getTextOrUndefined } from './http.ts';
import { canonicalIp, indexed } from './attributes.ts';
import { httpUserDataProvider } from './http-user-data.ts';
import { send } from './send.ts';
import { entry } from '../report.ts';
import type { Metadata, ProviderContext } from './types.ts';

export const PACKET_ENDPOINT = 'PACKET_METADATA';
const DEFAULT_BASE = 'https://metadata.packet.net';

interface PacketAddress {
  public?: boolean;
  address?: string;
}
interface PacketMetadata {
  hostname?: string;
  plan?: string;
  ssh_keys?: string[];
  phone_home_url?: string;
  network?: { addresses?: PacketAddress[] };
}

async function document(ctx: ProviderContext): Promise<PacketMetadata> {
  const url = `${baseUrl(ctx, PACKET_ENDPOINT, DEFAULT_BASE)}/metadata`;
  const text = await getTextOrUndefined(ctx, url, { Accept: '*/*' });
  if (text === undefined) throw entry('error', 'METADATA_FAILED', undefined, 'packet', `${url} not found`);
  return JSON.parse(text) as PacketMetadata;
}

async function metadata(ctx: ProviderContext): Promise<Metadata> {
  const doc = await document(ctx);
  // Afterburn parses each address and files it by its own family (not address_family), counting
  // public and private IPv4 and IPv6 separately; it writes no gateways.
  const parsed = (doc.network?.addresses ?? []).filter((a) => typeof a.address === 'string').map((a) => ({ ip: canonicalIp(a.address!), pub: a.public === true }));
  const pick = (v6: boolean, pub: boolean) => parsed.filter((a) => a.ip.includes(':') === v6 && a.pub === pub).map((a) => a.ip);
  const attributes: Record<string, string> = {
    ...indexed('PACKET_IPV4_PUBLIC', pick(false, true)),
    ...indexed('PACKET_IPV4_PRIVATE', pick(false, false)),
    ...indexed('PACKET_IPV6_PUBLIC', pick(true, true)),
    ...indexed('PACKET_IPV6_PRIVATE', pick(true, false)),
  };
  if (doc.hostname !== undefined) attributes.PACKET_HOSTNAME = doc.hostname;
  if (doc.plan !== undefined) attributes.PACKET_PLAN = doc.plan;
  if (doc.phone_home_url !== undefined) attributes.PACKET_PHONE_HOME_URL = doc.phone_home_url;
  return { attributes, sshKeys: doc.ssh_keys ?? [], hostname: doc.hostname };
}

async function checkIn(ctx: ProviderContext): Promise<void> {
  const url = (await document(ctx)).phone_home_url;
  if (url === undefined || url === '') throw entry('error', 'CHECK_IN_FAILED', undefined, 'packet', 'metadata has no phone_home_url');
  const res = await send(ctx, { url, method: 'POST', attempts: 5, headers: { 'content-type': 'application/json' }, body: '' });
  if (res.status >= 300) throw entry('error', 'CHECK_IN_FAILED', undefined, 'packet', `phone home answered HTTP ${res.status}`);
}

/** The timeline event URL: phone_home_url without its /phone-home suffix, plus /events. */
export function eventsUrl(phoneHome: string): string {
  return `${phoneHome.replace(/\/phone-home\/?$/, '')}/events`;
}

/** Upstream's Status hook: posts `running` or `failed` with a message to the device timeline. */
async function status(ctx: ProviderContext, stage: string, error: Error | undefined): Promise<void> {
  const url = (await document(ctx)).phone_home_url;
  if (url === undefined || url === '') return;
  const body = JSON.stringify(
    error === undefined
      ? { state: 'running', message: `Ignition ${stage}: stage completed` }
      : { state: 'failed', message: `Ignition ${stage}: ${error.message}` },
  );
  const res = await send(ctx, { url: eventsUrl(url), method: 'POST', attempts: 5, headers: { 'content-type': 'application/json' }, body });
  if (res.status >= 300) throw entry('error', 'CHECK_IN_FAILED', undefined, 'packet', `timeline event answered HTTP ${res.status}`);
}

export const packet = httpUserDataProvider(
  { id: 'packet', endpoint: PACKET_ENDPOINT, defaultBase: DEFAULT_BASE, path: '/userdata', headers: { Accept: '*/*' }, notFoundIsError: true },
  { metadata, checkIn, status },
);
