// Shared table runner for the rule tests: each row is a config of one spec version and the exact
// ordered list of [severity, code, path] entries validateSemantics must report for it.
import { expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/messages.ts';
import { formatPath, type Severity } from '../../../src/report.ts';
import { validateSemantics } from '../../../src/config/rules/index.ts';
import type { SpecVersion } from '../../../src/config/versions.ts';

export type Expected = [Severity, ErrorCode, string];

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

export function findings(version: SpecVersion, config: Record<string, unknown>): Expected[] {
  return validateSemantics(withVersion(version, config), version).map((e) => [
    e.severity,
    e.code,
    formatPath(e.path ?? []),
  ]);
}

export function runTable(rows: Row[]): void {
  it.each(rows.map((row) => [`${row.name} (${row.version})`, row] as const))('%s', (_name, row) => {
    expect(findings(row.version, row.config)).toEqual(row.expect);
  });
}

/** One node list under storage, for brevity in the tables. */
export function storage(list: string, ...entries: Record<string, unknown>[]): Record<string, unknown> {
  return { storage: { [list]: entries } };
}
