// Building Afterburn metadata from key/value services: fetch each attribute path, leave out the
// ones the service does not have (404), and parse the common SSH key listings.
import { getTextOrUndefined } from './http.ts';
import type { ProviderContext } from './types.ts';

/** attribute name (without AFTERBURN_) -> path below `base` */
export type AttributePaths = Readonly<Record<string, string>>;

export async function fetchAttributes(
  ctx: ProviderContext,
  base: string,
  paths: AttributePaths,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) {
    const value = await getTextOrUndefined(ctx, `${base}${path}`, headers);
    if (value !== undefined && value.trim() !== '') out[name] = value.trim();
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

/** Flattens nested records into ATTRIBUTE_n style entries for list-valued addresses. */
export function indexed(prefix: string, values: readonly (string | undefined | null)[]): Record<string, string> {
  const out: Record<string, string> = {};
  values
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .forEach((v, i) => {
      out[`${prefix}_${i}`] = v;
    });
  return out;
}
