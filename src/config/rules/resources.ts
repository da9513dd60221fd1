// Rules for remote references (ignition-spec.md §4.5): URL schemes per spec version, S3 and ARN
// forms, data URLs, compression, hashes, HTTP headers and proxies. Each function reports a
// resource's own problems and then its children's, in upstream's walk order.

import type { ConfigPath } from '../../report.ts';
import { dataUrlError, isKnownValidDataUrl, noteValidDataUrl } from '../data-url.ts';
import { atLeast, type SpecVersion } from '../versions.ts';
import {
  byteLength,
  error,
  isNil,
  items,
  notEmpty,
  obj,
  plainStr,
  reportAt,
  str,
  warn,
  type Obj,
  type Problem,
  type RuleContext,
} from './context.ts';
import { parseGoUrl, queryValues } from './url.ts';

function versionIdProblem(rawQuery: string): Problem | undefined {
  const values = queryValues(rawQuery, 'versionId');
  if (values !== undefined && (values.length === 0 || values[0] === '')) return { code: 'S3_VERSION_ID_INVALID' };
  return undefined;
}

/** aws-sdk-go-v2's arn.IsARN and arn.Parse, then upstream's S3 object/access-point shape checks. */
function arnProblem(opaque: string): Problem | undefined {
  const full = `arn:${opaque}`;
  if ((full.match(/:/g) ?? []).length < 5) return { code: 'S3_ARN_INVALID' };
  const sections = full.split(':');
  const service = sections[2] ?? '';
  const resource = sections.slice(5).join(':');
  if (service !== 's3') return { code: 'S3_ARN_INVALID' };
  const parts = full.split('/').length;
  if ((resource.startsWith('accesspoint/') && parts < 3) || parts < 2) return { code: 'S3_ARN_INVALID' };
  return undefined;
}

/** upstream's validateURL for resource sources; a data URL known to decode passes unread. */
export function urlProblem(source: string, version: SpecVersion): Problem | undefined {
  if (isKnownValidDataUrl(source)) return undefined;
  const url = parseGoUrl(source);
  if ('error' in url) return { code: 'URL_UNPARSEABLE' };
  switch (url.scheme) {
    case 'http':
    case 'https':
    case 'tftp':
      return undefined;
    case 'gs':
      return atLeast(version, '3.2.0') ? undefined : { code: 'URL_SCHEME_INVALID' };
    case 's3':
      return versionIdProblem(url.rawQuery);
    case 'arn':
      if (!atLeast(version, '3.4.0')) return { code: 'URL_SCHEME_INVALID' };
      return arnProblem(url.opaque) ?? versionIdProblem(url.rawQuery);
    case 'data': {
      const detail = dataUrlError(source);
      if (detail !== undefined) return { code: 'DATA_URL_INVALID', detail };
      noteValidDataUrl(source);
      return undefined;
    }
    default:
      return { code: 'URL_SCHEME_INVALID' };
  }
}

/** validateURLNilOK: nil and "" pass. */
export function optionalUrlProblem(source: unknown, version: SpecVersion): Problem | undefined {
  return notEmpty(source) ? urlProblem(source as string, version) : undefined;
}

/** validateRequiredSource, used by merge and CA references (3.1+). */
export function requiredSourceProblem(resource: Obj, version: SpecVersion): Problem | undefined {
  return notEmpty(resource.source) ? urlProblem(resource.source as string, version) : { code: 'SOURCE_REQUIRED' };
}

function compressionProblem(compression: unknown): Problem | undefined {
  const value = str(compression);
  return value === undefined || value === '' || value === 'gzip' ? undefined : { code: 'COMPRESSION_INVALID' };
}

/**
 * Verification.Validate: `<function>-<hex>`; only the digest length is checked, not its digits.
 * `path` is the resource's: the verification's own path is built only when there is a hash.
 */
function checkVerification(ctx: RuleContext, verification: Obj, path: ConfigPath): void {
  const hash = str(verification.hash);
  if (hash === undefined) return;
  const at = [...path, 'verification', 'hash'];
  const dash = hash.indexOf('-');
  if (dash < 0) return error(ctx, 'HASH_MALFORMED', at);
  const fn = hash.slice(0, dash);
  const sum = hash.slice(dash + 1);
  let expected: number;
  if (fn === 'sha512') expected = 128;
  else if (fn === 'sha256' && atLeast(ctx.version, '3.1.0')) expected = 64;
  else return error(ctx, 'HASH_FUNCTION_UNKNOWN', at);
  if (byteLength(sum) !== expected) error(ctx, 'HASH_SIZE_INVALID', at);
}

