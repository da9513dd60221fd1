// data: sources (RFC 2397), decoded by the config package's decoder so that what validation accepts
// and what the fetcher delivers can never disagree. The only scheme allowed offline.
import { Readable } from 'node:stream';
import { decodeDataUrl } from '../config/data-url.ts';
import type { ConfigPath } from '../report.ts';
import { fetchError } from './errors.ts';

export function openData(source: string, path: ConfigPath): Readable {
  const decoded = decodeDataUrl(source);
  if ('error' in decoded) throw fetchError('DATA_URL_INVALID', path, source, undefined, decoded.error);
  return Readable.from([decoded.data]);
}
