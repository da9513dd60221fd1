// SSH keys go to ~/.ssh/authorized_keys.d/ignition (or ~/.ssh/authorized_keys when the distro says
// so), with the home directory taken from the target root's passwd. Directories the stage makes
// there are 0700 and the file 0600, all owned by the user and their primary group, as upstream.

import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { resolveInRoot } from '../../system/path.ts';
import { lstatOrNull, writeAtomic } from './atomic-write.ts';
import { preserve, recordCreated } from './undo.ts';
import type { FilesRun } from './files-run.ts';
import { findUser } from '../../system/user-db.ts';
import { isRoot } from '../../system/identity.ts';


/**
 * Creates the directories below an existing home, 0700 and owned by the user. Upstream creates
 * them as the user, so a missing home (whose parent the user cannot write) fails there too.
 */
async function mkdirOwned(r: FilesRun, home: string, sub: readonly string[], uid: number, gid: number): Promise<string> {
  let current = await resolveInRoot(r.root, home, { followLast: true });
  if (lstatOrNull(current)?.isDirectory() !== true) {
    throw new ProvisionError({
      code: 'FILES_STEP_FAILED',
      message: messageFor('FILES_STEP_FAILED', 'failed to set SSH key', `home directory ${home} does not exist`),
    });
  }
  const chain: string[] = [];
  for (const part of sub) {
    current = join(current, part);
    chain.push(current);
  }
  for (const dir of chain) {
    const stat = lstatOrNull(dir);
    if (stat !== null) {
      if (!stat.isDirectory()) {
        throw new ProvisionError({
          code: 'FILES_STEP_FAILED',
          message: messageFor('FILES_STEP_FAILED', 'creating ssh directory', `${dir} is not a directory`),
        });
      }
      continue;
    }
    recordCreated(r, dir);
    mkdirSync(dir);
    chmodSync(dir, 0o700);
    if (isRoot()) chownSync(dir, uid, gid);
  }
  return current;
}

export async function writeSshKeys(r: FilesRun, name: string, keys: readonly string[]): Promise<void> {
  const user = await findUser(r.root, name);
  if (user === undefined) {
    throw new ProvisionError({ code: 'NO_SUCH_USER', message: messageFor('NO_SUCH_USER', name) });
  }
  const fragment = r.ctx.distro.writeAuthorizedKeysFragment;
  const dir = await mkdirOwned(r, user.home, fragment ? ['.ssh', 'authorized_keys.d'] : ['.ssh'], user.uid, user.gid);
  const target = join(dir, fragment ? 'ignition' : 'authorized_keys');
  const content = Buffer.from(`${keys.join('\n')}\n`);
  preserve(r, target);
  await writeAtomic({
    target,
    mode: 0o600,
    keepOwnerFrom: { uid: user.uid, gid: user.gid, mode: 0o600 },
    pieces: async function* () {
      yield content;
    },
  });
  r.created.push(target);
}