function headersSchemeProblem(resource: Obj): Problem | undefined {
  if (items(resource.httpHeaders).length === 0) return undefined;
  if (!notEmpty(resource.source)) return { code: 'URL_UNPARSEABLE' };
  const url = parseGoUrl(resource.source as string);
  if ('error' in url) return { code: 'URL_UNPARSEABLE' };
  return url.scheme === 'http' || url.scheme === 'https' ? undefined : { code: 'HEADERS_SCHEME_INVALID' };
}

function checkHeader(ctx: RuleContext, header: Obj, path: ConfigPath): void {
  if (plainStr(header.name) === '') error(ctx, 'HEADER_NAME_EMPTY', [...path, 'name']);
  if (header.value === '') error(ctx, 'HEADER_UNPARSEABLE', [...path, 'value']);
}

/** The generic Resource of 3.1+: its own checks, then headers and verification. */
export function checkResource(ctx: RuleContext, resource: Obj, path: ConfigPath): void {
  reportAt(ctx, compressionProblem(resource.compression), path, 'compression');
  const verification = obj(resource.verification);
  if (!isNil(verification.hash) && isNil(resource.source)) {
    error(ctx, 'VERIFICATION_NEEDS_SOURCE', [...path, 'verification', 'hash']);
  }
  reportAt(ctx, optionalUrlProblem(resource.source, ctx.version), path, 'source');
  reportAt(ctx, headersSchemeProblem(resource), path, 'httpHeaders');
  items(resource.httpHeaders).forEach((header, i) => checkHeader(ctx, obj(header), [...path, 'httpHeaders', i]));
  checkVerification(ctx, verification, path);
}

/** 3.0's ConfigReference (merge and replace): only the source URL, then verification. */
export function checkConfigReference30(ctx: RuleContext, reference: Obj, path: ConfigPath): void {
  reportAt(ctx, optionalUrlProblem(reference.source, ctx.version), path, 'source');
  checkVerification(ctx, obj(reference.verification), path);
}

/** 3.0's CaReference: a plain string source, so an empty one is an invalid scheme. */
export function checkCaReference30(ctx: RuleContext, reference: Obj, path: ConfigPath): void {
  reportAt(ctx, urlProblem(plainStr(reference.source), ctx.version), path, 'source');
  checkVerification(ctx, obj(reference.verification), path);
}

/** 3.0's FileContents (file contents and append fragments). */
export function checkFileContents30(ctx: RuleContext, contents: Obj, path: ConfigPath): void {
  reportAt(ctx, compressionProblem(contents.compression), path, 'compression');
  const verification = obj(contents.verification);
  if (!isNil(verification.hash) && isNil(contents.source)) {
    error(ctx, 'VERIFICATION_NEEDS_SOURCE', [...path, 'verification', 'hash']);
  }
  reportAt(ctx, optionalUrlProblem(contents.source, ctx.version), path, 'source');
  checkVerification(ctx, verification, path);
}

/** Resources in file contents and append: the 3.0 shape or the generic one. */
export function checkContents(ctx: RuleContext, contents: Obj, path: ConfigPath): void {
  if (atLeast(ctx.version, '3.1.0')) checkResource(ctx, contents, path);
  else checkFileContents30(ctx, contents, path);
}

function checkProxyUrl(ctx: RuleContext, value: unknown, path: ConfigPath, httpAllowed: boolean): void {
  if (typeof value !== 'string') return;
  const url = parseGoUrl(value);
  if ('error' in url) return error(ctx, 'URL_UNPARSEABLE', path);
  if (url.scheme !== 'http' && url.scheme !== 'https') return error(ctx, 'PROXY_SCHEME_INVALID', path);
  if (url.scheme === 'http' && !httpAllowed) warn(ctx, 'PROXY_INSECURE_HTTPS', path);
}

/** Proxy.Validate (3.1+): an HTTPS proxy reached over plain HTTP only warns. */
export function checkProxy(ctx: RuleContext, proxy: Obj, path: ConfigPath): void {
  checkProxyUrl(ctx, proxy.httpProxy, [...path, 'httpProxy'], true);
  checkProxyUrl(ctx, proxy.httpsProxy, [...path, 'httpsProxy'], false);
}
