// transpile(text, options): Butane YAML in, Ignition config (or an openshift MachineConfig) out,
// with a report at the user's YAML coordinates. The pipeline follows butane.md §3; the only
// I/O is reading below the files directory.

import { checkConfig, type Config } from '../src/config/index.ts';
import { serializeConfig } from '../src/config/serialize.ts';
import { isSemver } from '../src/config/versions.ts';
import { entry, isFatal, type ProvisionError, type Report } from '../src/report.ts';
import type { Context } from './context.ts';
import { decodeSource, duplicateKeys, type SourceObject } from './decode.ts';
import { emitMachineConfigYaml } from './emit-yaml.ts';
import { ROOT } from './fields.ts';
import { fcosPartitionChecks, filterFields } from './filters.ts';
import { mergeTracked, type Tracked } from './merge-generated.ts';
import { applyFips, machineConfig, warnRawMode } from './openshift.ts';
import { generateBootDevice, mirrorDevices } from './sugar/boot-device.ts';
import { generateGrub } from './sugar/grub.ts';
import { generateMountUnits } from './sugar/mount-units.ts';
import { applyQuadlets } from './sugar/quadlets.ts';
import { applyTrees } from './sugar/trees.ts';
import { translateBase } from './translate-base.ts';
import { sourceOf } from './translation-set.ts';
import { findFlavor, type Flavor } from './variants.ts';
import { validateSource } from './validate-source.ts';
import { findYamlNode, parseYaml, type YamlNode } from './yaml.ts';

export { FLAVORS, type Flavor, type Variant } from './variants.ts';

export interface TranspileOptions {
  /** Directory that `local`, `trees` and `*_local` names are resolved under (-d/--files-dir). */
  filesDir?: string;
  /** openshift: emit the Ignition config instead of a MachineConfig (-r/--raw). */
  raw?: boolean;
  /** Indented JSON (-p/--pretty); YAML output is always indented. */
  pretty?: boolean;
}

export interface TranspileResult {
  /**
   * The generated Ignition config, when translation succeeded. Typed as the newest spec's shape;
   * `ignition.version` says which spec it is, and it only uses fields that spec has.
   */
  config?: Config;
  /** The openshift MachineConfig wrapping `config` (not in raw mode). */
  machineConfig?: Record<string, unknown>;
  /** The serialised output without the final newline. */
  output?: string;
  /** Findings with YAML paths and line:col, in upstream's order. */
  report: Report;
  /** Why no output was produced; the CLI prints it after `Error translating config: `. */
  error?: ProvisionError;
  flavor?: Flavor;
}

const asObj = (v: unknown): SourceObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SourceObject) : undefined;

/** Reads `variant` and `version` (upstream's first pass). */
function selectFlavor(root: YamlNode | undefined): Flavor | ProvisionError {
  if (root === undefined) return entry('error', 'BUTANE_VARIANT_MISSING', undefined);
  // yaml.v3 checks the root mapping's keys before it reads variant and version from it.
  const duplicates = root.kind === 'map' ? duplicateKeys(root) : [];
  if (duplicates.length > 0) return entry('error', 'BUTANE_YAML', undefined, `yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}`);
  if (root.kind !== 'map') {
    const kind = root.kind === 'seq' ? '!!seq' : root.kind === 'scalar' ? `!!str \`${root.text}\`` : '!!null';
    return entry('error', 'BUTANE_YAML', undefined, `yaml: unmarshal errors:\n  line ${root.pos.line}: cannot unmarshal ${kind} into config.commonFields`);
  }
  const nodes = ['variant', 'version'].map((key) => root.entries.find((e) => e.key === key)?.value);
  const wrong = nodes.filter((n) => n?.kind === 'map' || n?.kind === 'seq');
  if (wrong.length > 0) {
    const lines = wrong.map((n) => `line ${n?.pos.line}: cannot unmarshal ${n?.kind === 'map' ? '!!map' : '!!seq'} into string`);
    return entry('error', 'BUTANE_YAML', undefined, `yaml: unmarshal errors:\n  ${lines.join('\n  ')}`);
  }
  const text = (key: string): string | undefined => {
    const node = root.entries.find((e) => e.key === key)?.value;
    return node?.kind === 'scalar' ? node.text : undefined;
  };
  const variant = text('variant');
  const version = text('version');
  if (variant === undefined || variant === '') return entry('error', 'BUTANE_VARIANT_MISSING', undefined);
  if (version === undefined || !isSemver(version)) return entry('error', 'BUTANE_VERSION_INVALID', undefined);
  if (variant === 'rhcos' && version === '0.1.0') return entry('error', 'BUTANE_RHCOS_REMOVED', undefined);
  return findFlavor(variant, version) ?? entry('error', 'BUTANE_NO_TRANSLATOR', undefined, variant, version);
}

