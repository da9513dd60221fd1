// Status and check-in hooks run under one deadline for the whole hook, not per request: a hook
// makes several exchanges (Packet reads its metadata, then posts), and it reports on a boot that
// must not wait on it. When the deadline passes, in-flight requests are cancelled through the
// context's signal and the hook fails with TIMEOUT; callers treat that as a failed report.
import type { FetchContext } from '../resource/context.ts';
import { fetchError } from '../resource/errors.ts';
import { tighterDeadline } from '../resource/offline.ts';
import type { ProviderContext } from './types.ts';

/** The status hook after each runner stage: 30 s, or the fetch timeout when that is shorter. */
export const STATUS_DEADLINE_MS = 30_000;
/** `kindling metadata --check-in` (Azure ready report, Scaleway state, Packet phone-home). */
export const CHECK_IN_DEADLINE_MS = 120_000;

export async function withDeadline<T>(ctx: ProviderContext, deadlineMs: number, what: string, hook: (ctx: ProviderContext) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const signal = ctx.fetch.signal === undefined ? controller.signal : AbortSignal.any([ctx.fetch.signal, controller.signal]);
  const fetch: FetchContext = {
    ...ctx.fetch,
    signal,
    timeouts: {
      responseHeadersMs: tighterDeadline(ctx.fetch.timeouts.responseHeadersMs, deadlineMs),
      totalMs: tighterDeadline(ctx.fetch.timeouts.totalMs, deadlineMs),
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = fetchError('TIMEOUT', [], what, new Error(`the hook did not finish within ${deadlineMs} ms`));
      controller.abort(error);
      reject(error);
    }, deadlineMs);
  });
  try {
    return await Promise.race([hook({ ...ctx, fetch }), expired]);
  } finally {
    clearTimeout(timer);
  }
}
