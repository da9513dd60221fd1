// Reads ignition-validate style output back into entries, and maps Ignition 2.14's output onto
// what current upstream prints (ignition-spec.md §14) so that Kindling is compared with today's
// wording, not with 2.14's.

import type { Column } from './config-fragments.ts';
import type { ConfigCase } from './config-generator.ts';

export interface ReportLine {
  severity: string;
  path: string | null;
  line: number | null;
  col: number | null;
  message: string;
}

const LINE = /^(error|warning|info)(?: at (\$.*?))?(?:(?:,| at) line (-?\d+) col (-?\d+))?: (.*)$/s;

/** One entry per output line; a line that is not an entry is kept whole as its message. */
export function parseReport(stdout: string): ReportLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((raw) => {
      const m = LINE.exec(raw);
      if (!m) return { severity: '?', path: null, line: null, col: null, message: raw };
      return {
        severity: m[1] as string,
        path: m[2] ?? null,
        line: m[3] === undefined ? null : Number(m[3]),
        col: m[4] === undefined ? null : Number(m[4]),
        message: m[5] as string,
      };
    });
}

export const SETUID_214 = 'setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0';
export const SETUID_NOW = 'setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0';

/**
 * Checks that current upstream has and Ignition 2.14 does not (ignition-spec.md §4.4, §4.7, §4.10),
 * all warnings: Kindling's lines carrying them are left out of the comparison.
 */
export const NEWER_THAN_214: readonly RegExp[] = [
  /^filesystem overwrites partitioned device$/,
  /^device matches disk with wipeTable enabled; filesystem will be wiped$/,
  /^template unit ".*" for ".*" doesn't have Install section$/,
  /^user\/group ignored for hard link$/,
];

/** Ignition 2.14's entries in today's wording, with positions moved back past the longer version. */
export function upstreamAsCurrent(lines: ReportLine[], testCase: Pick<ConfigCase, 'versionShift'>): ReportLine[] {
  const shift = testCase.versionShift;
  return lines.map((l) => {
    let message = l.message;
    if (message.startsWith('Unused key ')) message = `unused key ${message.slice('Unused key '.length)}`;
    if (message === SETUID_214) message = SETUID_NOW;
    let col = l.col;
    if (shift && l.line === shift.line && col !== null && col > shift.col) col -= shift.bytes;
    return { ...l, message, col };
  });
}

/**
 * Kindling's entries minus those 2.14 cannot produce: checks added after 2.14, and the special-bits
 * warning for 3.4.0, which 2.14's 3.4.0-experimental did not give (its threshold was 3.4.0).
 */
export function oursComparable(lines: ReportLine[], column: Column): ReportLine[] {
  return lines.filter((l) => {
    if (NEWER_THAN_214.some((re) => re.test(l.message))) return false;
    if (column === '3.4.0' && l.message === SETUID_NOW) return false;
    return true;
  });
}

/**
 * Upstream walks unused keys of one object in hash-map order, so runs of consecutive unused-key
 * warnings that share a parent path are put in a canonical order on both sides.
 */
export function canonicalOrder(lines: ReportLine[]): ReportLine[] {
  const out: ReportLine[] = [];
  const parentOf = (l: ReportLine): string | null =>
    l.message.startsWith('unused key ') && l.path !== null ? l.path.slice(0, l.path.lastIndexOf('.')) : null;
  let i = 0;
  while (i < lines.length) {
    const parent = parentOf(lines[i] as ReportLine);
    let j = i + 1;
    if (parent !== null) while (j < lines.length && parentOf(lines[j] as ReportLine) === parent) j++;
    out.push(...lines.slice(i, j).sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '')));
    i = j;
  }
  return out;
}

export function formatLine(l: ReportLine): string {
  const at = l.path === null ? '' : ` at ${l.path}`;
  const pos = l.line === null ? '' : `${l.path === null ? ' at' : ','} line ${l.line} col ${l.col}`;
  return `${l.severity}${at}${pos}: ${l.message}`;
}
