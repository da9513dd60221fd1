// VMware: guestinfo variables read with vmware-rpctool (open-vm-tools; override the path with
// KINDLING_VMWARE_RPCTOOL). ignition.config.data (Flatcar also coreos.config.data) with its
// .encoding ("", base64, gzip+base64), else the same keys in the OVF environment (guestinfo.ovfEnv),
// else Flatcar's guestinfo.ignition.config.url. DelConfig overwrites the data with `{}`.
import { entry } from '../report.ts';
import { fetchToBuffer } from '../resource/fetch.ts';
import type { FetchedConfig, Provider, ProviderContext } from './types.ts';
import { decodeBase64OrThrow, gunzipOrThrow, userDataToConfig } from './user-data.ts';

const DATA_KEYS = ['ignition.config.data', 'coreos.config.data'] as const;
const URL_KEYS = ['ignition.config.url', 'coreos.config.url'] as const;
/** base64 of `{}` and a newline: what upstream writes over a consumed config. */
export const ERASED_CONFIG = 'e30K';

function rpctool(ctx: ProviderContext): string {
  const override = ctx.env.KINDLING_VMWARE_RPCTOOL;
  return override === undefined || override === '' ? 'vmware-rpctool' : override;
}

/** One guestinfo variable; undefined when unset or empty. Throws when we are not on VMware. */
async function guestinfo(ctx: ProviderContext, key: string): Promise<string | undefined> {
  const result = await ctx.device.exec(rpctool(ctx), [`info-get guestinfo.${key}`], { reject: false }).catch((error: unknown) => {
    throw entry('error', 'PLATFORM_UNSUPPORTED', undefined, 'vmware', `cannot run ${rpctool(ctx)}: ${(error as Error).message}`);
  });
  if (result.exitCode < 0 || result.exitCode === 127 || /not running in a VM|backdoor/i.test(result.stderr)) {
    throw entry('error', 'PLATFORM_UNSUPPORTED', undefined, 'vmware', result.stderr.trim() || `${rpctool(ctx)} not found`);
  }
  if (result.exitCode !== 0) return undefined;
  const value = result.stdout.replace(/\n$/, '');
  return value === '' ? undefined : value;
}

/** The `oe:key` -> `oe:value` pairs of an OVF environment's PropertySection. */
export function ovfProperties(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<(?:\w+:)?Property\b([^>]*)\/?>/g)) {
    const attrs = m[1] ?? '';
    const key = /(?:\w+:)?key="([^"]*)"/.exec(attrs)?.[1];
    const value = /(?:\w+:)?value="([^"]*)"/.exec(attrs)?.[1];
    if (key !== undefined && value !== undefined) out[key] = unescapeXml(value);
  }
  return out;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#(\d+));/g, (_, name: string, num?: string) =>
    num !== undefined ? String.fromCharCode(Number(num)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name]!,
  );
}

export function decodeGuestinfo(data: string, encoding: string | undefined, source: string): Buffer {
  switch (encoding ?? '') {
    case '':
      return Buffer.from(data, 'utf8');
    case 'base64':
    case 'b64':
      return decodeBase64OrThrow(data, source);
    case 'gzip+base64':
    case 'gz+b64':
      return gunzipOrThrow(decodeBase64OrThrow(data, source), source);
    default:
      throw entry('error', 'USER_DATA_ENCODING_UNSUPPORTED', undefined, source, encoding ?? '');
  }
}

async function fetchVmwareConfig(ctx: ProviderContext): Promise<FetchedConfig | undefined> {
  for (const key of DATA_KEYS) {
    const data = await guestinfo(ctx, key);
    if (data === undefined) continue;
    const source = `guestinfo.${key}`;
    return userDataToConfig(ctx, decodeGuestinfo(data, await guestinfo(ctx, `${key}.encoding`), source), source);
  }
  const ovf = await guestinfo(ctx, 'ovfEnv');
  if (ovf !== undefined) {
    const props = ovfProperties(ovf);
    for (const key of DATA_KEYS) {
      const data = props[`guestinfo.${key}`];
      if (data === undefined || data === '') continue;
      const source = `OVF property guestinfo.${key}`;
      return userDataToConfig(ctx, decodeGuestinfo(data, props[`guestinfo.${key}.encoding`], source), source);
    }
  }
  for (const key of URL_KEYS) {
    const url = await guestinfo(ctx, key);
    if (url === undefined) continue;
    return userDataToConfig(ctx, await fetchToBuffer({ source: url }, ctx.fetch), url);
  }
  ctx.device.log.info('no config in VMware guestinfo');
  return undefined;
}

async function deleteVmwareConfig(ctx: ProviderContext): Promise<void> {
  for (const key of DATA_KEYS) {
    if ((await guestinfo(ctx, key)) === undefined) continue;
    for (const [name, value] of [[key, ERASED_CONFIG], [`${key}.encoding`, 'base64']] as const) {
      const result = await ctx.device.exec(rpctool(ctx), [`info-set guestinfo.${name} ${value}`], { reject: false });
      if (result.exitCode !== 0) throw entry('error', 'COMMAND_FAILED', undefined, rpctool(ctx), result.stderr.trim());
    }
  }
}

export const vmware: Provider = { id: 'vmware', fetchConfig: fetchVmwareConfig, deleteConfig: deleteVmwareConfig };
