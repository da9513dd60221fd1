// Bare metal has no config of its own: it comes from ignition.config.url or a local user.ign,
// which the source order (sources.ts) tries before any platform.
import type { Provider } from './types.ts';

export const metal: Provider = {
  id: 'metal',
  async fetchConfig() {
    return undefined;
  },
};

/** Flatcar's legacy OEM platforms that never had a config source of their own. */
export function noConfigPlatform(id: string): Provider {
  return { id, fetchConfig: async () => undefined };
}
