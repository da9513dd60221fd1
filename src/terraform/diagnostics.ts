// Terraform diagnostics from Kindling's report entries. Terraform prints the summary, the detail
// and, from the attribute path, the argument in the user's HCL (`content`, `snippets[1]`). The
// detail says where in that argument's YAML the finding is: line:col, the config path and the line
// itself, since the HCL position alone points at a whole heredoc.

import { formatPath, type ProvisionError } from '../report.ts';
import type { Argument, Finding } from './render.ts';

export const SEVERITY_ERROR = 1;
export const SEVERITY_WARNING = 2;

export type AttributeStep = { attribute_name: string } | { element_key_int: number } | { element_key_string: string };

export interface Diagnostic {
  severity: typeof SEVERITY_ERROR | typeof SEVERITY_WARNING;
  summary: string;
  detail: string;
  attribute?: { steps: AttributeStep[] };
}

/** A path of attribute names and list indexes as Terraform's AttributePath. */
export function attributePath(path: readonly (string | number)[]): { steps: AttributeStep[] } {
  return { steps: path.map((step) => (typeof step === 'number' ? { element_key_int: step } : { attribute_name: step })) };
}

export function argumentLabel(argument: Argument): string {
  return argument.name === 'content' ? 'content' : `snippets[${argument.index}]`;
}

function argumentPath(argument: Argument): (string | number)[] {
  return argument.name === 'content' ? ['content'] : ['snippets', argument.index];
}

function location(found: ProvisionError, label: string, source: string | undefined): string {
  const parts = [label];
  if (found.pos !== undefined) parts[0] += `:${found.pos.line}:${found.pos.col}`;
  if (found.path !== undefined && found.path.length > 0) parts.push(`at ${formatPath(found.path)}`);
  let text = parts.join(' ');
  const line = found.pos === undefined ? undefined : source?.split('\n')[found.pos.line - 1];
  if (line !== undefined && line.trim() !== '') text += `\n\n  ${found.pos?.line} | ${line}`;
  return text;
}

/** One diagnostic per finding; `sources` gives each argument's text for the line excerpt. */
export function findingDiagnostics(findings: readonly Finding[], sourceOf: (argument: Argument) => string | undefined): Diagnostic[] {
  return findings.map(({ argument, entry }) => ({
    severity: entry.severity === 'error' ? SEVERITY_ERROR : SEVERITY_WARNING,
    summary: entry.message,
    detail: location(entry, argumentLabel(argument), sourceOf(argument)),
    attribute: attributePath(argumentPath(argument)),
  }));
}

export function errorDiagnostic(summary: string, detail: string, path?: readonly (string | number)[]): Diagnostic {
  return { severity: SEVERITY_ERROR, summary, detail, ...(path === undefined ? {} : { attribute: attributePath(path) }) };
}
