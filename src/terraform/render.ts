// The ct_config render: what poseidon/terraform-provider-ct v0.14 does, byte for byte, for every
// input it accepts, and more where it stops.
//
// ct's path: Butane translation of `content`; a parse of the result with Ignition's v3_4 package
// (older specs translated up to 3.4.0); each snippet translated, parsed the same way and merged
// onto it in order with Ignition's merge rules; then Go's encoding/json of the v3_4 structs
// (every struct present even when empty, HTML escaping, MarshalIndent with two spaces for
// pretty_print, no trailing newline). `id` is the CRC-32 of the result.
//
// Beyond ct: parts whose Butane version targets a spec newer than 3.4.0 (fcos 1.6+, flatcar
// 1.2.0-experimental, ...) are accepted; every part is then translated to the newest spec among
// them and the output is that spec. When no part is newer than 3.4.0 the output stays ct's 3.4.0.
// Every finding of every part comes back (ct stops at the first failure), tagged with the
// argument it came from.

import { transpile } from '../../transpiler/index.ts';
import { crc32 } from '../config/crc32.ts';
import { mergeConfigs } from '../config/merge.ts';
import { serializeConfig } from '../config/serialize.ts';
import { translateUp } from '../config/translate.ts';
import { compareVersions, type SpecVersion } from '../config/versions.ts';
import { entry, isFatal, type ProvisionError } from '../report.ts';
import { argumentLabel } from './diagnostics.ts';

/** The spec ct renders; the floor of every output. */
export const CT_SPEC: SpecVersion = '3.4.0';

export interface RenderInput {
  content: string;
  snippets: readonly string[];
  strict: boolean;
  prettyPrint: boolean;
  /** Local files (`local`, `*_local`, `trees`) are read only below this directory; none without it. */
  filesDir?: string;
}

/** Which argument a finding belongs to. */
export type Argument = { name: 'content' } | { name: 'snippets'; index: number };

export interface Finding {
  argument: Argument;
  entry: ProvisionError;
}

export interface RenderResult {
  rendered?: string;
  id?: string;
  findings: Finding[];
}

interface Part {
  argument: Argument;
  config: Record<string, unknown>;
  spec: SpecVersion;
}

/** Translates one Butane document; its findings go to `findings`. */
function translatePart(text: string, argument: Argument, input: RenderInput, findings: Finding[]): Part | undefined {
  const result = transpile(text, { filesDir: input.filesDir, raw: true });
  for (const found of result.report) findings.push({ argument, entry: found });
  if (result.error !== undefined || result.output === undefined || result.flavor === undefined) {
    let error = result.error ?? entry('error', 'INTERNAL', undefined, 'transpile produced no output');
    if (argument.name === 'snippets' && error.code === 'BUTANE_VARIANT_MISSING') {
      error = entry('error', 'CT_SNIPPET_VARIANT_MISSING', undefined, error.message);
    }
    // "source config is invalid" adds nothing to the positioned errors it sums up.
    if (!isFatal(result.report)) findings.push({ argument, entry: error });
    return undefined;
  }
  if (input.strict && result.report.length > 0) {
    const where = argumentLabel(argument);
    findings.push({ argument, entry: entry('error', 'CT_STRICT', undefined, where) });
    return undefined;
  }
  // Ignition parses what Butane printed: absent and empty values are what the JSON says.
  return { argument, config: JSON.parse(result.output) as Record<string, unknown>, spec: result.flavor.spec };
}

/** The decimal CRC-32/IEEE of the text's UTF-8 bytes, ct's `id`. */
export function renderedId(rendered: string): string {
  return String(crc32(Buffer.from(rendered, 'utf8')));
}

export function renderCtConfig(input: RenderInput): RenderResult {
  const findings: Finding[] = [];
  const parts: Part[] = [];
  const texts: [string, Argument][] = [
    [input.content, { name: 'content' }],
    ...input.snippets.map((text, index): [string, Argument] => [text, { name: 'snippets', index }]),
  ];
  for (const [text, argument] of texts) {
    const part = translatePart(text, argument, input, findings);
    if (part !== undefined) parts.push(part);
  }
  if (parts.length < texts.length) return { findings };

  const target = parts.reduce<SpecVersion>((newest, part) => (compareVersions(part.spec, newest) > 0 ? part.spec : newest), CT_SPEC);
  const configs = parts.map((part) => translateUp(part.config, part.spec, { to: target, inPlace: true }));
  const merged = configs.slice(1).reduce((parent, child) => mergeConfigs(parent, child), configs[0] as object);
  const rendered = serializeConfig(merged, { pretty: input.prettyPrint, version: target, style: 'ignition' });
  return { rendered, id: renderedId(rendered), findings };
}
