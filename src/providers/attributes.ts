// Building Afterburn metadata from key/value services: fetch each attribute path, leave out the
// ones the service does not have (404), parse the common SSH key listings, and number and print
// addresses the way Afterburn does.
import { isIPv4, isIPv6 } from 'node:net';
import { getTextOrUndefined } from './http.ts';
import type { ProviderContext } from './types.ts';

/** attribute name (without AFTERBURN_) -> path below `base` */
export type AttributePaths = Readonly<Record<string, string>>;

export async function fetchAttributes(
  ctx: ProviderContext,
  base: string,
  paths: AttributePaths,
  headers: Record<string, string> = {},
  options: { keepEmpty?: boolean } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) {
    const value = (await getTextOrUndefined(ctx, `${base}${path}`, headers))?.trim();
    // Some of Afterburn's providers write any answer, an empty one too (AWS, Exoscale, OpenStack,
    // CloudStack); the others skip empty values.
    if (value !== undefined && (value !== '' || options.keepEmpty === true)) out[name] = value;
  }
  return out;
}

/** Non-empty, non-comment lines: one OpenSSH public key each. */
export function keyLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * PREFIX_n entries, n being the value's position in the list, as Afterburn's enumerate() counts:
 * a missing value leaves its index unused rather than shifting the ones after it.
 */
export function indexed(prefix: string, values: readonly (string | undefined | null)[]): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => {
    if (typeof v === 'string' && v !== '') out[`${prefix}_${i}`] = v;
  });
  return out;
}

/**
 * An IP address as Rust's IpAddr prints it: IPv4 dotted, IPv6 lower case with the longest run
 * of two or more zero groups compressed (RFC 5952) and IPv4-mapped addresses in dotted form.
 * Text that is not an address is returned as it is; a prefix length (`/64`) is dropped, as
 * Afterburn reports the address of a network.
 */
export function canonicalIp(text: string): string {
  const bare = text.trim().replace(/\/\d+$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return text;
  const host = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped === null) return host;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
