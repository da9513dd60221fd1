// Platforms Kindling knows by id but cannot fetch from: Apple Hypervisor (HTTP over AF_VSOCK,
// which Node cannot open) and z/VM (reader spool files through vmur). They fail clearly instead
// of pretending there is no config.
import { entry } from '../report.ts';
import type { Provider } from './types.ts';

export function unsupportedPlatform(id: string, why: string): Provider {
  return {
    id,
    async fetchConfig() {
      throw entry('error', 'PLATFORM_UNSUPPORTED', undefined, id, why);
    },
  };
}
