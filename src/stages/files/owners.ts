// Owner and mode of a node, applied in upstream's order: owner first (lchown, so links keep their
// target untouched), then mode, so set-id bits survive the chown. An id wins over a name; names are
// looked up in the target root; neither set keeps the current owner.

import { chmodSync, lchownSync, lstatSync } from 'node:fs';
import { ProvisionError } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import type { Node } from '../context.ts';
import { findGroup, findUser } from '../../system/user-db.ts';

export interface Owner {
  uid: number | undefined;
  gid: number | undefined;
}

export async function resolveOwner(root: string, node: Node): Promise<Owner> {
  let uid: number | undefined;
  let gid: number | undefined;
  if (node.user?.id != null) uid = node.user.id;
  else if (node.user?.name != null && node.user.name !== '') {
    const found = await findUser(root, node.user.name);
    if (found === undefined) {
      throw new ProvisionError({ code: 'NO_SUCH_USER', message: messageFor('NO_SUCH_USER', node.user.name) });
    }
    uid = found.uid;
  }
  if (node.group?.id != null) gid = node.group.id;
  else if (node.group?.name != null && node.group.name !== '') {
    const found = await findGroup(root, node.group.name);
    if (found === undefined) {
      throw new ProvisionError({ code: 'NO_SUCH_GROUP', message: messageFor('NO_SUCH_GROUP', node.group.name) });
    }
    gid = found.gid;
  }
  return { uid, gid };
}

export async function applyOwnerAndMode(host: string, owner: Owner, mode: number | null | undefined, isLink = false): Promise<void> {
  if (owner.uid !== undefined || owner.gid !== undefined) {
    const stat = lstatSync(host);
    lchownSync(host, owner.uid ?? stat.uid, owner.gid ?? stat.gid);
  }
  if (mode != null && !isLink) chmodSync(host, mode & 0o7777);
}
