// The state one files-stage run threads through its steps: the context, the resume journal and
// the host paths it created (for the SELinux relabel at the end).

import { ProvisionError, type ConfigPath } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { describeError } from '../../system/log.ts';
import type { StageContext } from '../context.ts';
import type { Journal } from './journal.ts';

export interface FilesRun {
  ctx: StageContext;
  /** The resolved, absolute target root. */
  root: string;
  journal: Journal;
  /** Host paths of nodes this run created or replaced, for relabelling. */
  created: string[];
}

/** Wraps a failure of one step as the stage's single ProvisionError, blaming a config entry. */
export function stepError(step: string, path: ConfigPath | undefined, error: unknown): ProvisionError {
  if (ProvisionError.is(error)) {
    if (error.path === undefined && path !== undefined) error.path = path;
    return error;
  }
  return new ProvisionError({
    code: 'FILES_STEP_FAILED',
    message: messageFor('FILES_STEP_FAILED', step, describeError(error)),
    path,
    cause: error,
  });
}
