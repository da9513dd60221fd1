// Replaces one `## ` section of bench/RESULTS.md (or appends it), so each benchmark rewrites only
// the section it owns and keeps the command that produced the numbers next to them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSync } from '../../test/helpers/process.ts';

export function recordSection(heading: string, text: string): void {
  const file = join(process.cwd(), 'bench/RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = current.indexOf(heading);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${text}`;
  else {
    const after = current.indexOf('\n## ', start + heading.length);
    next = current.slice(0, start) + text + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
}

/** The 1-minute load average, to print beside every number measured on a shared machine. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
}

/** The commit the measured build came from, and whether src/ had uncommitted changes. */
export function sourceVersion(): string {
  try {
    const head = runSync('git', ['rev-parse', '--short', 'HEAD'], { check: true }).stdout.trim();
    const dirty = runSync('git', ['status', '--porcelain', '--', 'src'], { check: true }).stdout.trim() !== '';
    return dirty ? `${head} with uncommitted changes in src/` : head;
  } catch {
    return 'unknown commit';
  }
}
