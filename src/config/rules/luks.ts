// Rules for LUKS volumes (ignition-spec.md §4.9): name, label, device, the clevis custom/tang/tpm2
// combinations (whose rules changed in 3.3 and 3.6), the key file and IBM CEX keys.

import type { ConfigPath } from '../../report.ts';
import { atLeast } from '../versions.ts';
import { pathProblem } from './paths.ts';
import {
  byteLength,
  error,
  isObj,
  isTrue,
  items,
  notEmpty,
  num,
  obj,
  plainStr,
  str,
  type Obj,
  type RuleContext,
} from './context.ts';
import { checkResource, optionalUrlProblem } from './resources.ts';
import { parseGoUrl } from './url.ts';

const KNOWN_PINS = ['tpm2', 'tang', 'sss'];

function thresholdSet(clevis: Obj): boolean {
  const threshold = num(clevis.threshold);
  return threshold !== undefined && threshold !== 0;
}

function otherClevisSet(clevis: Obj): boolean {
  return items(clevis.tang).length > 0 || isTrue(clevis.tpm2) || thresholdSet(clevis);
}

/** Clevis.IsPresent (3.3+ shape). */
function clevisPresent(clevis: Obj): boolean {
  return notEmpty(obj(clevis.custom).pin) || otherClevisSet(clevis);
}

function checkCustom(ctx: RuleContext, custom: Obj, path: ConfigPath): void {
  if (!atLeast(ctx.version, '3.3.0')) {
    // 3.2's Custom has plain strings and no pin-required rule: an empty pin is simply unknown.
    const pin = plainStr(custom.pin);
    const config = plainStr(custom.config);
    if (pin === '' && config === '') return;
    if (!KNOWN_PINS.includes(pin)) error(ctx, 'CLEVIS_PIN_UNSUPPORTED', [...path, 'pin']);
    if (config === '') error(ctx, 'CLEVIS_CONFIG_REQUIRED', [...path, 'config']);
    return;
  }
  if (!notEmpty(custom.pin) && !notEmpty(custom.config) && !isTrue(custom.needsNetwork)) return;
  const pin = str(custom.pin);
  if (pin !== undefined && pin !== '') {
    if (!atLeast(ctx.version, '3.6.0') && !KNOWN_PINS.includes(pin)) error(ctx, 'CLEVIS_PIN_UNSUPPORTED', [...path, 'pin']);
  } else {
    error(ctx, 'CLEVIS_PIN_REQUIRED', [...path, 'pin']);
  }
  if (!notEmpty(custom.config)) error(ctx, 'CLEVIS_CONFIG_REQUIRED', [...path, 'config']);
}

function checkTang(ctx: RuleContext, tang: Obj, path: ConfigPath): void {
  const url = parseGoUrl(plainStr(tang.url));
  if ('error' in url) error(ctx, 'URL_UNPARSEABLE', [...path, 'url']);
  else if (url.scheme !== 'http' && url.scheme !== 'https') error(ctx, 'URL_SCHEME_INVALID', [...path, 'url']);
  if (!notEmpty(tang.thumbprint)) error(ctx, 'TANG_THUMBPRINT_REQUIRED', [...path, 'thumbprint']);
  if (atLeast(ctx.version, '3.4.0') && notEmpty(tang.advertisement)) {
    try {
      JSON.parse(tang.advertisement as string);
    } catch {
      error(ctx, 'TANG_ADVERTISEMENT_INVALID', [...path, 'advertisement']);
    }
  }
}

/** Luks.Validate, then its children in field order: cex, clevis (custom, tang), keyFile. */
export function checkLuks(ctx: RuleContext, luks: Obj, path: ConfigPath): void {
  if (plainStr(luks.name).includes('/')) error(ctx, 'LUKS_NAME_SLASH', [...path, 'name']);
  const label = str(luks.label);
  if (label !== undefined && byteLength(label) > 47) error(ctx, 'LUKS_LABEL_TOO_LONG', [...path, 'label']);
  const device = str(luks.device);
  if (device === undefined || device === '') {
    error(ctx, 'DISK_DEVICE_REQUIRED', [...path, 'device']);
  } else {
    const problem = pathProblem(device);
    if (problem !== undefined) error(ctx, problem, [...path, 'device']);
  }

  const clevis = obj(luks.clevis);
  const custom = obj(clevis.custom);
  // 3.2 has pointers: any custom object conflicts; later specs look at the pin only.
  const customUsed = atLeast(ctx.version, '3.3.0') ? notEmpty(custom.pin) : isObj(clevis.custom);
  if (customUsed && otherClevisSet(clevis)) error(ctx, 'CLEVIS_CUSTOM_EXCLUSIVE', [...path, 'clevis']);

  const keyFile = obj(luks.keyFile);
  if (optionalUrlProblem(keyFile.source, ctx.version) !== undefined) error(ctx, 'LUKS_KEYFILE_INVALID', [...path, 'keys']);

  if (atLeast(ctx.version, '3.5.0')) {
    const cex = isTrue(obj(luks.cex).enabled);
    if (cex && clevisPresent(clevis)) error(ctx, 'CEX_WITH_CLEVIS', [...path, 'cex']);
    if (cex && notEmpty(keyFile.source)) error(ctx, 'CEX_WITH_KEYFILE', [...path, 'cex']);
  }

  if (atLeast(ctx.version, '3.3.0') || isObj(clevis.custom)) checkCustom(ctx, custom, [...path, 'clevis', 'custom']);
  items(clevis.tang).forEach((tang, i) => checkTang(ctx, obj(tang), [...path, 'clevis', 'tang', i]));
  checkResource(ctx, keyFile, [...path, 'keyFile']);
}
