// Version translation: any accepted spec up to 3.7.0-experimental (the only shape the runner and
// the transpiler's output stage handle), and a newest-shape config down to an older target spec
// when every field it uses exists there (Butane emits e.g. 3.4.0 for fcos 1.5).

import { entry, type ConfigPath, type Report } from '../report.ts';
import { ADDED_IN, CONFIG_KINDS } from './serialize.ts';
import { atLeast, compareVersions, LATEST_VERSION, type SpecVersion } from './versions.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Visits every object of a known kind, parents before children (in struct order), with its
 * logical path. `visit` may name keys of the object not to descend into.
 */
function walkObjects(
  value: unknown,
  kind: string,
  path: ConfigPath,
  visit: (object: JsonObject, kind: string, path: ConfigPath) => readonly string[] | void,
): void {
  if (!isObject(value)) return;
  const skip = visit(value, kind, path) ?? [];
  for (const field of CONFIG_KINDS[kind] ?? []) {
    if (field.kind === undefined || skip.includes(field.key)) continue;
    const child = value[field.key];
    if (field.list) {
      if (!Array.isArray(child)) continue;
      child.forEach((element, index) => walkObjects(element, field.kind as string, [...path, field.key, index], visit));
    } else {
      walkObjects(child, field.kind, [...path, field.key], visit);
    }
  }
}

/** Set in the sense of the serializer: not null, not an empty list, not an object of unset fields. */
function isUsed(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.values(value).some(isUsed);
  return true;
}

const SPECIAL_MODE_BITS = 0o7000n;

export interface TranslateUpOptions {
  /**
   * Reproduce upstream's 3.4 -> 3.5 step, which drops `tang[].advertisement` from spec 3.4.0
   * configs. Off by default: Kindling keeps the advertisement (docs/compatibility.md).
   */
  dropTangAdvertisement?: boolean;
  /** Change `config` itself instead of a copy: for callers that own a freshly decoded value. */
  inPlace?: boolean;
  /**
   * Stop at this spec instead of the newest (a parse with an older spec's package, as
   * terraform-provider-ct does with Ignition's v3_4): only the steps up to it apply.
   */
  to?: SpecVersion;
}

/**
 * Brings a config parsed at spec `from` to the newest spec. Keys that `from` does not have are
 * dropped. The steps that change more than the version: nullable CA sources (3.0 -> 3.1),
 * nullable link target and raid level (3.2 -> 3.3), and setuid/setgid/sticky bits masked off file
 * and directory modes (3.5 -> 3.6). The input is not modified unless `inPlace` is set.
 */
export function translateUp(config: object, from: SpecVersion, opts: TranslateUpOptions = {}): object {
  const result = (opts.inPlace === true ? config : structuredClone(config)) as JsonObject;
  const to = opts.to ?? LATEST_VERSION;
  const crosses = (step: SpecVersion): boolean => !atLeast(from, step) && atLeast(to, step);
  const missing = ADDED_IN.filter((rule) => !atLeast(from, rule.since));
  walkObjects(result, 'Config', [], (object, kind, path) => {
    // Upstream decodes into the `from` version's types first: keys that version does not have
    // (reported as unused keys by validation) never reach the newer config.
    const fields = CONFIG_KINDS[kind] ?? [];
    for (const key of Object.keys(object)) {
      if (!fields.some((field) => field.key === key)) delete object[key];
    }
    for (const rule of missing) {
      if (rule.kind === kind && (rule.where === undefined || rule.where(path))) delete object[rule.key];
    }
    // Go's plain strings become pointers to their (possibly empty) value.
    if (kind === 'CaReference' && crosses('3.1.0') && object['source'] == null) object['source'] = '';
    if (kind === 'Link' && crosses('3.3.0') && object['target'] == null) object['target'] = '';
    if (kind === 'Raid' && crosses('3.3.0') && object['level'] == null) object['level'] = '';
    if (kind === 'Tang' && from === '3.4.0' && crosses('3.5.0') && opts.dropTangAdvertisement === true) delete object['advertisement'];
    if ((kind === 'File' || kind === 'Directory') && crosses('3.6.0')) {
      const mode = object['mode'];
      if (typeof mode === 'number' && Number.isSafeInteger(mode))
        object['mode'] = Number(BigInt(mode) & ~SPECIAL_MODE_BITS);
    }
  });
  const ignition = isObject(result['ignition']) ? result['ignition'] : {};
  result['ignition'] = { ...ignition, version: to };
  return result;
}

/**
 * Rewrites a newest-shape config as spec `to`. Every field that `to` does not have is an error
 * at that field's path, and then no config is returned. Values that only a later spec accepts
 * (a `gs://` source, format `none`, ...) are left to validation at the target version.
 */
export function translateDown(config: object, to: SpecVersion): { config?: object; report: Report } {
  const report: Report = [];
  const rules = ADDED_IN.filter((rule) => compareVersions(to, rule.since) < 0);
  walkObjects(config, 'Config', [], (object, kind, path) => {
    const reported: string[] = [];
    for (const field of CONFIG_KINDS[kind] ?? []) {
      const rule = rules.find(
        (r) => r.kind === kind && r.key === field.key && (r.where === undefined || r.where(path)),
      );
      if (rule === undefined || !isUsed(object[field.key])) continue;
      // Only the outermost unsupported field is reported, not everything inside it.
      reported.push(field.key);
      report.push(entry('error', 'TRANSLATE_UNSUPPORTED', [...path, field.key], field.key, to));
    }
    return reported;
  });
  if (report.length > 0) return { report };
  const result = structuredClone(config) as JsonObject;
  const ignition = isObject(result['ignition']) ? result['ignition'] : {};
  result['ignition'] = { ...ignition, version: to };
  return { config: result, report };
}
