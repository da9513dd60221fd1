// Builds the ProvisionError of a failed fetch: catalogue message, then the redacted URL, then the
// cause in words, with the resource's JSON path. Also recognises errors that are already ours.
import { ProvisionError, type ConfigPath, type ErrorCode } from '../report.ts';
import { messageFor, type MessageArgs } from '../messages.ts';
import { redact } from './url.ts';

export function fetchError<C extends ErrorCode>(
  code: C,
  path: ConfigPath,
  source: string,
  cause: unknown,
  ...args: MessageArgs<C>
): ProvisionError {
  const detail = cause === undefined ? '' : `: ${describe(cause)}`;
  return new ProvisionError({
    code,
    path,
    message: `${messageFor(code, ...args)}: ${redact(source)}${detail}`,
    cause,
  });
}

/** One line for a cause, looking through undici/Node wrappers to the system error code. */
export function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown }).code;
  let text = cause.message || (typeof code === 'string' ? code : cause.name);
  if (typeof code === 'string' && !text.includes(code)) text = `${text} (${code})`;
  if (inner instanceof Error && !text.includes(inner.message)) text = `${text}: ${describe(inner)}`;
  return text;
}

/** Re-throws ProvisionErrors as they are; wraps anything else as FETCH_FAILED. */
export function asFetchError(error: unknown, path: ConfigPath, source: string): ProvisionError {
  return ProvisionError.is(error) ? error : fetchError('FETCH_FAILED', path, source, error);
}
