// The files stage (ignition-spec.md §10.5) in upstream's order: groups, users and SSH keys (and the
// mount points in their homes); files, directories and links; systemd units and presets; crypttab
// and LUKS keys; the result file; the SELinux relabel. A run killed anywhere and started again
// resumes from its journal and ends in the same tree.

import { unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resolveInRoot } from '../../system/path.ts';
import type { Config, Stage } from '../context.ts';
import { forgetKnownDirs, mkdirParents, sweepTemps } from './atomic-write.ts';
import { writeCrypttab, type CrypttabLuks } from './crypttab.ts';
import type { FilesRun } from './files-run.ts';
import { JOURNAL_PATH, openJournal } from './journal.ts';
import { chownMountPoints } from './mount-points.ts';
import { createNodes } from './nodes.ts';
import { ensureGroups, ensureUsers } from './passwd.ts';
import { readPreviousResult, writeResultFile } from './result-file.ts';
import { relabel } from './relabel.ts';
import { createUnits } from './units.ts';

/** Lock files the shadow tools leave behind when killed; a resumed run would wait on them forever. */
const SHADOW_LOCKS = ['passwd', 'group', 'shadow', 'gshadow', 'subuid', 'subgid'].map((name) => `/etc/${name}.lock`);

async function cleanUpAfterKill(r: FilesRun, config: Config): Promise<void> {
  for (const lock of SHADOW_LOCKS) await unlink(await resolveInRoot(r.root, lock)).catch(() => undefined);
  const dirs = new Set<string>(['/etc']);
  const storage = config.storage;
  for (const node of [...(storage?.files ?? []), ...(storage?.directories ?? []), ...(storage?.links ?? [])]) {
    dirs.add(dirname(node.path));
  }
  for (const dir of dirs) await sweepTemps(await resolveInRoot(r.root, dir, { followLast: true }));
}

/**
 * True when a files stage was killed in `root` and must be run again to finish: the engine
 * should not skip the stage as already provisioned while this holds.
 */
export async function filesStageInterrupted(root: string): Promise<boolean> {
  const journal = await openJournal(await resolveInRoot(resolve(root), JOURNAL_PATH));
  return journal.resumed;
}

export const filesStage: Stage = async (config, ctx) => {
  const root = resolve(ctx.root);
  forgetKnownDirs();
  const journalHost = await resolveInRoot(root, JOURNAL_PATH);
  await mkdirParents(root, dirname(journalHost));
  const journal = await openJournal(journalHost);
  const r: FilesRun = { ctx, root, journal, created: [] };
  let previous: string | null;
  if (journal.start !== undefined) {
    ctx.log.info('resuming an interrupted files stage');
    previous = journal.start.previousResult;
    await cleanUpAfterKill(r, config);
  } else {
    previous = await readPreviousResult(root);
    await journal.add({ kind: 'start', previousResult: previous });
  }
  await ensureGroups(r, config.passwd?.groups ?? []);
  await ensureUsers(r, config.passwd?.users ?? []);
  await chownMountPoints(r, config.passwd?.users ?? [], ctx.previous?.createdDirectories ?? []);
  // userdel --remove and useradd change directories behind the stage's back.
  forgetKnownDirs();
  await createNodes(r, config.storage);
  await createUnits(r, config.systemd?.units ?? []);
  const luks = ctx.previous?.luks ?? [];
  await writeCrypttab(r, (config.storage?.luks ?? []) as unknown as CrypttabLuks[], luks);
  await writeResultFile(r, previous);
  await relabel(r);
  await journal.finish();
  // Stored in the root now, the keys leave the state file, as upstream drops them from its state.
  if (luks.some((record) => record.key !== undefined)) return { luks: luks.map(({ name, uuid }) => ({ name, uuid })) };
  return undefined;
};
