// The openshift variant's own sections (butane.md §5.3): metadata and openshift checks, FIPS
// ciphers for LUKS, and the MachineConfig wrapper around the Ignition config.

import { entry } from '../src/report.ts';
import type { Context } from './context.ts';
import type { SourceObject } from './decode.ts';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

const ROLE = 'machineconfiguration.openshift.io/role';
const CEX_KARG = 'rd.luks.key=/etc/luks/cex.key';

/** Config-wide checks: metadata, and the kernel argument CEX needs (4.19+). */
export function validateOpenshiftConfig(source: SourceObject, ctx: Context): void {
  const metadata = asObj(source.metadata);
  const openshift = asObj(source.openshift);
  if (typeof metadata?.name !== 'string' || metadata.name === '') ctx.report.push(entry('error', 'METADATA_NAME_REQUIRED', ['metadata', 'name']));
  const labels = asObj(metadata?.labels);
  if (typeof labels?.[ROLE] !== 'string' || labels[ROLE] === '') ctx.report.push(entry('error', 'METADATA_ROLE_REQUIRED', ['metadata', 'labels']));
  // Upstream reports the missing argument where it belongs, at openshift.kernel_arguments; from
  // 4.22 a root volume in storage.luks with CEX needs it as well (once, whichever asks for it).
  const minor = ctx.flavor.openshift ?? 0;
  const bootCex = asObj(asObj(asObj(source.boot_device)?.luks)?.cex)?.enabled === true;
  const rootCex = minor >= 22 && Array.isArray(asObj(source.storage)?.luks) && (asObj(source.storage)?.luks as SourceObject[]).some((l) => l.name === 'root' && asObj(l.cex)?.enabled === true);
  if (minor >= 19 && (bootCex || rootCex) && !strings(openshift?.kernel_arguments).includes(CEX_KARG)) {
    ctx.report.push(entry('error', 'CEX_KARG_REQUIRED', ['openshift', 'kernel_arguments']));
  }
}

/** The `openshift` section's own check. */
export function validateOpenshiftSection(source: SourceObject, ctx: Context): void {
  const kernelType = asObj(source.openshift)?.kernel_type;
  if (kernelType !== undefined && kernelType !== '' && kernelType !== 'default' && kernelType !== 'realtime') {
    ctx.report.push(entry('error', 'KERNEL_TYPE_INVALID', ['openshift', 'kernel_type']));
  }
}

/** In raw mode the MachineConfig-only fields are dropped; each one that was set warns. */
export function warnRawMode(source: SourceObject, ctx: Context): void {
  const openshift = asObj(source.openshift);
  if (openshift === undefined) return;
  for (const key of ['extensions', 'fips', 'kernel_arguments', 'kernel_type']) {
    const v = openshift[key];
    const set = Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false && v !== '';
    if (set) ctx.report.push(entry('warning', 'RAW_MODE_IGNORED', ['openshift', key]));
  }
}

/** FIPS (4.8–4.19): LUKS volumes without an explicit cipher get one FIPS accepts. */
export function applyFips(config: Obj, source: SourceObject, minor: number): void {
  if (asObj(source.openshift)?.fips !== true || minor > 19) return;
  const luks = asObj(config.storage)?.luks;
  if (!Array.isArray(luks)) return;
  for (const volume of luks as Obj[]) {
    const options = strings(volume.options);
    if (options.some((o) => o === '--cipher' || o.startsWith('--cipher=') || o === '-c')) continue;
    volume.options = [...options, '--cipher', 'aes-cbc-essiv:sha256'];
  }
}

/** The MachineConfig object around an Ignition config; empty spec fields are left out. */
export function machineConfig(config: Obj, source: SourceObject): Obj {
  const metadata = asObj(source.metadata) ?? {};
  const openshift = asObj(source.openshift) ?? {};
  const meta: Obj = {};
  const labels = asObj(metadata.labels);
  if (labels !== undefined && Object.keys(labels).length > 0) meta.labels = { ...labels };
  meta.name = typeof metadata.name === 'string' ? metadata.name : '';
  const spec: Obj = { config };
  const extensions = strings(openshift.extensions);
  if (extensions.length > 0) spec.extensions = extensions;
  if (openshift.fips === true) spec.fips = true;
  const kargs = strings(openshift.kernel_arguments);
  if (kargs.length > 0) spec.kernelArguments = kargs;
  if (typeof openshift.kernel_type === 'string' && openshift.kernel_type !== '') spec.kernelType = openshift.kernel_type;
  return { apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', metadata: meta, spec };
}
