// Mount points the mount stage created inside a user's home belong to that user, mode 0700
// (ignition-spec.md §10.5 step 1): made before the user existed, they would otherwise stay root's
// and lock the user out of part of their own home. Entries in storage.* may override this later.

import { chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { isInsideRoot, relativeToRoot, resolveInRoot } from '../../system/path.ts';
import type { PasswdUser } from '../context.ts';
import { lstatOrNull } from './atomic-write.ts';
import { stepError, type FilesRun } from './files-run.ts';
import { findUser } from '../../system/user-db.ts';
import { isRoot } from '../../system/identity.ts';
import { recordMeta } from './undo.ts';


/** The created directories (relative to the root) that are the home `homeHost` or inside it. */
export function insideHome(root: string, homeHost: string, created: readonly string[]): string[] {
  return created.map((dir) => join(root, dir)).filter((host) => host === homeHost || host.startsWith(`${homeHost}/`));
}

export async function chownMountPoints(r: FilesRun, users: readonly PasswdUser[], created: readonly string[]): Promise<void> {
  if (created.length === 0) return;
  for (const [i, user] of users.entries()) {
    if (user.shouldExist === false) continue;
    try {
      const found = await findUser(r.root, user.name);
      if (found === undefined || found.home === '') continue;
      const home = await resolveInRoot(r.root, found.home, { followLast: true });
      for (const dir of insideHome(r.root, home, created)) {
        if (!isInsideRoot(r.root, dir) || lstatOrNull(dir)?.isDirectory() !== true) continue;
        await r.ctx.log.op('fixing ownership of mount point', relativeToRoot(r.root, dir), async () => {
          recordMeta(r, dir);
          if (isRoot()) chownSync(dir, found.uid, found.gid);
          chmodSync(dir, 0o700);
        });
      }
    } catch (error) {
      throw stepError(`failed to fix mount points of user "${user.name}"`, ['passwd', 'users', i], error);
    }
  }
}
