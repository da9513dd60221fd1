// Absolute-path checks shared by nodes, devices and mount points, with Go's path.Clean and
// path.Join semantics: upstream compares a path with its cleaned form, so ours must clean alike.

export type PathCode = 'PATH_EMPTY' | 'PATH_NOT_ABSOLUTE' | 'PATH_NOT_SIMPLIFIED';

/** Go's path.Clean: lexical simplification of a slash-separated path. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's path.Join: joins the non-empty elements and cleans the result. */
export function joinPath(...elements: string[]): string {
  const nonEmpty = elements.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

/**
 * True when `path` is absolute and already in the form cleanPath (and posix.normalize) gives it,
 * without a trailing slash: every component is a plain name, so no empty, `.` or `..` component
 * and no trailing slash. A few substring searches, where cleaning splits and joins the path:
 * validation asks this of every node of a thousand-file config. Not a pattern: each process would
 * compile it on first use (V8 keeps no compiled patterns in the startup snapshot), which cost
 * more than all the searches of a small config.
 */
export function isCleanAbsolute(path: string): boolean {
  return (
    path.length > 1 &&
    path.startsWith('/') &&
    !path.endsWith('/') &&
    !path.endsWith('/.') &&
    !path.endsWith('/..') &&
    !path.includes('//') &&
    !path.includes('/./') &&
    !path.includes('/../')
  );
}

/** Upstream's validatePath: empty, then relative, then not in cleaned form. */
export function pathProblem(p: string): PathCode | undefined {
  if (p === '') return 'PATH_EMPTY';
  if (!p.startsWith('/')) return 'PATH_NOT_ABSOLUTE';
  if (isCleanAbsolute(p) || cleanPath(p) === p) return undefined;
  return 'PATH_NOT_SIMPLIFIED';
}
