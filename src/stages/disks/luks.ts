// LUKS2 volumes with cryptsetup (ignition-spec.md §10.3): key from keyFile, or 4096 random bytes
// hex-encoded; reuse of a matching LUKS2 volume; luksFormat, luksOpen --persistent, clevis bind.
// Keys of volumes without clevis are handed back so the files stage can store them in the root.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from '../../system/fs-async.ts';
import { entry, type ConfigPath } from '../../report.ts';
import { probe, waitForDevice, type DeviceContext } from '../../system/devices.ts';
import type { ResourceContents } from '../context.ts';
import { isTrue, notEmpty, type ClevisSpec, type LuksSpec } from './spec.ts';
import { step } from './step.ts';

export interface LuksContext extends DeviceContext {
  readResource: (resource: NonNullable<LuksSpec['keyFile']>, path: ConfigPath) => Promise<ResourceContents>;
  /** Whether `clevis` can be run on this machine. */
  hasClevis: () => Promise<boolean>;
}

export function usesClevis(clevis: ClevisSpec | null | undefined): boolean {
  if (clevis == null) return false;
  return (clevis.tang ?? []).length > 0 || isTrue(clevis.tpm2) || notEmpty(clevis.custom?.pin);
}

/** The pin and JSON config for `clevis luks bind`, keys in upstream's order. */
export function clevisBinding(clevis: ClevisSpec): { pin: string; config: string } {
  if (notEmpty(clevis.custom?.pin)) return { pin: clevis.custom.pin, config: clevis.custom.config ?? '' };
  const pins: Record<string, unknown> = {};
  const tang = (clevis.tang ?? []).map((t) => {
    const server: Record<string, unknown> = { url: t.url };
    if (notEmpty(t.thumbprint)) server.thp = t.thumbprint;
    if (notEmpty(t.advertisement)) server.adv = JSON.parse(t.advertisement) as unknown;
    return server;
  });
  if (tang.length > 0 || !isTrue(clevis.tpm2)) pins.tang = tang;
  if (isTrue(clevis.tpm2)) pins.tpm2 = {};
  return { pin: 'sss', config: JSON.stringify({ pins, t: clevis.threshold ?? 1 }) };
}

export function luksFormatArgs(luks: LuksSpec, keyFile: string, device: string): string[] {
  const args = ['luksFormat', '--type', 'luks2', '--batch-mode', '--key-file', keyFile];
  if (notEmpty(luks.label)) args.push('--label', luks.label);
  if (notEmpty(luks.uuid)) args.push('--uuid', luks.uuid);
  return [...args, ...(luks.options ?? []), device];
}

export function luksOpenArgs(luks: LuksSpec, keyFile: string, device: string): string[] {
  const args = ['luksOpen', device, luks.name, '--key-file', keyFile, '--persistent'];
  if (isTrue(luks.discard)) args.push('--allow-discards');
  return [...args, ...(luks.openOptions ?? [])];
}

async function contentsOf(contents: ResourceContents): Promise<Buffer> {
  return Buffer.isBuffer(contents) ? contents : readFile(contents.file);
}

/** True when the LUKS2 header's flags include allow-discards (from `cryptsetup luksDump`). */
function dumpHasDiscards(dump: string): boolean {
  return /^Flags:\s.*allow-discards/m.test(dump);
}

/**
 * Leaves a LUKS2 header on `node` that `keyPath` opens: the existing one when it may be reused
 * (no wipe asked, a given key, no clevis, label, UUID and discard flag matching), else a new one.
 * Any other signature fails without touching the device.
 */
