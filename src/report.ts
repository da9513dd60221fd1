// The one error type of Kindling and the report it lives in.
// Validation collects ProvisionErrors into a Report and returns it; runtime steps throw one
// ProvisionError per failing step. Only the CLI turns them into output and exit codes.

import { messageFor, type ErrorCode, type MessageArgs } from './messages.ts';

export type { ErrorCode } from './messages.ts';

export type Severity = 'error' | 'warning' | 'info';

/** A logical location in a config: object keys and list indexes from the root. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** 1-based line and column in the source text. */
export interface Position {
  line: number;
  col: number;
}

export interface ProvisionErrorInit {
  code: ErrorCode;
  message: string;
  severity?: Severity;
  /** Absent for failures that have no place in the config (an empty document, a bad version). */
  path?: ConfigPath;
  pos?: Position;
  cause?: unknown;
}

const brand = Symbol.for('kindling.ProvisionError');

/** The single error class: a code for machines, a message for people, and where it happened. */
export class ProvisionError extends Error {
  readonly code: ErrorCode;
  readonly severity: Severity;
  path: ConfigPath | undefined;
  pos: Position | undefined;

  constructor(init: ProvisionErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProvisionError';
    this.code = init.code;
    this.severity = init.severity ?? 'error';
    this.path = init.path;
    this.pos = init.pos;
    (this as unknown as Record<symbol, boolean>)[brand] = true;
  }

  /** Works across bundled copies of this module, like undici's error brands. */
  static is(value: unknown): value is ProvisionError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export type Report = ProvisionError[];

/** Builds a report entry from a code with the catalogue's message. */
export function entry<C extends ErrorCode>(
  severity: Severity,
  code: C,
  path: ConfigPath | undefined,
  ...args: MessageArgs<C>
): ProvisionError {
  return new ProvisionError({ code, severity, path, message: messageFor(code, ...args) });
}

export function isFatal(report: readonly ProvisionError[]): boolean {
  return report.some((entry) => entry.severity === 'error');
}

export function hasWarnings(report: readonly ProvisionError[]): boolean {
  return report.some((entry) => entry.severity === 'warning');
}

/** `$.storage.files.0.path`, the form upstream prints. */
export function formatPath(path: ConfigPath): string {
  return path.length === 0 ? '$' : `$.${path.join('.')}`;
}

/** Upstream Ignition's report line: `<kind>[ at <path>][, line L col C]: <message>`. */
export function formatIgnitionLine(entry: ProvisionError): string {
  let head: string = entry.severity;
  if (entry.path !== undefined && entry.path.length > 0) head += ` at ${formatPath(entry.path)}`;
  if (entry.pos !== undefined) head += `${entry.path !== undefined && entry.path.length > 0 ? ',' : ' at'} line ${entry.pos.line} col ${entry.pos.col}`;
  return `${head}: ${entry.message}`;
}

/** A plain record for `--format json` and for tests. */
export interface ReportEntryJson {
  code: ErrorCode;
  severity: Severity;
  message: string;
  path: string | null;
  line: number | null;
  col: number | null;
}

export function toJson(entry: ProvisionError): ReportEntryJson {
  return {
    code: entry.code,
    severity: entry.severity,
    message: entry.message,
    path: entry.path === undefined ? null : formatPath(entry.path),
    line: entry.pos?.line ?? null,
    col: entry.pos?.col ?? null,
  };
}
