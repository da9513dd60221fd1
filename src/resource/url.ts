// Source URL helpers: the scheme of a source and a form safe to log (no passwords or tokens).
// Every error and log line goes through `redact`, so credentials never reach the journal.

/** Replaces userinfo and obviously secret query values with `REDACTED`. */
export function redact(source: string): string {
  if (source.startsWith('data:')) return source.length > 64 ? `${source.slice(0, 61)}...` : source;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return source;
  }
  if (url.username !== '' || url.password !== '') {
    url.username = 'REDACTED';
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (/sig|token|key|secret|password|credential/i.test(key) && !/^versionId$/i.test(key)) url.searchParams.set(key, 'REDACTED');
  }
  return url.href;
}

export function schemeOf(source: string): string {
  const colon = source.indexOf(':');
  return colon < 0 ? '' : source.slice(0, colon).toLowerCase();
}
