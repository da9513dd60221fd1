// SELinux relabel of what the stage created, when the distro enables it: upstream runs setfiles
// over every created path with the root's policy, and fails after the writes when the root's
// /etc/selinux/config is missing or names no SELINUXTYPE (which the plan step now finds first).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { describeError } from '../../system/log.ts';
import { relativeToRoot } from '../../system/path.ts';
import type { FilesRun } from './files-run.ts';

/** The root's SELinux policy type; fails with upstream's wording when the config is missing or names none. */
export async function selinuxType(root: string): Promise<string> {
  let config: string;
  try {
    config = readFileSync(join(root, 'etc/selinux/config'), 'utf8');
  } catch (error) {
    throw new ProvisionError({
      code: 'FILES_STEP_FAILED',
      message: messageFor('FILES_STEP_FAILED', 'failed to handle relabeling', `failed to open /etc/selinux/config: ${describeError(error)}`),
      cause: error,
    });
  }
  const type = /^SELINUXTYPE=(.*)$/m.exec(config)?.[1]?.trim();
  if (type === undefined || type === '') {
    throw new ProvisionError({
      code: 'FILES_STEP_FAILED',
      message: messageFor('FILES_STEP_FAILED', 'failed to handle relabeling', "didn't find SELINUXTYPE in /etc/selinux/config"),
    });
  }
  return type;
}

export async function relabel(r: FilesRun): Promise<void> {
  if (!r.ctx.distro.selinuxRelabel || r.created.length === 0) return;
  const type = await selinuxType(r.root);
  // Every path must lie in the root; setfiles takes them as host paths next to -r.
  const paths = [...new Set(r.created)].filter((host) => relativeToRoot(r.root, host) !== '');
  const contexts = join(r.root, 'etc/selinux', type, 'contexts/files/file_contexts');
  await r.ctx.log.op(`relabeling ${paths.length} patterns`, '', () =>
    r.ctx.exec(r.ctx.tools.setfiles, ['-vF0', '-r', r.root, contexts, '-f', '-'], { input: paths.map((p) => `${p}\0`).join('') }).then(() => undefined),
  );
}
