// The config pipeline (ignition-spec.md §3.1): JSON text -> version gate -> decode with types and
// unused keys -> semantic rules and duplicates -> positions -> translation to the newest spec.
// Bad input never throws: everything comes back as a report.

import { entry, isFatal, ProvisionError, type ConfigPath, type Report } from '../report.ts';
import type { Config } from '../../schemas/ignition/v3_7_experimental.gen.ts';
import { parseJson } from './json.ts';
import { buildPositionTree, correlateJson, findNode, lineColAt, type JsonNode } from './positions.ts';
import { validateSemantics } from './rules/index.ts';
import { decodeConfig, type TypeMismatch } from './schema.ts';
import { translateUp } from './translate.ts';
import { readSpecVersion, type SpecVersion } from './versions.ts';

export type { Config };

export interface ParseResult {
  /** The config translated to the newest spec, present when the report has no error. */
  config?: Config;
  /** The version the document declared. */
  version?: SpecVersion;
  /** Findings with paths and positions, in upstream's order. */
  report: Report;
  /** Set when the document could not be parsed at all (empty, bad or unsupported version). */
  failure?: ProvisionError;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates an Ignition config of any supported version. With `translate: false` the
 * result has no config, only the findings: what `validate` needs, without translating the
 * document up to the newest spec version.
 */
export function parseConfig(text: string, options: { translate?: boolean } = {}): ParseResult {
  if (text.length === 0) return { report: [], failure: entry('error', 'EMPTY_CONFIG', undefined) };
  const parsed = parseJson(text);
  const bytes = Buffer.from(text, 'utf8');
  if (!parsed.ok) {
    const { message, offset } = parsed.error;
    // Upstream prints line 0 col 0 when the error is at the very end of the input.
    const pos = offset >= bytes.length ? { line: 0, col: 0 } : lineColAt(bytes, offset);
    const err = entry('error', 'JSON_SYNTAX', undefined, message);
    err.pos = pos;
    return { report: [err] };
  }

  let tree: JsonNode | undefined;
  const positions = (): JsonNode => (tree ??= buildPositionTree(bytes));
  const typeError = (message: string, path: ConfigPath, container: boolean): ParseResult => {
    const { node } = findNode(positions(), path);
    const offset = container ? node.start + 1 : node.end;
    const err = entry('error', 'JSON_TYPE', undefined, message);
    // As with syntax errors, upstream prints line 0 col 0 for an offset at the end of the input.
    err.pos = offset >= bytes.length ? { line: 0, col: 0 } : lineColAt(bytes, offset);
    return { report: [err] };
  };

  const gate = readVersion(parsed.value);
  if ('mismatch' in gate) return typeError(gate.mismatch.message, gate.mismatch.path, gate.mismatch.container);
  if ('failure' in gate) return { report: [], failure: gate.failure };
  const version = gate.version;
  const root = parsed.value as Record<string, unknown>;

  // Only a document with a fractional, exponent or very long number needs literal spellings, and
  // only an integer field asks for one: the text is scanned for such numbers at the first ask, so
  // a config without integer fields never pays for the scan (nor for compiling its pattern).
  let suspicious: boolean | undefined;
  const literalAt = (path: ConfigPath): string | undefined => {
    suspicious ??= hasUnusualNumber(text);
    if (!suspicious) return undefined;
    const { node, complete } = findNode(positions(), path);
    return complete ? bytes.subarray(node.start, node.end).toString('utf8') : undefined;
  };
  const decoded = decodeConfig(root, version, literalAt);
  if (decoded.mismatches.length > 0) {
    const first = firstInText(decoded.mismatches, positions());
    return { version, ...typeError(first.message, first.path, first.container) };
  }

  const report = [...validateSemantics(decoded.value, version), ...decoded.unused];
  correlateJson(report, bytes);
  if (isFatal(report) || options.translate === false) return { version, report };
  return { version, report, config: translateUp(decoded.value, version, { inPlace: true }) as Config };
}

/** Go reports the first mismatch its decoder meets, which is the first in the text. */
function firstInText(mismatches: TypeMismatch[], tree: JsonNode): TypeMismatch {
  const offset = (m: TypeMismatch): number => {
    const { node } = findNode(tree, m.path);
    return m.container ? node.start + 1 : node.end;
  };
  return mismatches.reduce((best, m) => (offset(m) < offset(best) ? m : best));
}

type VersionGate =
  | { version: SpecVersion }
  | { failure: ProvisionError }
  | { mismatch: TypeMismatch };

/** Upstream's lenient first pass, which reads only `ignition.version` (keys match case-insensitively). */
function readVersion(value: unknown): VersionGate {
  const stub = 'Go value of type util.versionStub';
  if (value === null) return { failure: entry('error', 'VERSION_UNPARSEABLE', undefined) };
  if (!isObject(value)) {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'number';
    return { mismatch: { path: [], container: Array.isArray(value), message: `json: cannot unmarshal ${kind} into ${stub}` } };
  }
  const ignitionKey = lastKeyLike(value, 'ignition');
  const ignition = ignitionKey === undefined ? undefined : value[ignitionKey];
  if (ignition !== undefined && ignition !== null && !isObject(ignition)) {
    return {
      mismatch: {
        path: [ignitionKey as string],
        container: Array.isArray(ignition),
        message: `json: cannot unmarshal ${goKind(ignition)} into Go struct field versionStub.Ignition of type struct { Version string }`,
      },
    };
  }
  const versionKey = isObject(ignition) ? lastKeyLike(ignition, 'version') : undefined;
  const version = versionKey === undefined ? undefined : (ignition as Record<string, unknown>)[versionKey];
  if (version !== undefined && version !== null && typeof version !== 'string') {
    return {
      mismatch: {
        path: [ignitionKey as string, versionKey as string],
        container: typeof version === 'object',
        message: `json: cannot unmarshal ${goKind(version)} into Go struct field .Ignition.Version of type string`,
      },
    };
  }
  const read = typeof version === 'string' ? readSpecVersion(version) : 'unparseable';
  if (read === 'unparseable') return { failure: entry('error', 'VERSION_UNPARSEABLE', undefined) };
  if (read === 'unsupported') return { failure: entry('error', 'VERSION_UNSUPPORTED', undefined) };
  return { version: read };
}

function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function lastKeyLike(object: Record<string, unknown>, name: string): string | undefined {
  let found: string | undefined;
  for (const key of Object.keys(object)) if (key.toLowerCase() === name) found = key;
  return found;
}

/**
 * Validates a config object (any supported version, read from `ignition.version`) without source
 * text: the transpiler's check of its own output. Entries carry paths, never positions.
 */
export function checkConfig(value: unknown): Report {
  const gate = readVersion(value);
  if ('failure' in gate) return [gate.failure];
  if ('mismatch' in gate) return [new ProvisionError({ code: 'JSON_TYPE', message: gate.mismatch.message, path: gate.mismatch.path })];
  const decoded = decodeConfig(value as Record<string, unknown>, gate.version);
  if (decoded.mismatches.length > 0) {
    return decoded.mismatches.map((m) => new ProvisionError({ code: 'JSON_TYPE', message: m.message, path: m.path }));
  }
  return [...validateSemantics(decoded.value, gate.version), ...decoded.unused];
}

/** True when a number literal outside strings has a fraction, an exponent or 16+ digits. */
function hasUnusualNumber(text: string): boolean {
  const tokens = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
  for (let m = tokens.exec(text); m !== null; m = tokens.exec(text)) {
    const token = m[0];
    if (token.charCodeAt(0) !== 0x22 && (/[.eE]/.test(token) || token.length >= 16)) return true;
  }
  return false;
}
