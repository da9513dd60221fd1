// The human report format: `file:line:col: severity: message [CODE]`, the JSON path, and the
// offending source line with a caret. Long (minified) lines are cut to a window around the column.

import { formatPath, type ProvisionError } from '../report.ts';

const WINDOW = 60;

export function formatHuman(entry: ProvisionError, source: string | undefined, file: string): string {
  const where = entry.pos !== undefined && entry.pos.line > 0 ? `${file}:${entry.pos.line}:${entry.pos.col}` : file;
  let out = `${where}: ${entry.severity}: ${entry.message} [${entry.code}]`;
  if (entry.path !== undefined && entry.path.length > 0) out += `\n  at ${formatPath(entry.path)}`;
  if (source !== undefined && entry.pos !== undefined && entry.pos.line > 0) out += `\n${caret(source, entry.pos.line, entry.pos.col)}`;
  return out;
}

/** Columns are byte columns (as upstream counts); convert to characters for display. */
function caret(source: string, line: number, col: number): string {
  const text = source.split('\n')[line - 1] ?? '';
  const bytes = Buffer.from(text, 'utf8');
  const charCol = bytes.subarray(0, Math.max(0, col - 1)).toString('utf8').length;
  let from = 0;
  let shown = text;
  if (text.length > WINDOW * 2) {
    from = Math.max(0, charCol - WINDOW);
    shown = text.slice(from, from + WINDOW * 2);
  }
  const gutter = `${line} | `;
  const prefix = from > 0 ? '…' : '';
  return `  ${gutter}${prefix}${shown}\n  ${' '.repeat(gutter.length + prefix.length + charCol - from)}^`;
}
