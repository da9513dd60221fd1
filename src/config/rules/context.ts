// The loose view of a decoded config that the rules read, and the report they append to.
// The decoder already checked types, so readers only map Go's zero values: absent and null alike.

import type { ErrorCode, MessageArgs } from '../../messages.ts';
import { entry, type ConfigPath, type Report } from '../../report.ts';
import type { SpecVersion } from '../versions.ts';

export type Obj = Record<string, unknown>;

export interface RuleContext {
  version: SpecVersion;
  report: Report;
}

/** The object at a field, or an empty one: Go walks zero-valued structs too. */
export function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

export function isObj(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string field, with absent and null both reading as Go's nil. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-pointer string field: nil reads as "". */
export function plainStr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function isNil(value: unknown): boolean {
  return value === undefined || value === null;
}

export function isTrue(value: unknown): boolean {
  return value === true;
}

export function isFalse(value: unknown): boolean {
  return value === false;
}

/** upstream's util.NotEmpty: a set, non-empty string. */
export function notEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** Length in bytes, as Go's len() counts a string. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export function error<C extends ErrorCode>(ctx: RuleContext, code: C, path: ConfigPath, ...args: MessageArgs<C>): void {
  ctx.report.push(entry('error', code, path, ...args));
}

export function warn<C extends ErrorCode>(ctx: RuleContext, code: C, path: ConfigPath, ...args: MessageArgs<C>): void {
  ctx.report.push(entry('warning', code, path, ...args));
}

/** Codes whose message takes no arguments. */
export type PlainCode = { [C in ErrorCode]: MessageArgs<C> extends [] ? C : never }[ErrorCode];

/** A failed check that can be reported at whichever path the caller chooses. */
export type Problem = { code: PlainCode } | { code: 'DATA_URL_INVALID'; detail: string };

/** report() at `path` + `key`, that path built only when there is a problem (most checks find none). */
export function reportAt(ctx: RuleContext, problem: Problem | undefined, path: ConfigPath, key: string): void {
  if (problem !== undefined) report(ctx, problem, [...path, key]);
}

export function report(ctx: RuleContext, problem: Problem | undefined, path: ConfigPath): void {
  if (problem === undefined) return;
  if (problem.code === 'DATA_URL_INVALID') error(ctx, problem.code, path, problem.detail);
  else ctx.report.push(entry('error', problem.code, path));
}
