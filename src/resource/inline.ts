// Inline resources (data: URLs, and the empty source) read straight from the config, in memory:
// the same decode -> decompress -> hash steps as the streaming fetcher (fetch.ts), with the same
// errors, but without streams, temporary files or the network modules. The fetch stage verifies
// every inline resource with it and caches nothing, and a later stage decodes it again when it
// writes the file: the bytes are already in the config, so copying them into the resource cache
// and reading them back was pure overhead (1000 inline files meant 1000 extra files written).
import { decodeDataUrl } from '../config/data-url.ts';
import { ProvisionError, type ConfigPath } from '../report.ts';
import { fetchError } from './errors.ts';
import type { Resource } from './types.ts';
import { checkDigest, parseHash } from './verify.ts';

/** Whether a resource's bytes are in the config itself. */
export function isInline(resource: Resource): boolean {
  const source = resource.source ?? '';
  return source === '' || source.startsWith('data:');
}

/** The verified, decompressed bytes of an inline resource. */
export function readInline(resource: Resource, path: ConfigPath): Buffer {
  const source = resource.source ?? '';
  try {
    const expected = parseHash(resource.verification?.hash, path, source);
    let bytes: Buffer = Buffer.alloc(0);
    if (source !== '') {
      const decoded = decodeDataUrl(source);
      if ('error' in decoded) throw fetchError('DATA_URL_INVALID', path, source, undefined, decoded.error);
      bytes = decoded.data;
    }
    if (resource.compression === 'gzip') {
      try {
        bytes = process.getBuiltinModule('node:zlib').gunzipSync(bytes);
      } catch (error) {
        throw fetchError('DECOMPRESS_FAILED', path, source, error);
      }
    }
    if (expected !== null) checkDigest(process.getBuiltinModule('node:crypto').createHash(expected.algorithm).update(bytes).digest('hex'), expected, false, path, source);
    return bytes;
  } catch (error) {
    throw ProvisionError.is(error) ? error : fetchError('FETCH_FAILED', path, source, error);
  }
}
