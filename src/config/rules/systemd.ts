// Rules for systemd units and drop-ins (ignition-spec.md §4.10): name suffixes, unit-file syntax,
// and the warnings for enabled units (or template instances) without an [Install] section.

import type { ConfigPath } from '../../report.ts';
import { error, isTrue, items, notEmpty, obj, plainStr, str, warn, type Obj, type RuleContext } from './context.ts';
import { hasInstallSection, parseUnit, type UnitOption } from './unit-file.ts';

const UNIT_SUFFIXES = [
  '.service',
  '.socket',
  '.device',
  '.mount',
  '.automount',
  '.swap',
  '.target',
  '.path',
  '.timer',
  '.snapshot',
  '.slice',
  '.scope',
];

// Go's regexp `.` stops at newlines only.
const INSTANCE = /^([^\n]+?)@([^\n]+?)\.service$/;

/** Go's path.Ext: from the last dot of the last path element, or "". */
function extension(name: string): string {
  for (let i = name.length - 1; i >= 0 && name[i] !== '/'; i--) if (name[i] === '.') return name.slice(i);
  return '';
}

/** Parses contents like upstream's validateUnitContent: nil contents parse to no options. */
function unitContent(contents: unknown): { options: UnitOption[] } | { error: string } {
  const text = str(contents);
  return text === undefined ? { options: [] } : parseUnit(text);
}

function checkUnit(ctx: RuleContext, unit: Obj, path: ConfigPath): void {
  const name = plainStr(unit.name);
  if (!UNIT_SUFFIXES.includes(extension(name))) error(ctx, 'UNIT_EXTENSION_INVALID', [...path, 'name']);
  const at = [...path, 'contents'];
  const parsed = unitContent(unit.contents);
  if ('error' in parsed) return error(ctx, 'UNIT_CONTENT_INVALID', at, parsed.error);
  if (isTrue(unit.enabled) && notEmpty(unit.contents) && !hasInstallSection(parsed.options)) {
    warn(ctx, 'UNIT_NO_INSTALL', at, name);
  }
}

function checkDropin(ctx: RuleContext, dropin: Obj, path: ConfigPath): void {
  const parsed = unitContent(dropin.contents);
  if ('error' in parsed) error(ctx, 'UNIT_CONTENT_INVALID', [...path, 'contents'], parsed.error);
  if (extension(plainStr(dropin.name)) !== '.conf') error(ctx, 'DROPIN_EXTENSION_INVALID', [...path, 'name']);
}

/** Systemd.Validate: enabled instances of a template unit whose contents lack [Install]. */
function checkTemplates(ctx: RuleContext, units: Obj[]): void {
  const byName = new Map<string, Obj>();
  for (const unit of units) byName.set(plainStr(unit.name), unit);
  units.forEach((unit, i) => {
    const name = plainStr(unit.name);
    const match = INSTANCE.exec(name);
    if (match === null || !isTrue(unit.enabled)) return;
    const template = `${match[1]}@.service`;
    const templateUnit = byName.get(template);
    if (templateUnit === undefined || !notEmpty(templateUnit.contents)) return;
    const parsed = parseUnit(templateUnit.contents as string);
    if ('error' in parsed || hasInstallSection(parsed.options)) return;
    warn(ctx, 'TEMPLATE_NO_INSTALL', ['systemd', 'units', i, 'contents'], template, name);
  });
}

/** The systemd section: its own template check, then each unit and its drop-ins. */
export function checkSystemd(ctx: RuleContext, systemd: Obj): void {
  const units = items(systemd.units).map(obj);
  checkTemplates(ctx, units);
  units.forEach((unit, i) => {
    const path = ['systemd', 'units', i];
    checkUnit(ctx, unit, path);
    items(unit.dropins).forEach((dropin, j) => checkDropin(ctx, obj(dropin), [...path, 'dropins', j]));
  });
}

/** The paths Ignition writes units and drop-ins with contents to. */
export function systemdPaths(systemd: Obj): Set<string> {
  const paths = new Set<string>();
  for (const unit of items(systemd.units).map(obj)) {
    const name = plainStr(unit.name);
    if (notEmpty(unit.contents)) paths.add(`/etc/systemd/system/${name}`);
    for (const dropin of items(unit.dropins).map(obj)) {
      if (notEmpty(dropin.contents)) {
        paths.add(`/etc/systemd/system/${name}.d/${plainStr(dropin.name)}`);
      }
    }
  }
  return paths;
}
