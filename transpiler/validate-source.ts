// Checks on the Butane source itself, before anything is translated (butane.md §3 step 4). The
// order is upstream's struct walk: the variant's config-wide checks first, then each section in
// field order, each object checked before its children, so multi-finding reports line up.

import { entry, type ConfigPath } from '../src/report.ts';
import { checkChildConfig } from './child-config.ts';
import type { Context } from './context.ts';
import type { SourceObject } from './decode.ts';
import { validateOpenshiftConfig, validateOpenshiftSection } from './openshift.ts';
import { validateBootDevice } from './sugar/boot-device.ts';
import { looksDecimal } from './sugar/decimal-mode.ts';
import { validateGrub } from './sugar/grub.ts';
import { validateMountUnit } from './sugar/mount-units.ts';
import { validateQuadlets } from './sugar/quadlets.ts';
import { fcosAtLeast } from './variants.ts';

const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;
const list = (v: unknown): SourceObject[] => (Array.isArray(v) ? (v as SourceObject[]) : []);

/** At most one of inline, local and source; inline Ignition configs are validated too. */
function validateResource(value: unknown, path: ConfigPath, ctx: Context): void {
  const resource = asObj(value);
  if (resource === undefined) return;
  const present = (['local', 'inline', 'source'] as const).filter((k) => resource[k] !== undefined);
  if (present.length > 1) ctx.report.push(entry('error', 'RESOURCE_TOO_MANY_SOURCES', [...path, present[present.length - 1] as string]));
  else if (path[0] === 'ignition' && path[1] === 'config' && typeof resource.inline === 'string') {
    checkChildConfig(resource.inline, [...path, 'inline'], [...path, 'version'], ctx);
  }
}

function validateMode(node: SourceObject, path: ConfigPath, directory: boolean, ctx: Context): void {
  if (typeof node.mode === 'number' && looksDecimal(node.mode, directory)) ctx.report.push(entry('warning', 'DECIMAL_MODE', [...path, 'mode']));
}

function validateContentsLocal(node: SourceObject, path: ConfigPath, ctx: Context): void {
  if (node.contents !== undefined && node.contents_local !== undefined) {
    ctx.report.push(entry('error', 'CONTENTS_TOO_MANY_SOURCES', [...path, 'contents_local']));
  }
}

/** fcos 1.6+'s config-wide checks (also reached by the openshift versions that embed it). */
function validateFcosConfig(storage: SourceObject | undefined, ctx: Context, mirrorDevices: readonly string[]): void {
  if (!fcosAtLeast(ctx.flavor, 6)) return;
  list(storage?.disks).forEach((disk, i) => {
    const device = typeof disk.device === 'string' ? disk.device : '';
    if (disk.wipe_table === true || device === '/dev/disk/by-id/coreos-boot-disk' || mirrorDevices.includes(device)) return;
    list(disk.partitions).forEach((part, j) => {
      const labelled = typeof part.label === 'string';
      if (labelled && (part.number === undefined || part.number === 0)) {
        ctx.report.push(entry('warning', 'PARTITION_REUSE_BY_LABEL', ['storage', 'disks', i, 'partitions', j, 'number']));
      }
    });
  });
  list(storage?.filesystems).forEach((fs, i) => {
    if (fs.with_mount_unit === true && typeof fs.path === 'string' && !/^\/(etc|var)(\/|$)/.test(fs.path)) {
      ctx.report.push(entry('error', 'MOUNT_UNIT_PATH_LOCATION', ['storage', 'filesystems', i, 'path']));
    }
  });
}

export function validateSource(source: SourceObject, ctx: Context, bootDevice: SourceObject | undefined, mirrorDevices: readonly string[]): void {
  const storage = asObj(source.storage);
  if (ctx.flavor.variant === 'openshift') validateOpenshiftConfig(source, ctx);
  validateFcosConfig(storage, ctx, mirrorDevices);

  const ignition = asObj(source.ignition);
  const config = asObj(ignition?.config);
  list(config?.merge).forEach((r, i) => validateResource(r, ['ignition', 'config', 'merge', i], ctx));
  validateResource(config?.replace, ['ignition', 'config', 'replace'], ctx);
  const tls = asObj(asObj(ignition?.security)?.tls);
  list(tls?.certificate_authorities).forEach((r, i) => validateResource(r, ['ignition', 'security', 'tls', 'certificate_authorities', i], ctx));

  list(storage?.directories).forEach((dir, i) => validateMode(dir, ['storage', 'directories', i], true, ctx));
  list(storage?.files).forEach((file, i) => {
    const at: ConfigPath = ['storage', 'files', i];
    validateMode(file, at, false, ctx);
    list(file.append).forEach((r, j) => validateResource(r, [...at, 'append', j], ctx));
    validateResource(file.contents, [...at, 'contents'], ctx);
  });
  list(storage?.filesystems).forEach((fs, i) => validateMountUnit(fs, ['storage', 'filesystems', i], ctx));
  list(storage?.luks).forEach((luks, i) => validateResource(luks.key_file, ['storage', 'luks', i, 'key_file'], ctx));
  list(storage?.trees).forEach((tree, i) => {
    if (typeof tree.local !== 'string' || tree.local === '') ctx.report.push(entry('error', 'LOCAL_REQUIRED', ['storage', 'trees', i]));
  });

  const systemd = asObj(source.systemd);
  list(systemd?.units).forEach((unit, i) => {
    validateContentsLocal(unit, ['systemd', 'units', i], ctx);
    list(unit.dropins).forEach((dropin, j) => validateContentsLocal(dropin, ['systemd', 'units', i, 'dropins', j], ctx));
  });
  validateQuadlets(systemd, ctx);

  validateBootDevice(bootDevice, ctx);
  validateGrub(asObj(source.grub), ctx);
  if (ctx.flavor.variant === 'openshift') validateOpenshiftSection(source, ctx);
}
