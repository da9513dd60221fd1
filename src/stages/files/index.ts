// The files stage (ignition-spec.md §10.5) in upstream's order: groups, users and SSH keys (and the
// mount points in their homes); files, directories and links (those the shadow tools cannot touch
// written while the tools run, see tool-free-nodes.ts); systemd units and presets; crypttab
// and LUKS keys; the result file; the SELinux relabel. A plan step first rejects every config the
// root already decides against, before anything is written; a run that fails later rolls back to
// the tree it found. A run killed anywhere and started again resumes from its journal (or finishes
// the rollback it was killed in) and ends in the same tree.

import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { unlink } from '../../system/fs-async.ts';
import { relativeToRoot, resolveInRoot } from '../../system/path.ts';
import type { Config, Stage } from '../context.ts';
import { forgetKnownDirs, mkdirParents, sweepTemps } from './atomic-write.ts';
import { writeCrypttab, type CrypttabLuks } from './crypttab.ts';
import { stepError, type FilesRun } from './files-run.ts';
import { JOURNAL_PATH, openJournal, type Journal } from './journal.ts';
import { chownMountPoints } from './mount-points.ts';
import { createNodes } from './nodes.ts';
import { ensureGroups, ensureUsers } from './passwd.ts';
import { readPreviousResult, writeResultFile } from './result-file.ts';
import { relabel } from './relabel.ts';
import { createUnits } from './units.ts';
import { planFilesStage } from './plan.ts';
import { writeToolFreeNodes, type EarlyNode, type EarlyRun } from './tool-free-nodes.ts';
import { dropBackups, missingDirs, rollBack } from './undo.ts';

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

/** Opens a new journal, making (and noting) the directories it needs. */
async function newJournal(root: string, journalHost: string, previous: string | null): Promise<Journal> {
  const dirs = missingDirs(root, dirname(journalHost));
  const undo = (): void => dirs.reverse().forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  let journal: Journal | undefined;
  try {
    mkdirParents(root, dirname(journalHost));
    journal = await openJournal(journalHost);
    await journal.add({ kind: 'start', previousResult: previous, dirs: dirs.map((dir) => relativeToRoot(root, dir)) });
    return journal;
  } catch (error) {
    // A full or read-only root: nothing of the run is there yet but the journal and its parents.
    await journal?.finish().catch(() => undefined);
    undo();
    throw stepError(`failed to start the journal ${JOURNAL_PATH}`, undefined, error);
  }
}

async function provision(r: FilesRun, config: Config, previous: string | null): Promise<void> {
  const { ctx } = r;
  const groups = config.passwd?.groups ?? [];
  const users = config.passwd?.users ?? [];
  const early: EarlyRun = { stop: false };
  const accounts = (async (): Promise<void> => {
    try {
      await ensureGroups(r, groups);
      await ensureUsers(r, users);
      await chownMountPoints(r, users, ctx.previous?.createdDirectories ?? []);
    } finally {
      early.stop = true;
    }
  })();
  // The nodes no shadow tool touches are written while the tools run; a failure of either side
  // waits for the other, so the rollback sees every change.
  const written = groups.length + users.length > 0 ? writeToolFreeNodes(r, config, early) : Promise.resolve(new Map<number, EarlyNode>());
  const [outcome, done] = await Promise.all([accounts.then(() => undefined, (error: unknown) => ({ error })), written]);
  if (outcome !== undefined) throw outcome.error;
  // userdel --remove and useradd change directories behind the stage's back.
  forgetKnownDirs();
  await createNodes(r, config.storage, done);
  await createUnits(r, config.systemd?.units ?? []);
  await writeCrypttab(r, (config.storage?.luks ?? []) as unknown as CrypttabLuks[], ctx.previous?.luks ?? []);
  await writeResultFile(r, previous);
  await relabel(r);
}

export const filesStage: Stage = async (config, ctx) => {
  const root = resolve(ctx.root);
  forgetKnownDirs();
  const journalHost = await resolveInRoot(root, JOURNAL_PATH);
  let journal = await openJournal(journalHost);
  let r: FilesRun = { ctx, root, journal, created: [] };
  if (journal.rollingBack) {
    // Killed while undoing a failed run: finish the undo, then run as if for the first time.
    ctx.log.info('finishing the rollback of an interrupted files stage');
    await cleanUpAfterKill(r, config);
    await rollBack(r);
    forgetKnownDirs();
    journal = await openJournal(journalHost);
    // Still there: an undo step failed again (logged); starting over now would mix two runs.
    if (journal.resumed) throw stepError('finishing the rollback of an interrupted files stage', undefined, new Error('undo steps failed'));
  }
  let previous: string | null;
  if (journal.start !== undefined) {
    ctx.log.info('resuming an interrupted files stage');
    previous = journal.start.previousResult;
    r = { ctx, root, journal, created: [] };
    await cleanUpAfterKill(r, config);
  } else {
    // Everything the config and the root already decide fails here, before the first write.
    await planFilesStage(root, config, ctx).catch((error: unknown) => {
      throw stepError('planning the files stage', undefined, error);
    });
    previous = await readPreviousResult(root);
    journal = await newJournal(root, journalHost, previous);
    r = { ctx, root, journal, created: [] };
  }
  try {
    await provision(r, config, previous);
  } catch (error) {
    const undone = await rollBack(r);
    ctx.log.notice(`files stage failed; rolled back ${undone} changes`);
    throw stepError('files stage', undefined, error);
  }
  await dropBackups(r);
  await journal.finish();
  // Stored in the root now, the keys leave the state file, as upstream drops them from its state.
  const luks = ctx.previous?.luks ?? [];
  if (luks.some((record) => record.key !== undefined)) return { luks: luks.map(({ name, uuid }) => ({ name, uuid })) };
  return undefined;
};
