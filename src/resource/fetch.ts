// The fetcher's front door: fetchResource streams one resource into a temporary file, fetchToBuffer
// reads a small one (configs, CAs) into memory, fetchAll runs many with a bound. Every path goes
// scheme -> decompress -> hash -> sink, and nothing reaches the caller unverified.
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFileSink, unlink } from '../system/fs-async.ts';
import { ProvisionError, type ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { openData } from './data.ts';
import { asFetchError, fetchError } from './errors.ts';
import { openGcs } from './gs.ts';
import { closeHttp, defaultHeaders, httpOpen } from './http.ts';
import { requireOnline } from './offline.ts';
import { openS3 } from './s3.ts';
import { openTftp } from './tftp.ts';
import { schemeOf } from './url.ts';
import { checkDigest, hashingTap, parseHash } from './verify.ts';
import type { FetchedFile, Resource, ResourceRef } from './types.ts';

export interface FetchOptions {
  /** Directory for the temporary file; put it on the destination's filesystem to rename into place. */
  dir?: string;
  /** Compare hex digests as strings (upstream's rule for merged/replaced configs). */
  exactHash?: boolean;
}

export const defaultConcurrency = 8;

/**
 * Fetches a resource into a new temporary file (mode 0600) and returns it with its size; the caller
 * moves it into place or deletes it. A null or empty source yields an empty file: callers decide
 * beforehand what a null source means where they are (ignition-spec.md §8.6).
 */
export async function fetchResource(resource: Resource, ctx: FetchContext, path: ConfigPath = [], options: FetchOptions = {}): Promise<FetchedFile> {
  const file = join(options.dir ?? ctx.tmpDir, `.kindling-fetch-${process.getBuiltinModule('node:crypto').randomUUID()}`);
  let size = 0;
  let sink: Writable | undefined;
  try {
    await transfer(resource, ctx, path, options, (sourceStream, stages) => {
      sink = createFileSink(file, 0o600);
      return pipeline([sourceStream, ...stages, counter((n) => (size += n)), sink]);
    });
    return { file, size };
  } catch (error) {
    // A failure can come before the file is even open; the open still completes and creates it,
    // so wait for the stream to close before removing what it made.
    const opened = sink;
    if (opened !== undefined && !opened.closed) await new Promise<void>((done) => opened.once('close', () => done()));
    await unlink(file).catch(() => {});
    throw error;
  }
}

/** Fetches a resource into memory: for configs and CA bundles, which are small. */
export async function fetchToBuffer(resource: Resource, ctx: FetchContext, path: ConfigPath = [], options: FetchOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await transfer(resource, ctx, path, options, (sourceStream, stages) => pipeline([sourceStream, ...stages, sink]));
  return Buffer.concat(chunks);
}

/**
 * Fetches independent resources, at most `concurrency` at a time, into temporary files returned in
 * list order. On the first failure no new fetch starts, the running ones finish, every temporary
 * file is removed and that failure is thrown.
 */
export async function fetchAll(
  list: readonly ResourceRef[],
  ctx: FetchContext,
  options: FetchOptions & { concurrency?: number } = {},
): Promise<FetchedFile[]> {
  const results: (FetchedFile | undefined)[] = new Array(list.length);
  let next = 0;
  let failure: unknown;
  // Fetches still running when another fails are cancelled: they might otherwise retry forever.
  const cancel = new AbortController();
  const signal = ctx.signal === undefined ? cancel.signal : AbortSignal.any([ctx.signal, cancel.signal]);
  const scoped: FetchContext = { ...ctx, signal };
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < list.length) {
      const index = next++;
      const ref = list[index]!;
      try {
        results[index] = await fetchResource(ref.resource, scoped, ref.path, options);
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          cancel.abort();
        }
      }
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency, list.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failure !== undefined) {
    await Promise.all(results.map((r) => (r === undefined ? undefined : unlink(r.file).catch(() => {}))));
    throw failure;
  }
  return results as FetchedFile[];
}

/** Releases the context's connections once a stage has finished fetching. */
export function closeFetchContext(ctx: FetchContext): Promise<void> {
  return closeHttp(ctx);
}

type Sink = (source: Readable, stages: Transform[]) => Promise<void>;

async function transfer(resource: Resource, ctx: FetchContext, path: ConfigPath, options: FetchOptions, sink: Sink): Promise<void> {
  const source = resource.source ?? '';
  try {
    const expected = parseHash(resource.verification?.hash, path, source);
    const gzip = resource.compression === 'gzip';
    const raw = await open(source, resource, ctx, path);
    const stages: Transform[] = [];
    if (gzip) stages.push(process.getBuiltinModule('node:zlib').createGunzip());
    const hashing = expected === null ? undefined : hashingTap(expected.algorithm);
    if (hashing !== undefined) stages.push(hashing.tap);
    try {
      await sink(raw, stages);
    } catch (error) {
      if (ProvisionError.is(error)) throw error;
      const code = (error as { code?: unknown }).code;
      if (gzip && typeof code === 'string' && code.startsWith('Z_')) throw fetchError('DECOMPRESS_FAILED', path, source, error);
      if (code === 'UND_ERR_BODY_TIMEOUT') throw fetchError('TIMEOUT', path, source, error);
      throw fetchError('FETCH_FAILED', path, source, error);
    }
    if (hashing !== undefined && expected !== null) checkDigest(hashing.digest(), expected, options.exactHash ?? false, path, source);
  } catch (error) {
    throw asFetchError(error, path, source);
  }
}

/** Opens the raw (still compressed) byte stream of a source, after the checks that need no I/O. */
async function open(source: string, resource: Resource, ctx: FetchContext, path: ConfigPath): Promise<Readable> {
  if (source === '') return Readable.from([]);
  const scheme = schemeOf(source);
  if (scheme === 'data') return openData(source, path);
  requireOnline(ctx, source, path);
  switch (scheme) {
    case 'http':
    case 'https':
      return (await httpOpen({ url: source, headers: requestHeaders(resource, ctx, path, source), redirectHeaders: defaultHeaders(ctx) }, ctx, path, source)).body;
    case 'tftp':
      return openTftp(source, ctx, path);
    case 's3':
    case 'arn':
      if (resource.compression !== undefined && resource.compression !== null && resource.compression !== '') {
        throw fetchError('COMPRESSION_UNSUPPORTED_SCHEME', path, source, undefined);
      }
      return openS3(source, ctx, path);
    case 'gs':
      return openGcs(source, ctx, path);
    default:
      throw fetchError('URL_SCHEME_INVALID', path, source, undefined);
  }
}

/** Defaults, then the resource's httpHeaders replacing same-named ones; a header needs a value. */
function requestHeaders(resource: Resource, ctx: FetchContext, path: ConfigPath, source: string): Record<string, string> {
  const headers = defaultHeaders(ctx);
  (resource.httpHeaders ?? []).forEach((header, index) => {
    if (header.value === undefined || header.value === null) {
      throw fetchError('HEADER_VALUE_MISSING', [...path, 'httpHeaders', index, 'value'], source, undefined);
    }
    headers[(header.name ?? '').toLowerCase()] = header.value;
  });
  return headers;
}

function counter(add: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      add(chunk.length);
      done(null, chunk);
    },
  });
}
