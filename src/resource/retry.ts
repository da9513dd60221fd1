// Ignition's retry loop: wait 200 ms after the first failed attempt, doubling up to 5 s, until the
// total deadline (0 = forever) or an attempt cap; then TIMEOUT or FETCH_FAILED. Every retry is
// logged with its reason. The clock and sleep come from the context.
import type { ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { describe, fetchError } from './errors.ts';
import { redact } from './url.ts';

export const firstBackoffMs = 200;
export const maxBackoffMs = 5_000;

/** What one attempt tells the loop: a value, or a retryable failure (non-retryable ones throw). */
export type Attempt<T> = { ok: true; value: T } | { ok: false; cause: unknown };

/** The waits between attempts: 200, 400, 800, ... capped at 5000 ms. */
export function backoff(attempt: number): number {
  return Math.min(firstBackoffMs * 2 ** Math.min(attempt - 1, 10), maxBackoffMs);
}

export interface RetryLimits {
  /** Over all attempts; 0 = retry forever. Default: the context's total timeout. */
  totalMs?: number;
  /** Give up (FETCH_FAILED) after this many attempts; default: only the deadline stops the loop. */
  maxAttempts?: number;
}

export async function withRetries<T>(
  ctx: FetchContext,
  path: ConfigPath,
  source: string,
  attempt: (n: number, headersTimeoutMs: number) => Promise<Attempt<T>>,
  limits: RetryLimits = {},
): Promise<T> {
  const totalMs = limits.totalMs ?? ctx.timeouts.totalMs;
  const maxAttempts = limits.maxAttempts ?? Infinity;
  const deadline = totalMs > 0 ? ctx.now() + totalMs : Infinity;
  let lastCause: unknown;
  for (let n = 1; ; n++) {
    ctx.signal?.throwIfAborted();
    const remaining = deadline - ctx.now();
    if (remaining <= 0) throw fetchError('TIMEOUT', path, source, lastCause);
    const perAttempt = ctx.timeouts.responseHeadersMs > 0 ? ctx.timeouts.responseHeadersMs : Infinity;
    const headersTimeout = Math.min(perAttempt, remaining);
    const result = await attempt(n, Number.isFinite(headersTimeout) ? Math.max(1, Math.ceil(headersTimeout)) : 0);
    if (result.ok) return result.value;
    lastCause = result.cause;
    if (n >= maxAttempts) throw fetchError('FETCH_FAILED', path, source, lastCause);
    const wait = backoff(n);
    if (ctx.now() + wait >= deadline) throw fetchError('TIMEOUT', path, source, lastCause);
    // Say why: "attempt #3" alone does not tell a refused connection from a 503.
    ctx.log(`retrying ${redact(source)} in ${wait} ms: ${describe(lastCause)}`);
    await interruptible(ctx.sleep(wait), ctx.signal);
  }
}

/** A backoff wait that ends early, rejecting, when the context's fetches are cancelled. */
function interruptible(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      reject,
    );
  });
}