export async function prepareVolume(
  ctx: DeviceContext,
  luks: LuksSpec,
  node: string,
  keyPath: string,
  mayReuse: boolean,
  path: ConfigPath,
): Promise<'reused' | 'formatted'> {
  const reused = await step(ctx.log, 'checking for an existing volume', luks.device, path, async () => {
    if (isTrue(luks.wipeVolume)) {
      await ctx.exec(ctx.tools.wipefs, ['-a', node], { path });
      return false;
    }
    const found = await probe(ctx, node, path);
    const type = found.TYPE;
    if (type === undefined) return false;
    if (type !== 'crypto_LUKS') throw entry('error', 'LUKS_WRONG_TYPE', path, luks.device, type);
    // LUKS1 is never reused; LUKS2 only when the key is known and clevis will not rebind it.
    if (found.VERSION !== '2') throw entry('error', 'LUKS_WRONG_TYPE', path, luks.device, `${type} version ${found.VERSION ?? '?'}`);
    if (!mayReuse) throw entry('error', 'LUKS_WRONG_TYPE', path, luks.device, `${type} that cannot be reused without a keyFile or with clevis`);
    const dump = (await ctx.exec(ctx.tools.cryptsetup, ['luksDump', node], { path })).stdout;
    const label = /^Label:\s*(.*)$/m.exec(dump)?.[1]?.trim() ?? '';
    const matches =
      (!notEmpty(luks.label) || label === luks.label) &&
      (!notEmpty(luks.uuid) || (found.UUID ?? '').toLowerCase() === luks.uuid.toLowerCase()) &&
      dumpHasDiscards(dump) === isTrue(luks.discard);
    const test = ['luksOpen', '--test-passphrase', '--key-file', keyPath, node];
    const opens = matches && (await ctx.exec(ctx.tools.cryptsetup, test, { reject: false })).exitCode === 0;
    if (!opens) throw entry('error', 'LUKS_WRONG_TYPE', path, luks.device, `${type} not matching the config`);
    ctx.log.info(`volume at "${luks.device}" is already correctly formatted. Skipping...`);
    return true;
  });
  if (reused) return 'reused';
  await step(ctx.log, 'formatting LUKS volume', luks.device, path, () =>
    ctx.exec(ctx.tools.cryptsetup, luksFormatArgs(luks, keyPath, node), { path }),
  );
  return 'formatted';
}

/**
 * Sets up one volume and returns its key when the files stage must persist it (no clevis).
 * The temporary key file lives in a private directory that is removed whatever happens.
 */
export async function createLuks(ctx: LuksContext, luks: LuksSpec, path: ConfigPath): Promise<Buffer | undefined> {
  // IBM Crypto Express keys need s390x zkey tooling; refusing is safer than a weaker volume.
  if (isTrue(luks.cex?.enabled)) throw entry('error', 'LUKS_CEX_UNSUPPORTED', [...path, 'cex'], luks.name);
  const node = await waitForDevice(ctx, luks.device, [...path, 'device']);
  const clevis = usesClevis(luks.clevis);
  if (clevis && !(await ctx.hasClevis())) throw entry('error', 'CLEVIS_NOT_INSTALLED', [...path, 'clevis'], luks.name);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-luks-'));
  try {
    const keyPath = join(dir, 'key');
    const given = luks.keyFile != null && notEmpty(luks.keyFile.source);
    const key = given
      ? await contentsOf(await ctx.readResource(luks.keyFile as NonNullable<LuksSpec['keyFile']>, [...path, 'keyFile']))
      : Buffer.from(process.getBuiltinModule('node:crypto').randomBytes(4096).toString('hex'));
    await writeFile(keyPath, key, { mode: 0o600 });

    await prepareVolume(ctx, luks, node, keyPath, given && !clevis, path);
    await step(ctx.log, 'opening LUKS volume', luks.name, path, async () => {
      await ctx.exec(ctx.tools.cryptsetup, luksOpenArgs(luks, keyPath, node), { path });
      await waitForDevice(ctx, `/dev/mapper/${luks.name}`, path);
    });
    if (clevis && luks.clevis != null) {
      const binding = clevisBinding(luks.clevis);
      await step(ctx.log, 'binding clevis', luks.name, [...path, 'clevis'], async () => {
        await ctx.exec(ctx.tools.clevis, ['luks', 'bind', '-f', '-k', keyPath, '-d', node, binding.pin, binding.config], { path });
        // A generated key must not stay usable once clevis can unlock the volume.
        if (!given) await ctx.exec(ctx.tools.cryptsetup, ['luksRemoveKey', node, keyPath], { path });
      });
      return undefined;
    }
    return key;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