/** Fills `pos` from the YAML tree: keys for unused-key warnings, values (or the deepest ancestor) otherwise. */
function correlate(report: Report, root: YamlNode | undefined): void {
  for (const e of report) {
    if (e.path === undefined || e.pos !== undefined) continue;
    const found = findYamlNode(root, e.path);
    if (found.complete && e.code === 'UNUSED_KEY' && found.keyPos !== undefined) e.pos = found.keyPos;
    else if (found.node !== undefined) e.pos = found.node.pos;
  }
}

/** Translates a Butane config. Never throws on bad input. */
export function transpile(text: string, options: TranspileOptions = {}): TranspileResult {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    // The message keeps yaml.v3's wording (what Butane prints); pos adds the column for reports.
    const error = entry('error', 'BUTANE_YAML', undefined, parsed.message);
    error.pos = parsed.pos;
    return { report: [], error };
  }
  const root = parsed.root;
  const flavor = selectFlavor(root);
  if (!('variant' in flavor)) return { report: [], error: flavor };

  const decoded = decodeSource(root, ROOT, flavor);
  if (decoded.fatal !== undefined) return { report: [], flavor, error: entry('error', 'BUTANE_YAML_TYPE', undefined, decoded.fatal) };
  if (decoded.typeErrors.length > 0) {
    return { report: [], flavor, error: entry('error', 'BUTANE_YAML_TYPE', undefined, `yaml: unmarshal errors:\n  ${decoded.typeErrors.join('\n  ')}`) };
  }
  const source = decoded.value;
  const report: Report = decoded.report;
  const ctx: Context = { flavor, filesDir: options.filesDir, report };
  const fail = (code: 'BUTANE_SOURCE_INVALID' | 'BUTANE_OUTPUT_INVALID'): TranspileResult => {
    correlate(report, root);
    return { report, flavor, error: entry('error', code, undefined) };
  };

  // Source validation.
  const bootDevice = flavor.fcos !== undefined && flavor.fcos >= 3 ? asObj(source.boot_device) : undefined;
  validateSource(source, ctx, bootDevice, mirrorDevices(bootDevice));
  if (isFatal(report)) return fail('BUTANE_SOURCE_INVALID');

  // Translation: the user's own config, then generated parents merged under it.
  let tracked: Tracked = translateBase(source, ROOT, ctx);
  applyTrees(asObj(source.storage)?.trees, tracked, ctx);
  applyQuadlets(asObj(source.systemd), tracked, ctx);
  const mapBack = (found: ProvisionError[]): void => {
    for (const e of found) {
      if (e.path !== undefined) e.path = sourceOf(tracked.set, e.path);
      report.push(e);
    }
  };
  const mergeParent = (parent: Tracked | undefined): void => {
    if (parent !== undefined) tracked = mergeTracked(parent, tracked);
  };
  mergeParent(generateMountUnits(asObj(source.storage), ctx));
  mergeParent(generateBootDevice(bootDevice));
  mapBack(fcosPartitionChecks(tracked.config, flavor));
  mergeParent(generateGrub(asObj(source.grub), ctx));
  if (flavor.variant === 'openshift' && options.raw === true) warnRawMode(source, ctx);
  if (isFatal(report)) return fail('BUTANE_SOURCE_INVALID');
  const config = tracked.config;
  config.ignition = { ...(asObj(config.ignition) ?? {}), version: flavor.spec };
  if (flavor.variant === 'openshift') applyFips(config, source, flavor.openshift as number);

  // Field filters, then the generated config as Ignition sees it, both mapped back to YAML.
  mapBack(filterFields(config, flavor));
  if (isFatal(report)) return fail('BUTANE_SOURCE_INVALID');
  mapBack(checkConfig(config));
  if (isFatal(report)) return fail('BUTANE_OUTPUT_INVALID');
  correlate(report, root);

  if (flavor.variant === 'openshift' && options.raw !== true) {
    // The MachineConfig embeds the config as upstream serialises it (omission rules included).
    const mc = machineConfig(JSON.parse(serializeConfig(config, { pretty: false, version: flavor.spec })) as Record<string, unknown>, source);
    return { config: config as Config, machineConfig: mc, output: emitMachineConfigYaml(mc), report, flavor };
  }
  const output = serializeConfig(config, { pretty: options.pretty === true, version: flavor.spec });
  return { config: config as Config, output, report, flavor };
}
