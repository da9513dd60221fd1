// Ignition configs embedded in ignition.config.merge/replace are validated like any config:
// inline ones always, local ones from base v0_7 on (as upstream). An unknown version only warns.

import { parseConfig } from '../src/config/index.ts';
import { entry, type ConfigPath } from '../src/report.ts';
import type { Context } from './context.ts';

/**
 * `at` is the `inline`/`local` key; `versionAt` is where upstream reports an unknown version.
 * Findings of the child are shown at `at` with the child's message.
 */
export function checkChildConfig(text: string, at: ConfigPath, versionAt: ConfigPath, ctx: Context): void {
  const parsed = parseConfig(text);
  if (parsed.failure?.code === 'VERSION_UNSUPPORTED') {
    ctx.report.push(entry('warning', 'CHILD_CONFIG_UNKNOWN_VERSION', versionAt));
    return;
  }
  const findings = parsed.failure === undefined ? parsed.report : [parsed.failure];
  for (const finding of findings) ctx.report.push(entry(finding.severity, 'BUTANE_INPUT_FAILED', at, finding.message));
}
