// One disks-stage step: logged as an operation, and any failure turned into exactly one
// ProvisionError that names the step and the config entry, keeping the tool's error as cause.
import { ProvisionError, type ConfigPath } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import type { Logger } from '../../system/log.ts';

export async function step<T>(log: Logger, what: string, target: string, path: ConfigPath, run: () => Promise<T>): Promise<T> {
  try {
    return await log.op(what, target, run);
  } catch (error) {
    // Errors this stage raised on purpose already carry their own code and path.
    if (ProvisionError.is(error) && error.code !== 'COMMAND_FAILED') {
      error.path ??= path;
      throw error;
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new ProvisionError({
      code: 'DISKS_STEP_FAILED',
      message: messageFor('DISKS_STEP_FAILED', `${what} "${target}"`, detail),
      path,
      cause: error,
    });
  }
}
