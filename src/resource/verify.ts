// Hash verification (ignition-spec.md §8.5): the digest of the decompressed bytes is computed while
// streaming and compared before the caller may install anything.
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { ConfigPath } from '../report.ts';
import { fetchError } from './errors.ts';

export interface Expected {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Parses `sha512-<hex>`; null when there is nothing to verify. */
export function parseHash(hash: string | null | undefined, path: ConfigPath, source: string): Expected | null {
  if (hash === undefined || hash === null || hash === '') return null;
  const dash = hash.indexOf('-');
  if (dash < 0) throw fetchError('HASH_MALFORMED', [...path, 'verification', 'hash'], source, undefined);
  const algorithm = hash.slice(0, dash);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw fetchError('HASH_FUNCTION_UNKNOWN', [...path, 'verification', 'hash'], source, undefined);
  }
  return { algorithm, hex: hash.slice(dash + 1) };
}

/** A pass-through stream that feeds a hash; read `digest()` after the stream ends. */
export function hashingTap(algorithm: string): { tap: Transform; digest: () => string } {
  const hash: Hash = process.getBuiltinModule('node:crypto').createHash(algorithm);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, digest: () => hash.digest('hex') };
}

/**
 * Compares a computed lowercase hex digest with the expected one. Files, CAs and key files decode the
 * expected hex (case-insensitive, non-hex fails); merged/replaced configs compare the strings exactly.
 */
export function checkDigest(
  calculated: string,
  expected: Expected,
  exactString: boolean,
  path: ConfigPath,
  source: string,
): void {
  const matches = exactString
    ? calculated === expected.hex
    : /^[0-9a-fA-F]*$/.test(expected.hex) && expected.hex.length % 2 === 0 && calculated === expected.hex.toLowerCase();
  if (!matches) {
    throw fetchError('HASH_MISMATCH', [...path, 'verification', 'hash'], source, undefined, calculated, expected.hex);
  }
}
