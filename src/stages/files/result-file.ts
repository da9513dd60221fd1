// /etc/.ignition-result.json: boot id, date and whether a user config was provided, indented JSON
// with a trailing newline, mode 0600. A report already there from an earlier run is nested as
// previousReport, with upstream's warning that Ignition is not meant to run twice.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BOOT_ID_FILE, RESULT_FILE } from '../../system/distro.ts';
import { resolveInRoot } from '../../system/path.ts';
import { messageFor } from '../../messages.ts';
import { errnoCode, writeAtomic } from './atomic-write.ts';
import type { FilesRun } from './files-run.ts';
import { makeParents, preserve } from './undo.ts';

/** The result file's text at the start of a run, or null; read before anything is written. */
export async function readPreviousResult(root: string): Promise<string | null> {
  try {
    return readFileSync(await resolveInRoot(root, RESULT_FILE), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** RFC 3339 in UTC without fractional seconds, as Go's time.RFC3339 prints it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function bootId(): Promise<string> {
  try {
    return readFileSync(BOOT_ID_FILE, 'utf8').trim();
  } catch {
    return '';
  }
}

export async function writeResultFile(r: FilesRun, previous: string | null, now: Date = new Date()): Promise<void> {
  const report: Record<string, unknown> = {
    provisioningBootID: await bootId(),
    provisioningDate: rfc3339(now),
    userConfigProvided: r.ctx.userConfigProvided,
  };
  if (previous !== null) {
    r.ctx.log.warning(messageFor('ALREADY_RAN'));
    try {
      report.previousReport = JSON.parse(previous) as unknown;
    } catch {
      report.previousReport = previous;
    }
  }
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await r.ctx.log.op('writing file', RESULT_FILE, async () => {
    const host = await resolveInRoot(r.root, RESULT_FILE);
    makeParents(r, dirname(host));
    preserve(r, host);
    await writeAtomic({
      target: host,
      mode: 0o600,
      pieces: async function* () {
        yield Buffer.from(text);
      },
    });
    r.created.push(host);
  });
}
