// The semantic validation of one decoded config (ignition-spec.md §4): upstream's walk, where each
// object is checked before its children and children come in Go struct field order, followed by
// the duplicate check. Pure: a Report out, never an exception.

import { entry, type ConfigPath, type Report } from '../../report.ts';
import type { SpecVersion } from '../versions.ts';
import { items, obj, type Obj, type RuleContext } from './context.ts';
import { checkDisk } from './disks.ts';
import { checkDuplicates } from './duplicates.ts';
import { checkFilesystem, checkFilesystemsAgainstDisks } from './filesystems.ts';
import { checkLuks } from './luks.ts';
import { checkDirectory, checkFile, checkLink, checkNodesAgainstLinks } from './nodes.ts';
import { checkRaid } from './raid.ts';
import { checkSystemd } from './systemd.ts';
import { checkIgnition, checkSystemdConflicts } from './top-level.ts';

type Check = (ctx: RuleContext, value: Obj, path: ConfigPath) => void;

/** Storage.Validate (cross-list checks), then each list in Go field order. */
function checkStorage(ctx: RuleContext, storage: Obj): void {
  checkNodesAgainstLinks(ctx, storage);
  checkFilesystemsAgainstDisks(ctx, storage);
  const each = (field: string, check: Check): void =>
    items(storage[field]).forEach((value, i) => check(ctx, obj(value), ['storage', field, i]));
  each('directories', checkDirectory);
  each('disks', checkDisk);
  each('files', checkFile);
  each('filesystems', checkFilesystem);
  each('links', checkLink);
  each('luks', checkLuks);
  each('raid', checkRaid);
}

/** All semantic errors and warnings of a type-correct config of `version`, in upstream's order. */
export function validateSemantics(config: Record<string, unknown>, version: SpecVersion): Report {
  const ctx: RuleContext = { version, report: [] };
  try {
    checkSystemdConflicts(ctx, config);
    checkIgnition(ctx, obj(config.ignition));
    // kernelArguments and passwd have no rules of their own, only duplicates.
    checkStorage(ctx, obj(config.storage));
    checkSystemd(ctx, obj(config.systemd));
    checkDuplicates(ctx, config);
  } catch (cause) {
    ctx.report.push(entry('error', 'INTERNAL', [], `semantic validation failed: ${String(cause)}`));
  }
  return ctx.report;
}
