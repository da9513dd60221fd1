// Afterburn's output formats: the attributes environment file (AFTERBURN_* names, or Flatcar's
// coreos-metadata COREOS_* names with EC2/GCE spellings) and the hostname, cut to the kernel's
// limit as Afterburn cuts it.

/** Linux HOST_NAME_MAX. */
export const HOSTNAME_MAX = 64;

/** Flatcar's cl-legacy names: COREOS_ prefix, and AWS/GCP spelled EC2/GCE. */
export function flatcarName(name: string): string {
  return `COREOS_${name.replace(/^AWS_/, 'EC2_').replace(/^GCP_/, 'GCE_')}`;
}

/** `NAME=value` lines sorted by name; values are written as they are, like Afterburn. */
export function attributesFile(attributes: Record<string, string>, flatcar: boolean): string {
  return Object.keys(attributes)
    .sort()
    .map((name) => `${flatcar ? flatcarName(name) : `AFTERBURN_${name}`}=${attributes[name]}\n`)
    .join('');
}

/**
 * Afterburn's write_hostname: a name longer than HOSTNAME_MAX bytes is cut to HOSTNAME_MAX, then
 * at its first dot (so a long FQDN keeps only its first label); shorter names are kept whole.
 */
export function truncateHostname(hostname: string): string {
  const name = hostname.trim();
  if (Buffer.byteLength(name) <= HOSTNAME_MAX) return name;
  let cut = name;
  while (Buffer.byteLength(cut) > HOSTNAME_MAX) cut = cut.slice(0, -1);
  const dot = cut.indexOf('.');
  return dot >= 0 ? cut.slice(0, dot) : cut;
}
