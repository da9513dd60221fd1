// Parsing a config the runner fetched: every report entry goes to the log, and a config that does
// not parse or has an error stops the stage with one ProvisionError naming where it came from.

import { parseConfig, type Config } from '../config/index.ts';
import { entry, formatIgnitionLine, isFatal, ProvisionError } from '../report.ts';

export function parseOrThrow(text: string, source: string, log: (line: string) => void): Config {
  const result = parseConfig(text);
  if (result.failure !== undefined) {
    throw entry('error', 'CONFIG_UNPARSEABLE', undefined, source, result.failure.message);
  }
  for (const finding of result.report) log(formatIgnitionLine(finding));
  if (isFatal(result.report) || result.config === undefined) {
    const first = result.report.find((e) => e.severity === 'error');
    throw new ProvisionError({
      code: 'CONFIG_INVALID',
      message: `${entry('error', 'CONFIG_INVALID', undefined, source).message}: ${first === undefined ? 'unknown error' : formatIgnitionLine(first)}`,
      path: first?.path,
      pos: first?.pos,
      cause: result.report,
    });
  }
  return result.config;
}
