// The retry loop on its own, with a virtual clock: the backoff sequence, the deadline, and that
// non-retryable failures stop it at once.
import { describe, expect, test } from 'vitest';
import { createFetchContext } from '../../src/resource/context.ts';
import { backoff, withRetries } from '../../src/resource/retry.ts';
import { fakeClock } from './servers.ts';

describe('retries', () => {
  test('waits 200 ms, doubling, capped at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map(backoff)).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });

  test('with httpTotal 0 it keeps going until an attempt succeeds', async () => {
    const clock = fakeClock();
    const ctx = createFetchContext({ now: clock.now, sleep: clock.sleep, timeouts: { responseHeadersMs: 10_000, totalMs: 0 } });
    const seen: number[] = [];
    const value = await withRetries(ctx, [], 'http://x/', async (n) => {
      seen.push(n);
      return n < 30 ? { ok: false, cause: new Error('down') } : { ok: true, value: 'up' };
    });
    expect(value).toBe('up');
    expect(seen).toHaveLength(30);
    expect(clock.slept.slice(-3)).toEqual([5000, 5000, 5000]);
  });

  test('the per-attempt headers timeout never exceeds what is left of httpTotal', async () => {
    const clock = fakeClock();
    const ctx = createFetchContext({ now: clock.now, sleep: clock.sleep, timeouts: { responseHeadersMs: 10_000, totalMs: 1_000 } });
    const timeouts: number[] = [];
    const error = await withRetries(ctx, ['p'], 'http://x/', async (_n, headersTimeout) => {
      timeouts.push(headersTimeout);
      return { ok: false, cause: new Error('down') };
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', path: ['p'] });
    expect(timeouts).toEqual([1000, 800, 400]);
  });

  test('a thrown failure ends the loop without waiting', async () => {
    const clock = fakeClock();
    const ctx = createFetchContext({ now: clock.now, sleep: clock.sleep });
    await expect(withRetries(ctx, [], 'x', async () => Promise.reject(new Error('fatal')))).rejects.toThrow('fatal');
    expect(clock.slept).toEqual([]);
  });
});
