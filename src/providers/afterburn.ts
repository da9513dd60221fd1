// Afterburn's output formats: the attributes environment file (AFTERBURN_* names, or Flatcar's
// coreos-metadata COREOS_* names with EC2/GCE spellings) and the hostname, cut to the kernel's
// limit at a label boundary when possible.

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

/** Truncates to HOSTNAME_MAX, preferring to cut just before a dot. */
export function truncateHostname(hostname: string): string {
  const name = hostname.trim();
  if (name.length <= HOSTNAME_MAX) return name;
  const head = name.slice(0, HOSTNAME_MAX + 1);
  const dot = head.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name.slice(0, HOSTNAME_MAX);
}
