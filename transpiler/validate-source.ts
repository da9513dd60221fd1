// Checks on the Butane source itself, before anything is translated (butane.md §3 step 4): the
// resource and contents sugar, decimal-looking modes, trees and fcos's reuse-by-label rule.

import { entry, type ConfigPath } from '../src/report.ts';
import { checkChildConfig } from './child-config.ts';
import type { Context } from './context.ts';
import type { SourceObject } from './decode.ts';
import { looksDecimal } from './sugar/decimal-mode.ts';
import { fcosAtLeast } from './variants.ts';

const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;
const list = (v: unknown): SourceObject[] => (Array.isArray(v) ? (v as SourceObject[]) : []);

/** Every resource in the source with its YAML path. */
function resources(source: SourceObject): [SourceObject, ConfigPath][] {
  const out: [SourceObject, ConfigPath][] = [];
  const add = (v: unknown, path: ConfigPath): void => {
    const r = asObj(v);
    if (r !== undefined) out.push([r, path]);
  };
  const ignition = asObj(source.ignition);
  const config = asObj(ignition?.config);
  list(config?.merge).forEach((r, i) => add(r, ['ignition', 'config', 'merge', i]));
  add(config?.replace, ['ignition', 'config', 'replace']);
  const tls = asObj(asObj(ignition?.security)?.tls);
  list(tls?.certificate_authorities).forEach((r, i) => add(r, ['ignition', 'security', 'tls', 'certificate_authorities', i]));
  const storage = asObj(source.storage);
  list(storage?.files).forEach((f, i) => {
    add(f.contents, ['storage', 'files', i, 'contents']);
    list(f.append).forEach((r, j) => add(r, ['storage', 'files', i, 'append', j]));
  });
  list(storage?.luks).forEach((l, i) => add(l.key_file, ['storage', 'luks', i, 'key_file']));
  return out;
}

export function validateSource(source: SourceObject, ctx: Context, mirrorDevices: readonly string[]): void {
  for (const [resource, path] of resources(source)) {
    const present = (['local', 'inline', 'source'] as const).filter((k) => resource[k] !== undefined);
    if (present.length > 1) ctx.report.push(entry('error', 'RESOURCE_TOO_MANY_SOURCES', [...path, present[present.length - 1] as string]));
    else if (path[0] === 'ignition' && path[1] === 'config' && typeof resource.inline === 'string') checkChildConfig(resource.inline, [...path, 'inline'], [...path, 'version'], ctx);
  }
  const storage = asObj(source.storage);
  for (const kind of ['files', 'directories'] as const) {
    list(storage?.[kind]).forEach((node, i) => {
      if (typeof node.mode === 'number' && looksDecimal(node.mode, kind === 'directories')) {
        ctx.report.push(entry('warning', 'DECIMAL_MODE', ['storage', kind, i, 'mode']));
      }
    });
  }
  list(storage?.trees).forEach((tree, i) => {
    if (typeof tree.local !== 'string' || tree.local === '') ctx.report.push(entry('error', 'LOCAL_REQUIRED', ['storage', 'trees', i, 'local']));
  });
  const systemd = asObj(source.systemd);
  list(systemd?.units).forEach((unit, i) => {
    if (unit.contents !== undefined && unit.contents_local !== undefined) {
      ctx.report.push(entry('error', 'CONTENTS_TOO_MANY_SOURCES', ['systemd', 'units', i, 'contents_local']));
    }
    list(unit.dropins).forEach((dropin, j) => {
      if (dropin.contents !== undefined && dropin.contents_local !== undefined) {
        ctx.report.push(entry('error', 'CONTENTS_TOO_MANY_SOURCES', ['systemd', 'units', i, 'dropins', j, 'contents_local']));
      }
    });
  });
  if (ctx.flavor.variant === 'fcos' && fcosAtLeast(ctx.flavor, 6)) {
    list(storage?.disks).forEach((disk, i) => {
      const device = typeof disk.device === 'string' ? disk.device : '';
      if (disk.wipe_table === true || device === '/dev/disk/by-id/coreos-boot-disk' || mirrorDevices.includes(device)) return;
      list(disk.partitions).forEach((part, j) => {
        const labelled = typeof part.label === 'string' && part.label !== '';
        if (labelled && (part.number === undefined || part.number === 0)) {
          ctx.report.push(entry('warning', 'PARTITION_REUSE_BY_LABEL', ['storage', 'disks', i, 'partitions', j, 'number']));
        }
      });
    });
  }
}
