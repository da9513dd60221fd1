// Butane's two report formats (butane.md §8.1): the one-line raw form and the pretty form with
// source lines, a caret under the offending token and optional ANSI colours.

import { formatIgnitionLine, formatPath, type ProvisionError, type Severity } from '../src/report.ts';

const RESET = '\x1b[0m';
const BLUE = '\x1b[1;34m';
const KIND_COLOUR: Record<Severity, string> = { error: '\x1b[1;31m', warning: '\x1b[1;33m', info: '\x1b[1;36m' };
const CONTEXT = 2;

export function formatRaw(entry: ProvisionError): string {
  return formatIgnitionLine(entry);
}

/** One entry in the pretty form; falls back to the raw line when there is no usable position. */
export function formatPretty(entry: ProvisionError, source: string, file: string, colour: boolean): string {
  const lines = source.split(/\r?\n/);
  const pos = entry.pos;
  if (pos === undefined || pos.line < 1 || pos.line > lines.length) return formatRaw(entry);
  const text = lines[pos.line - 1] as string;
  if (pos.col < 1 || pos.col > text.length + 1) return formatRaw(entry);
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${RESET}` : s);
  const first = Math.max(1, pos.line - CONTEXT);
  const last = Math.min(lines.length, pos.line + CONTEXT);
  const width = String(last).length;
  const gutter = (n?: number): string => paint(BLUE, ` ${n === undefined ? ' '.repeat(width) : String(n).padStart(width)} |`);
  const rest = text.slice(pos.col - 1);
  const span = Math.max(1, /^\S*/.exec(rest)?.[0].length ?? 1);
  const where = entry.path === undefined ? '' : `[${formatPath(entry.path)}]`;
  const out = [`${paint(KIND_COLOUR[entry.severity], entry.severity)}${where}:`, `  ${paint(BLUE, '-->')} ${file}:${pos.line}:${pos.col}`, gutter()];
  for (let n = first; n <= last; n++) {
    out.push(`${gutter(n)} ${lines[n - 1] as string}`);
    if (n === pos.line) out.push(`${gutter()} ${' '.repeat(pos.col - 1)}${paint(BLUE, '^'.repeat(span))} ${entry.message}`);
  }
  out.push(gutter());
  return out.join('\n');
}
