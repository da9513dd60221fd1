// The table of Ignition spec versions Kindling accepts, oldest first. Everything that differs
// between versions is looked up here or keyed by these strings; nothing registers itself.

export const SPEC_VERSIONS = [
  '3.0.0',
  '3.1.0',
  '3.2.0',
  '3.3.0',
  '3.4.0',
  '3.5.0',
  '3.6.0',
  '3.7.0-experimental',
] as const;

export type SpecVersion = (typeof SPEC_VERSIONS)[number];

/** The version every config is translated to internally (and written to the cache). */
export const LATEST_VERSION: SpecVersion = '3.7.0-experimental';

/** The newest stable version, which upstream advertises in its HTTP Accept header. */
export const LATEST_STABLE_VERSION: SpecVersion = '3.6.0';

export function isSpecVersion(value: unknown): value is SpecVersion {
  return typeof value === 'string' && (SPEC_VERSIONS as readonly string[]).includes(value);
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareVersions(a: SpecVersion, b: SpecVersion): number {
  return SPEC_VERSIONS.indexOf(a) - SPEC_VERSIONS.indexOf(b);
}

export function atLeast(version: SpecVersion, minimum: SpecVersion): boolean {
  return compareVersions(version, minimum) >= 0;
}

/**
 * Reads a version string the way upstream does (coreos/go-semver, then an exact comparison with
 * each supported version): numbers may carry leading zeros ("03.3.00" is 3.3.0), and build
 * metadata makes an otherwise supported version unsupported.
 */
export function readSpecVersion(value: string): SpecVersion | 'unparseable' | 'unsupported' {
  // A supported version spelled canonically, as nearly every config has it, parses to itself.
  if (isSpecVersion(value)) return value;
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.exec(value);
  if (m === null) return 'unparseable';
  const [, major, minor, patch, pre, build] = m;
  if ([major, minor, patch].some((n) => BigInt(n as string) > 9223372036854775807n)) return 'unparseable';
  const canonical = `${BigInt(major as string)}.${BigInt(minor as string)}.${BigInt(patch as string)}${pre === undefined ? '' : `-${pre}`}`;
  if (build !== undefined || !isSpecVersion(canonical)) return 'unsupported';
  return canonical;
}

/** Semantic-version syntax as Butane's parser accepts it (major.minor.patch[-pre][+build]). */
export function isSemver(value: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(
    value,
  );
}
