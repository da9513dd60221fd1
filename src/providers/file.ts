// The `file` platform for development and tests: $IGNITION_CONFIG_FILE, or config.ign in the
// current directory. A missing file is an error, as upstream: this platform is chosen on purpose.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { entry } from '../report.ts';
import type { Provider } from './types.ts';

export const file: Provider = {
  id: 'file',
  async fetchConfig(ctx) {
    const name = ctx.env.IGNITION_CONFIG_FILE;
    const path = resolve(name === undefined || name === '' ? 'config.ign' : name);
    try {
      return { text: readFileSync(path, 'utf8'), source: path };
    } catch (error) {
      throw entry('error', 'FILE_CONFIG_READ_FAILED', undefined, path, (error as Error).message);
    }
  },
};
