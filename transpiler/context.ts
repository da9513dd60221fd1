// What every translation step shares: the flavor, the report (entries carry YAML paths), and
// the one place that reads from the files directory, confined to it (butane.md §4.2).

import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { entry, type ConfigPath, type Report } from '../src/report.ts';
import type { Flavor } from './variants.ts';

export interface Context {
  flavor: Flavor;
  filesDir: string | undefined;
  report: Report;
}

/** yaml.v3/Go wording for the common OS errors, e.g. `open x: no such file or directory`. */
export function goOsError(op: string, path: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'too many levels of symbolic links',
  };
  return `${code === 'EISDIR' ? 'read' : op} ${path}: ${text[code ?? ''] ?? (error as Error).message}`;
}

/**
 * Resolves a slash-separated `local` name under the files directory. Reports (at `at`) and returns
 * undefined when there is no files directory or the name leads outside it.
 */
export function localPath(ctx: Context, name: string, at: ConfigPath): { joined: string; absolute: string } | undefined {
  if (ctx.filesDir === undefined) {
    ctx.report.push(entry('error', 'FILES_DIR_REQUIRED', at));
    return undefined;
  }
  const joined = join(ctx.filesDir, ...name.split('/'));
  const root = resolve(ctx.filesDir);
  const absolute = resolve(joined);
  if (absolute !== root && !absolute.startsWith(root.endsWith(sep) ? root : root + sep)) {
    ctx.report.push(entry('error', 'FILES_DIR_ESCAPE', at));
    return undefined;
  }
  return { joined, absolute };
}

/** Reads a `local` file; errors are reported at `at` and give undefined. */
export function readLocal(ctx: Context, name: string, at: ConfigPath): Buffer | undefined {
  const where = localPath(ctx, name, at);
  if (where === undefined) return undefined;
  try {
    return readFileSync(where.absolute);
  } catch (error) {
    ctx.report.push(entry('error', 'LOCAL_READ_FAILED', at, goOsError('open', where.joined, error)));
    return undefined;
  }
}
