// Hyper-V: the config is in KVP pool 0 (records of a 512-byte key and a 2048-byte value, both NUL
// padded), under `ignition.config`, or split over `ignition.config.0`, `.1`, ... because a value
// holds only about 1 KiB. The pool file is read below sysRoot.
import { join } from 'node:path';
import { readFile } from '../system/fs-async.ts';
import type { Provider } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const KVP_POOL_0 = 'var/lib/hyperv/.kvp_pool_0';
export const KVP_KEY_SIZE = 512;
export const KVP_VALUE_SIZE = 2048;

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

export function parseKvpPool(pool: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const record = KVP_KEY_SIZE + KVP_VALUE_SIZE;
  for (let offset = 0; offset + record <= pool.length; offset += record) {
    const key = cString(pool.subarray(offset, offset + KVP_KEY_SIZE));
    if (key !== '') out.set(key, cString(pool.subarray(offset + KVP_KEY_SIZE, offset + record)));
  }
  return out;
}

/** The whole config from `ignition.config`, or the `ignition.config.N` pieces in order. */
export function kvpConfig(kvp: Map<string, string>): string | undefined {
  const whole = kvp.get('ignition.config');
  if (whole !== undefined) return whole;
  const parts: string[] = [];
  for (let i = 0; kvp.has(`ignition.config.${i}`); i++) parts.push(kvp.get(`ignition.config.${i}`)!);
  return parts.length === 0 ? undefined : parts.join('');
}

export const hyperv: Provider = {
  id: 'hyperv',
  async fetchConfig(ctx) {
    const file = join(ctx.sysRoot, KVP_POOL_0);
    const pool = await readFile(file).catch(() => undefined);
    const text = pool === undefined ? undefined : kvpConfig(parseKvpPool(pool));
    if (text === undefined) {
      ctx.device.log.info('no config in Hyper-V KVP pool 0');
      return undefined;
    }
    return userDataToConfig(ctx, Buffer.from(text, 'utf8'), `KVP ${file}`);
  },
};
