// /etc/crypttab and the LUKS key files (ignition-spec.md §10.5 step 4): one line appended per luks
// entry, with the UUID the disks stage recorded; volumes without clevis get their key, handed over
// in the state file, at /etc/luks/<name>. Key material is written, never logged.

import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { entry, ProvisionError, type ConfigPath } from '../../report.ts';
import { messageFor } from '../../messages.ts';
import { resolveInRoot } from '../../system/path.ts';
import type { LuksRecord } from '../context.ts';
import { chownRoot, fileStamp, lstatOrNull, writeAtomic } from './atomic-write.ts';
import { stepError, type FilesRun } from './files-run.ts';
import { firstTouch, makeParents, preserve, recordCreated } from './undo.ts';

type Opt<T> = T | null | undefined;

/** The files stage's view of a storage.luks entry: only what decides its crypttab line. */
export interface CrypttabLuks {
  name: string;
  clevis?: Opt<{
    tang?: Opt<unknown[]>;
    tpm2?: Opt<boolean>;
    custom?: Opt<{ pin?: Opt<string>; needsNetwork?: Opt<boolean> }>;
  }>;
}

export const CRYPTTAB = '/etc/crypttab';
export const LUKS_KEY_DIR = '/etc/luks';

/** Clevis binds the volume (so no key file is kept) when any pin is configured. */
export function usesClevis(luks: CrypttabLuks): boolean {
  const clevis = luks.clevis;
  if (clevis == null) return false;
  return (clevis.tang ?? []).length > 0 || clevis.tpm2 === true || (clevis.custom?.pin ?? '') !== '';
}

/** Tang servers, or a custom pin that says so, need the network before the volume can open. */
export function needsNetwork(luks: CrypttabLuks): boolean {
  const clevis = luks.clevis;
  if (clevis == null) return false;
  return (clevis.tang ?? []).length > 0 || clevis.custom?.needsNetwork === true;
}

export function keyFilePath(name: string): string {
  return join(LUKS_KEY_DIR, name);
}

/**
 * The line as Ignition 2.26 writes it. `discard` and `openOptions` need nothing here: the disks
 * stage opened the volume with `--persistent`, which stores them in the LUKS2 header.
 */
export function crypttabLine(luks: CrypttabLuks, uuid: string): string {
  const key = usesClevis(luks) ? 'none' : keyFilePath(luks.name);
  return `${luks.name} UUID=${uuid} ${key} luks${needsNetwork(luks) ? ',_netdev' : ''}\n`;
}

interface Planned {
  luks: CrypttabLuks;
  at: ConfigPath;
  record: LuksRecord;
}

export function planLuks(volumes: readonly CrypttabLuks[], records: readonly LuksRecord[]): Planned[] {
  return volumes.map((luks, i) => {
    const at: ConfigPath = ['storage', 'luks', i];
    const record = records.find((r) => r.name === luks.name);
    if (record === undefined) throw entry('error', 'LUKS_NOT_RECORDED', at, luks.name);
    if (!usesClevis(luks) && record.key === undefined) throw entry('error', 'LUKS_KEY_NOT_RECORDED', at, luks.name);
    return { luks, at, record };
  });
}

/** /etc/luks is made 0700 when missing; an existing directory is left as it is, as upstream does. */
async function ensureKeyDirectory(r: FilesRun): Promise<void> {
  const host = await resolveInRoot(r.root, LUKS_KEY_DIR);
  const stat = lstatOrNull(host);
  if (stat?.isDirectory() === true) return;
  if (stat !== null) {
    throw new ProvisionError({ code: 'NON_DIRECTORY_EXISTS', message: messageFor('NON_DIRECTORY_EXISTS', host) });
  }
  makeParents(r, dirname(host));
  recordCreated(r, host);
  mkdirSync(host);
  chmodSync(host, 0o700);
  chownRoot(host);
  r.created.push(host);
}

/** True when `host` holds exactly what this run journalled for `key` (a resumed run's own file). */
async function alreadyWritten(r: FilesRun, key: string, host: string): Promise<boolean> {
  const recorded = r.journal.contentFor(key);
  return recorded !== undefined && fileStamp(host) === recorded;
}

/** A key file is new, 0600 root:root; one already there fails, as upstream's files do without overwrite. */
async function writeKeyFile(r: FilesRun, name: string, key: Buffer): Promise<void> {
  const journalKey = `luks-key:${name}`;
  const host = await resolveInRoot(r.root, keyFilePath(name));
  if (await alreadyWritten(r, journalKey, host)) return;
  const stat = lstatOrNull(host);
  if (stat !== null && !stat.isFile()) {
    throw new ProvisionError({ code: 'NON_REGULAR_FILE_EXISTS', message: messageFor('NON_REGULAR_FILE_EXISTS', host) });
  }
  if (stat !== null) throw new ProvisionError({ code: 'FILE_EXISTS', message: messageFor('FILE_EXISTS', host) });
  const fresh = firstTouch(r, host);
  await writeAtomic({
    target: host,
    mode: 0o600,
    pieces: async function* () {
      yield key;
    },
    beforeRename: (stamp) => r.journal.add({ kind: 'content', key: journalKey, stamp, ...(fresh === undefined ? {} : { path: fresh }) }),
  });
  r.created.push(host);
}

/** Appends the lines (an existing crypttab keeps its content and owner) and leaves the file 0600. */
async function appendCrypttab(r: FilesRun, lines: string): Promise<void> {
  const journalKey = 'crypttab';
  const host = await resolveInRoot(r.root, CRYPTTAB);
  if (await alreadyWritten(r, journalKey, host)) {
    chmodSync(host, 0o600);
    return;
  }
  const stat = lstatOrNull(host);
  if (stat !== null && !stat.isFile()) {
    throw new ProvisionError({ code: 'NON_REGULAR_FILE_EXISTS', message: messageFor('NON_REGULAR_FILE_EXISTS', host) });
  }
  if (stat === null) makeParents(r, dirname(host));
  preserve(r, host);
  await writeAtomic({
    target: host,
    mode: 0o600,
    keepOwnerFrom: stat === null ? undefined : { uid: stat.uid, gid: stat.gid, mode: 0o600 },
    pieces: async function* () {
      if (stat !== null) yield { file: host };
      yield Buffer.from(lines);
    },
    beforeRename: (stamp) => r.journal.add({ kind: 'content', key: journalKey, stamp }),
  });
  r.created.push(host);
}

/** Writes the key files, then the crypttab lines, for every luks entry of the config. */
export async function writeCrypttab(r: FilesRun, volumes: readonly CrypttabLuks[], records: readonly LuksRecord[]): Promise<void> {
  if (volumes.length === 0) return;
  const { log } = r.ctx;
  let current: ConfigPath = ['storage', 'luks'];
  try {
    const planned = planLuks(volumes, records);
    const withKeys = planned.filter((p) => !usesClevis(p.luks));
    if (withKeys.length > 0) await log.op('creating directory', LUKS_KEY_DIR, () => ensureKeyDirectory(r));
    for (const p of withKeys) {
      current = p.at;
      const key = Buffer.from(p.record.key ?? '', 'base64');
      await log.op('writing file', keyFilePath(p.luks.name), () => writeKeyFile(r, p.luks.name, key));
    }
    current = ['storage', 'luks'];
    const lines = planned.map((p) => crypttabLine(p.luks, p.record.uuid)).join('');
    await log.op('appending to file', CRYPTTAB, () => appendCrypttab(r, lines));
  } catch (error) {
    throw stepError('creating crypttab entries', current, error);
  }
}
