// Property test of parseConfig on hostile input: 20,000 random JSON values, mutated valid configs,
// truncated documents, random bytes and strings. It must never throw, and every report entry must
// carry a known code, a severity, and a position whenever it has a path.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ParseResult } from '../../src/config/index.ts';
import { messages } from '../../src/messages.ts';
import { COLUMNS, FRAGMENTS, type Json, type JsonObject } from '../differential/config-fragments.ts';
import { deepMerge } from '../differential/config-generator.ts';

const SEED = 20_261_122;
const SEVERITIES = new Set(['error', 'warning', 'info']);

/** What the runs actually exercised, so that a vacuous generator shows up as a failure. */
const seen = { withPath: 0, withoutPath: 0, accepted: 0, failures: 0 };

/** The invariants; returns the first broken one as text so that fast-check can shrink on it. */
function brokenInvariant(text: string): string | undefined {
  let result: ParseResult;
  try {
    result = parseConfig(text);
  } catch (error) {
    return `threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  }
  const entries = result.failure === undefined ? result.report : [result.failure, ...result.report];
  if (result.failure !== undefined) seen.failures++;
  if (result.config !== undefined) seen.accepted++;
  for (const e of entries) {
    if (e.path === undefined) seen.withoutPath++;
    else seen.withPath++;
    if (typeof e.code !== 'string' || !(e.code in messages)) return `unknown code ${String(e.code)}`;
    if (!SEVERITIES.has(e.severity)) return `bad severity ${String(e.severity)} for ${e.code}`;
    if (typeof e.message !== 'string' || e.message === '') return `empty message for ${e.code}`;
    if (e.path !== undefined) {
      if (e.pos === undefined) return `no position for ${e.code} at ${e.path.join('.')}`;
      if (!(e.pos.line >= 1 && e.pos.col >= 1)) return `position ${e.pos.line}:${e.pos.col} for ${e.code} at ${e.path.join('.')}`;
    }
  }
  const fatal = entries.some((e) => e.severity === 'error');
  if (result.failure !== undefined && result.config !== undefined) return 'a failed parse returned a config';
  if (!fatal && result.config === undefined) return 'a config without errors was not returned';
  if (fatal && result.config !== undefined) return 'a config with errors was returned';
  return undefined;
}

const holds = (text: string): boolean => {
  const broken = brokenInvariant(text);
  if (broken !== undefined) throw new Error(`${broken}\ninput: ${JSON.stringify(text).slice(0, 2000)}`);
  return true;
};

/** A valid-shaped document: one to three fragments of one spec column merged under its version. */
const fragmentDocument = fc
  .tuple(fc.constantFrom(...COLUMNS), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }))
  .map(([column, picks]) => {
    const spec = { column, minor: Number(column.split('.')[1]) };
    const docs = FRAGMENTS.map((f) => f.build(spec)).filter((d): d is JsonObject => d !== undefined);
    const merged = picks.reduce<JsonObject>((acc, pick) => deepMerge(acc, docs[pick % docs.length] as JsonObject), {});
    return deepMerge({ ignition: { version: column } }, merged);
  });

type Segment = string | number;

/** Every location in a document, containers and leaves. */
function locations(value: Json, path: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => locations(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) locations(v, [...path, k], out);
  return out;
}

const FIELD_STRINGS = ['', '/', 'rel', '/a/../b', 'http://[::1', 'data:,%zz', 'arn:aws:s3:::b', 's3://b/k?versionId=', 'gs://b', 'sha512-', 'a:b', '[Unit', 'x.service', '\u0000', '💥/x'];
const mutationValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(...FIELD_STRINGS),
  fc.integer({ min: -70000, max: 70000 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.webUrl(),
);

interface Mutation {
  kind: 'delete' | 'replace' | 'add-key' | 'retype';
  where: number;
  key: string;
  value: Json;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete' as const, 'replace' as const, 'add-key' as const, 'retype' as const),
  where: fc.nat(),
  key: fc.oneof(fc.constantFrom('path', 'mode', 'source', 'version', 'name', 'bogus', 'Path', 'contents'), fc.string({ maxLength: 8 })),
  value: mutationValue,
});

function applyMutation(doc: Json, m: Mutation): Json {
  const all = locations(doc);
  const path = all[m.where % all.length] as Segment[];
  if (path.length === 0) return m.kind === 'replace' ? m.value : doc;
  const parent = path.slice(0, -1).reduce<Json>((node, seg) => (node as Record<Segment, Json>)[seg] as Json, doc) as Record<Segment, Json> | Json[];
  const last = path[path.length - 1] as Segment;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last as string];
  } else if (m.kind === 'add-key') {
    const target = (parent as Record<Segment, Json>)[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as JsonObject)[m.key] = m.value;
    else (parent as Record<Segment, Json>)[last] = m.value;
  } else if (m.kind === 'retype') {
    const old = (parent as Record<Segment, Json>)[last];
    (parent as Record<Segment, Json>)[last] = typeof old === 'string' ? 7 : typeof old === 'number' ? String(old) : Array.isArray(old) ? {} : old === null ? [] : typeof old === 'object' ? 'x' : null;
  } else {
    (parent as Record<Segment, Json>)[last] = m.value;
  }
  return doc;
}

const mutatedDocument = fc
  .tuple(fragmentDocument, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 1, 2, '\t'))
  .map(([doc, ms, indent]) => JSON.stringify(ms.reduce<Json>((d, m) => applyMutation(d, m), structuredClone(doc)), null, indent === 0 ? undefined : indent));

describe('parseConfig on random and mutated input', () => {
  it('survives random JSON values (4,000)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(...COLUMNS, 'three', ''), (value, version) => {
      const doc = value !== null && typeof value === 'object' && !Array.isArray(value) && version !== '' ? { ...value, ignition: { version } } : value;
      return holds(JSON.stringify(doc));
    }), { numRuns: 4000, seed: SEED });
  });

  it('survives valid configs with deleted, added, retyped and rewritten keys (9,000)', () => {
    const before = { ...seen };
    fc.assert(fc.property(mutatedDocument, holds), { numRuns: 9000, seed: SEED + 1 });
    // The mutations reach the rules and the decoder, not only the version gate.
    expect(seen.withPath - before.withPath).toBeGreaterThan(3000);
    expect(seen.withoutPath - before.withoutPath).toBeGreaterThan(300);
    expect(seen.accepted - before.accepted).toBeGreaterThan(400);
  });

  it('survives truncated documents (3,000)', () => {
    fc.assert(fc.property(fragmentDocument, fc.nat(), fc.boolean(), (doc, cut, pretty) => {
      const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
      return holds(text.slice(0, cut % (text.length + 1)));
    }), { numRuns: 3000, seed: SEED + 2 });
  });

  it('survives random bytes and strings (4,000)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => holds(Buffer.from(bytes).toString('utf8'))), { numRuns: 2000, seed: SEED + 3 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (text) => holds(`{"ignition":{"version":"3.3.0"},${text}`)), { numRuns: 2000, seed: SEED + 4 });
  });

  it('sees real entries with positions (upstream example of ignition-spec.md §13)', () => {
    expect(brokenInvariant('{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]}}')).toBeUndefined();
    const result = parseConfig('{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]}}');
    expect(result.report.map((e) => [e.code, e.severity, e.pos])).toEqual([['PATH_NOT_ABSOLUTE', 'error', { line: 1, col: 61 }]]);
  });
});
