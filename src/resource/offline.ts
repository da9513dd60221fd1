// The one gate in front of every network operation. In fetch-offline the context is offline, and
// then nothing may open a connection, whoever asks: a config source, a provider, a status hook.
// Every module that opens sockets (http.ts, tftp.ts, src/providers/send.ts) passes here first, and
// test/architecture.test.ts keeps socket-opening imports to those modules. Upstream's offline
// fetcher answers ErrNeedNet the same way, before dialling.
import type { ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { fetchError } from './errors.ts';

/** Throws NEED_NET when the context is offline; the engine then asks for the network. */
export function requireOnline(ctx: FetchContext, source: string, path: ConfigPath = []): void {
  if (ctx.offline) throw fetchError('NEED_NET', path, source, undefined);
}

/** The smallest of the non-zero deadlines (0 = none); 0 when neither sets one. */
export function tighterDeadline(a: number, b: number | undefined): number {
  const limits = [a, b ?? 0].filter((ms) => ms > 0);
  return limits.length === 0 ? 0 : Math.min(...limits);
}
