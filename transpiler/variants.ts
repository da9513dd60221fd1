// The table of Butane variants and versions: which Ignition spec each one targets, which shared
// base layer it embeds, and which variant features it has (butane.md §1). Nothing registers itself.

import type { SpecVersion } from '../src/config/versions.ts';

export type Variant = 'fcos' | 'flatcar' | 'r4e' | 'fiot' | 'openshift';

/** Internal base layer number: 1 = v0_1 (Ignition 3.0) ... 8 = v0_8_exp (Ignition 3.7-exp). */
export type Base = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export interface Flavor {
  variant: Variant;
  version: string;
  spec: SpecVersion;
  base: Base;
  /** The fcos 1.x minor the config behaves like (fcos itself and openshift); undefined otherwise. */
  fcos: number | undefined;
  /** OpenShift minor version (4.N); undefined for other variants. */
  openshift: number | undefined;
  experimental: boolean;
}

const FCOS: readonly [string, SpecVersion, Base][] = [
  ['1.0.0', '3.0.0', 1],
  ['1.1.0', '3.1.0', 2],
  ['1.2.0', '3.2.0', 3],
  ['1.3.0', '3.2.0', 3],
  ['1.4.0', '3.3.0', 4],
  ['1.5.0', '3.4.0', 5],
  ['1.6.0', '3.5.0', 6],
  ['1.7.0', '3.6.0', 7],
  ['1.8.0-experimental', '3.7.0-experimental', 8],
];

const FLATCAR_LIKE: readonly [string, SpecVersion, Base][] = [
  ['1.0.0', '3.3.0', 4],
  ['1.1.0', '3.4.0', 5],
  ['1.2.0-experimental', '3.7.0-experimental', 8],
];

const FIOT: readonly [string, SpecVersion, Base][] = [
  ['1.0.0', '3.4.0', 5],
  ['1.1.0-experimental', '3.7.0-experimental', 8],
];

/** OpenShift minor → the fcos minor it embeds. */
function openshiftFcos(minor: number): number {
  if (minor <= 13) return 3;
  if (minor <= 18) return 5;
  if (minor <= 22) return 6;
  return 8;
}

function buildTable(): Flavor[] {
  const rows: Flavor[] = [];
  const plain = (variant: Variant, list: readonly [string, SpecVersion, Base][]): void => {
    for (const [version, spec, base] of list) {
      rows.push({
        variant,
        version,
        spec,
        base,
        fcos: variant === 'fcos' ? Number(version.split('.')[1]) : undefined,
        openshift: undefined,
        experimental: version.endsWith('-experimental'),
      });
    }
  };
  plain('fcos', FCOS);
  plain('flatcar', FLATCAR_LIKE);
  plain('r4e', FLATCAR_LIKE);
  plain('fiot', FIOT);
  for (let minor = 8; minor <= 23; minor++) {
    const fcos = openshiftFcos(minor);
    const fcosRow = FCOS[fcos] as [string, SpecVersion, Base];
    rows.push({
      variant: 'openshift',
      version: minor === 23 ? '4.23.0-experimental' : `4.${minor}.0`,
      spec: fcosRow[1],
      base: fcosRow[2],
      fcos,
      openshift: minor,
      experimental: minor === 23,
    });
  }
  return rows;
}

export const FLAVORS: readonly Flavor[] = buildTable();

export function findFlavor(variant: string, version: string): Flavor | undefined {
  return FLAVORS.find((f) => f.variant === variant && f.version === version);
}

/** At least fcos 1.`minor` (also true for openshift versions that embed it). */
export function fcosAtLeast(flavor: Flavor, minor: number): boolean {
  return flavor.fcos !== undefined && flavor.fcos >= minor;
}
