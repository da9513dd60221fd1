// Racing config sources (OpenStack, CloudStack, KubeVirt): the first source that gives a definite
// answer, a config or "none here", wins; sources that fail drop out. The losers are stopped at
// their next wait, so a retry loop of the fetcher does not outlive the race.
import { closeHttp } from '../resource/http.ts';
import type { FetchedConfig, ProviderContext } from './types.ts';

/**
 * A racer answers a config, `null` for "definitely nothing here", or throws to drop out. Pollers
 * give up once `stopped()`: the race is decided, or every other racer has dropped out.
 */
export type Racer = (ctx: ProviderContext, stopped: () => boolean) => Promise<FetchedConfig | null>;

const CANCELLED = Symbol('kindling.raceCancelled');

function cancelled(): Error {
  return Object.assign(new Error('race already decided'), { [CANCELLED]: true });
}

export async function race(ctx: ProviderContext, racers: readonly Racer[]): Promise<FetchedConfig | undefined> {
  let settled = false;
  const failed = new Set<number>();
  const stoppedFor = (index: number) => () => settled || racers.every((_, j) => j === index || failed.has(j));
  const fetch = {
    ...ctx.fetch,
    sleep: async (ms: number) => {
      if (settled) throw cancelled();
      await ctx.fetch.sleep(ms);
      if (settled) throw cancelled();
    },
  };
  const raceCtx: ProviderContext = { ...ctx, fetch };
  const errors: unknown[] = [];
  try {
    return await new Promise<FetchedConfig | undefined>((resolve) => {
      let pending = racers.length;
      racers.forEach((racer, index) => {
        racer(raceCtx, stoppedFor(index)).then(
          (result) => {
            if (!settled) {
              settled = true;
              resolve(result ?? undefined);
            }
          },
          (error: unknown) => {
            failed.add(index);
            if ((error as Record<symbol, unknown>)[CANCELLED] !== true) errors.push(error);
            if (--pending === 0 && !settled) {
              settled = true;
              for (const e of errors) ctx.device.log.warning(`config source failed: ${(e as Error).message ?? String(e)}`);
              ctx.device.log.info('no config source answered; continuing without a user config');
              resolve(undefined);
            }
          },
        );
      });
    });
  } finally {
    settled = true;
    // Not awaited: closing waits for a loser's in-flight request, which may hang until its timeout.
    closeHttp(fetch).catch(() => {});
  }
}
