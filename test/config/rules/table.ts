// Shared table runner for the rule tests: each row is a config of one spec version and the exact
// ordered list of [severity, code, path] entries validateSemantics must report for it.
import { expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/messages.ts';
import { formatPath, type Severity } from '../../../src/report.ts';
import { validateSemantics } from '../../../src/config/rules/index.ts';
import type { SpecVersion } from '../../../src/config/versions.ts';

/** Severity, code, path, and optionally the exact message (for codes whose text carries details). */
export type Expected = [Severity, ErrorCode, string] | [Severity, ErrorCode, string, string];

export interface Row {
  name: string;
  version: SpecVersion;
  /** Everything but `ignition.version`, which the runner adds. */
  config: Record<string, unknown>;
  expect: Expected[];
}

export function withVersion(version: SpecVersion, config: Record<string, unknown>): Record<string, unknown> {
  const ignition = { ...((config.ignition as Record<string, unknown> | undefined) ?? {}), version };
  return { ...config, ignition };
}

export function findings(version: SpecVersion, config: Record<string, unknown>): [Severity, ErrorCode, string, string][] {
  return validateSemantics(withVersion(version, config), version).map((e) => [
    e.severity,
    e.code,
    formatPath(e.path ?? []),
    e.message,
  ]);
}

/** Actual entries shaped like the expected ones: the message is kept only where a row names it. */
export function comparable(actual: [Severity, ErrorCode, string, string][], expected: Expected[]): Expected[] {
  return actual.map((entry, i) => (expected[i]?.length === 4 ? entry : [entry[0], entry[1], entry[2]]));
}

export function runTable(rows: Row[]): void {
  it.each(rows.map((row) => [`${row.name} (${row.version})`, row] as const))('%s', (_name, row) => {
    expect(comparable(findings(row.version, row.config), row.expect)).toEqual(row.expect);
  });
}

/** One node list under storage, for brevity in the tables. */
export function storage(list: string, ...entries: Record<string, unknown>[]): Record<string, unknown> {
  return { storage: { [list]: entries } };
}
