// `kindling terraform-mirror DIR`: the provider as a Terraform filesystem mirror (the "unpacked"
// layout), HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION.
//
// Source address kindling.local/kindling/ct: a host name of the reserved .local domain, which no
// registry can ever serve, so the address cannot be confused with (or hijacked by) a published
// provider, and Terraform never looks it up once the CLI config routes it to the mirror. A fake
// registry.terraform.io/poseidon/ct would clash with the checksums of ct's real releases in
// existing lock files.
//
// Version 0.14.N, N = 10000*major + 100*minor + patch of Kindling: ct v0.14 compatibility in the
// first two numbers, so constraints written for ct (`~> 0.13`, `>= 0.12`, `~> 0.14`) keep
// matching; a new number for every Kindling release, so lock-file checksums never have to change
// under a version.
//
// The file is the single executable (npm run build:sea) when there is one: this process itself
// when it is the SEA, else dist/kindling beside the bundle. Otherwise a two-line launcher that
// runs this Node with this bundle: it works where the checkout stays put.

import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PROVIDER_HOST = 'kindling.local';
export const PROVIDER_NAMESPACE = 'kindling';
export const PROVIDER_TYPE_NAME = 'ct';
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE_NAME}`;

/** The provider version published for a Kindling version (see above). */
export function providerVersion(kindlingVersion: string): string {
  const [major = 0, minor = 0, patch = 0] = kindlingVersion.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
  return `0.14.${major * 10000 + minor * 100 + patch}`;
}

/** Terraform's platform name for this machine (linux_amd64, linux_arm64, ...). */
export function platformName(platform = process.platform, arch = process.arch): string {
  const archName: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${platform}_${archName[arch] ?? arch}`;
}

export interface MirrorSource {
  /** process.execPath: Node, or the single executable itself. */
  execPath: string;
  /** The bundle being run (process.argv[1]); unused for a single executable. */
  script: string | undefined;
  isSea: boolean;
}

export interface MirrorResult {
  file: string;
  version: string;
  kind: 'executable' | 'launcher';
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** Writes the mirror entry (atomically: a reader sees the old file or the new one). */
export function writeMirror(dir: string, kindlingVersion: string, source: MirrorSource): MirrorResult {
  const version = providerVersion(kindlingVersion);
  const target = join(resolve(dir), PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE_NAME, version, platformName());
  mkdirSync(target, { recursive: true });
  const file = join(target, `terraform-provider-${PROVIDER_TYPE_NAME}_v${version}`);
  const temp = `${file}.tmp-${process.pid}`;
  const script = source.script === undefined ? undefined : resolve(source.script);
  const sea = source.isSea
    ? source.execPath
    : script === undefined
      ? undefined
      : [join(dirname(script), 'kindling'), join(dirname(script), '..', 'kindling')].find((path) => path !== script && isExecutableFile(path));
  let kind: MirrorResult['kind'];
  if (sea !== undefined) {
    copyFileSync(sea, temp);
    kind = 'executable';
  } else {
    if (script === undefined) throw new Error('cannot tell which Kindling bundle is running');
    writeFileSync(temp, `#!/bin/sh\n# Kindling's terraform-provider-ct: this Node running this Kindling bundle.\nexec ${shellQuote(source.execPath)} ${shellQuote(script)} terraform-provider "$@"\n`);
    kind = 'launcher';
  }
  chmodSync(temp, 0o755);
  renameSync(temp, file);
  return { file, version, kind };
}
