// systemd units: drop-ins and unit files written under /etc/systemd/system (0644), masks as
// symlinks to /dev/null, and enable/disable as lines of one preset file, sorted by unit name
// with the instances of a template grouped on one line, as upstream writes them.

import { readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRESET_FILE, SYSTEMD_UNIT_DIR } from '../../system/distro.ts';
import type { Unit } from '../context.ts';
import { errnoCode, lstatOrNull, resolveNode, writeAtomic } from './atomic-write.ts';
import { stepError, type FilesRun } from './files-run.ts';
import { displace, makeParents, preserve, recordCreated, recordLinks } from './undo.ts';

async function writeText(r: FilesRun, path: string, text: string): Promise<void> {
  const host = await resolveNode(r.root, path);
  makeParents(r, dirname(host));
  const existing = lstatOrNull(host);
  if (existing !== null && !existing.isFile()) displace(r, host);
  preserve(r, host);
  await writeAtomic({
    target: host,
    mode: 0o644,
    pieces: async function* () {
      yield Buffer.from(text);
    },
  });
  r.created.push(host);
}

async function mask(r: FilesRun, unit: Unit): Promise<void> {
  const host = await resolveNode(r.root, join(SYSTEMD_UNIT_DIR, unit.name));
  const stat = lstatOrNull(host);
  if (stat?.isSymbolicLink() === true && readlinkSync(host) === '/dev/null') return;
  if (stat !== null) displace(r, host);
  makeParents(r, dirname(host));
  recordCreated(r, host);
  symlinkSync('/dev/null', host);
  r.created.push(host);
}

async function unmask(r: FilesRun, unit: Unit): Promise<void> {
  const host = await resolveNode(r.root, join(SYSTEMD_UNIT_DIR, unit.name));
  const stat = lstatOrNull(host);
  if (stat?.isSymbolicLink() === true && readlinkSync(host) === '/dev/null') displace(r, host);
}

export async function createUnits(r: FilesRun, units: readonly Unit[]): Promise<void> {
  const { log } = r.ctx;
  for (const [i, unit] of units.entries()) {
    const at = ['systemd', 'units', i];
    try {
      for (const dropin of unit.dropins ?? []) {
        if (dropin.contents == null) continue;
        const path = join(SYSTEMD_UNIT_DIR, `${unit.name}.d`, dropin.name);
        await log.op('writing systemd drop-in', path, () => writeText(r, path, dropin.contents ?? ''));
      }
      if (unit.contents != null && unit.contents !== '') {
        const path = join(SYSTEMD_UNIT_DIR, unit.name);
        await log.op('writing unit', path, () => writeText(r, path, unit.contents ?? ''));
      }
      if (unit.mask === true) await log.op('masking unit', unit.name, () => mask(r, unit));
      else if (unit.mask === false) await log.op('unmasking unit', unit.name, () => unmask(r, unit));
    } catch (error) {
      throw stepError(`failed to process unit "${unit.name}"`, at, error);
    }
  }
  try {
    await writePresets(r, units);
  } catch (error) {
    throw stepError('failed to write presets', ['systemd', 'units'], error);
  }
}

/** `foo@bar.service` -> [`foo@.service`, `bar`]; plain units have no instance. */
export function splitInstance(name: string): [string, string | undefined] {
  const match = /^([^@]+)@(.+)(\.[a-z]+)$/.exec(name);
  if (match === null || match[2] === undefined) return [name, undefined];
  return [`${match[1]}@${match[3]}`, match[2]];
}

/** Preset lines for the wanted states, grouped per template and state, sorted by unit name. */
export function presetLines(states: readonly { name: string; enabled: boolean }[]): string[] {
  const groups = new Map<string, { verb: string; unit: string; instances: string[] }>();
  for (const { name, enabled } of states) {
    const [unit, instance] = splitInstance(name);
    const verb = enabled ? 'enable' : 'disable';
    const key = `${verb} ${unit}`;
    const group = groups.get(key) ?? { verb, unit, instances: [] };
    if (instance !== undefined && !group.instances.includes(instance)) group.instances.push(instance);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.verb < b.verb ? -1 : a.verb > b.verb ? 1 : 0))
    .map((g) => [g.verb, g.unit, ...g.instances].join(' '));
}

async function isEnabled(r: FilesRun, name: string): Promise<boolean> {
  const result = await r.ctx.exec(r.ctx.tools.systemctl, ['--root', r.root, 'is-enabled', name], { reject: false });
  return result.exitCode === 0;
}

async function writePresets(r: FilesRun, units: readonly Unit[]): Promise<void> {
  const wanted = units.filter((u) => u.enabled != null);
  if (wanted.length === 0) return;
  let record = r.journal.preset();
  if (record === undefined) {
    const states: { name: string; enabled: boolean }[] = [];
    const disable: string[] = [];
    for (const unit of wanted) {
      if (unit.enabled === true) states.push({ name: unit.name, enabled: true });
      // Upstream writes a disable line only for units that are enabled right now.
      else if (await isEnabled(r, unit.name)) {
        states.push({ name: unit.name, enabled: false });
        disable.push(unit.name);
      }
    }
    const host = await resolveNode(r.root, PRESET_FILE);
    let previous = '';
    try {
      previous = readFileSync(host, 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
    const lines = presetLines(states);
    if (lines.length === 0) return;
    const content = previous + lines.map((line) => `${line}\n`).join('');
    record = { kind: 'preset', content, disable };
    await r.journal.add(record);
  }
  // systemctl disable removes links the stage cannot name in advance: note them all first.
  if (record.disable.length > 0) recordLinks(r, await resolveNode(r.root, SYSTEMD_UNIT_DIR, { followLast: true }));
  for (const name of record.disable) {
    await r.ctx.log.op('disabling unit', name, () =>
      r.ctx.exec(r.ctx.tools.systemctl, ['--root', r.root, 'disable', name]).then(() => undefined),
    );
  }
  const content = record.content;
  await r.ctx.log.op('writing presets', PRESET_FILE, () => writeText(r, PRESET_FILE, content));
}
