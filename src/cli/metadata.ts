// `kindling metadata`: Afterburn's `multi` for the platforms we know. Attributes to an environment
// file (AFTERBURN_* or, with --flatcar, COREOS_*), SSH keys to ~user/.ssh/authorized_keys.d/,
// the hostname to a file, and the platform check-in. Unsupported actions only warn, as upstream.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chmod, chown, mkdir, rename, writeFile } from '../system/fs-async.ts';
import { attributesFile, truncateHostname } from '../providers/afterburn.ts';
import { cmdlinePath, readKernelParams, platformForOemId } from '../providers/cmdline.ts';
import { CHECK_IN_DEADLINE_MS, withDeadline } from '../providers/hooks.ts';
import { getProvider } from '../providers/index.ts';
import type { Metadata, Provider, ProviderContext } from '../providers/types.ts';
import { createFetchContext } from '../resource/context.ts';
import { closeFetchContext } from '../resource/fetch.ts';
import { ProvisionError, entry } from '../report.ts';
import { toolsFromEnv } from '../system/distro.ts';
import { createExec } from '../system/exec.ts';
import { createLogger, type LogLevel } from '../system/log.ts';
import { resolveInRoot } from '../system/path.ts';
import { findUser } from '../system/user-db.ts';
import type { CliIo } from './io.ts';
import { isRoot } from '../system/identity.ts';

const USAGE = `Usage: kindling metadata (--provider ID | --cmdline) [--attributes FILE] [--ssh-keys USER]
                         [--hostname FILE] [--check-in] [--flatcar] [--root DIR]

  --provider ID      platform id (aws, gcp, azure, ...; Flatcar's ec2 and gce are accepted)
  --cmdline          read the platform from the kernel command line
  --attributes FILE  write AFTERBURN_* variables (COREOS_* with --flatcar) as an environment file
  --ssh-keys USER    write the platform's SSH keys to ~USER/.ssh/authorized_keys.d/afterburn
                     (coreos-metadata with --flatcar)
  --hostname FILE    write the platform's hostname
  --check-in         report a successful boot to the platform
  --flatcar          Flatcar's coreos-metadata names
  --root DIR         root for /etc/passwd and home directories (default /)
`;

export interface Options {
  provider?: string;
  cmdline: boolean;
  attributes?: string;
  sshKeys?: string;
  hostname?: string;
  checkIn: boolean;
  flatcar: boolean;
  root: string;
}

/** Each metadata look-up, as upstream Ignition's default fetch timeout. */
export const METADATA_DEADLINE_MS = 120_000;

const VALUE_FLAGS = new Set(['provider', 'attributes', 'ssh-keys', 'hostname', 'root']);

/** Parsed flags, or the usage error as text. */
export function parseMetadataArgs(argv: readonly string[]): Options | string {
  const o: Options = { cmdline: false, checkIn: false, flatcar: false, root: '/' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return `unexpected argument "${arg}"`;
    const [flag, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    let value: string | undefined;
    if (VALUE_FLAGS.has(flag)) {
      value = inline ?? argv[++i];
      if (value === undefined || value === '') return `flag needs an argument: --${flag}`;
    }
    switch (flag) {
      case 'provider':
        o.provider = value;
        break;
      case 'attributes':
        o.attributes = value;
        break;
      case 'ssh-keys':
        o.sshKeys = value;
        break;
      case 'hostname':
        o.hostname = value;
        break;
      case 'root':
        o.root = value!;
        break;
      case 'cmdline':
        o.cmdline = true;
        break;
      case 'check-in':
        o.checkIn = true;
        break;
      case 'flatcar':
        o.flatcar = true;
        break;
      default:
        return `unknown flag --${flag}`;
    }
  }
  if ((o.provider === undefined) === !o.cmdline) return 'exactly one of --provider and --cmdline is required';
  return o;
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

/** ~user/.ssh/authorized_keys.d/<name>, directories 0700 and the file 0600, owned by the user. */
async function writeSshKeys(root: string, user: string, keys: readonly string[], name: string): Promise<string> {
  const entryOf = await findUser(root, user);
  if (entryOf === undefined) throw entry('error', 'NO_SUCH_USER', undefined, user);
  const home = await resolveInRoot(root, entryOf.home, { followLast: true });
  const file = join(home, '.ssh', 'authorized_keys.d', name);
  for (const dir of [join(home, '.ssh'), join(home, '.ssh', 'authorized_keys.d')]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (isRoot()) await chown(dir, entryOf.uid, entryOf.gid);
  }
  await writeAtomic(file, keys.map((k) => `${k}\n`).join(''), 0o600);
  if (isRoot()) await chown(file, entryOf.uid, entryOf.gid);
  return file;
}

export async function runMetadata(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseMetadataArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr.write(`${parsed}\n\n${USAGE}`);
    return 1;
  }
  const log = createLogger({ stage: 'metadata', sink: (line: string, _level: LogLevel) => io.stderr.write(`${line}\n`) });
  // Every look-up has the fetch timeout's default as its deadline; the check-in has its own.
  const fetch = createFetchContext({ log: (line) => log.debug(line), timeouts: { responseHeadersMs: 10_000, totalMs: METADATA_DEADLINE_MS } });
  try {
    let id = parsed.provider;
    if (id === undefined) {
      const params = await readKernelParams(cmdlinePath(env));
      id = params.platformId;
      if (id === undefined) throw entry('error', 'PLATFORM_UNKNOWN', undefined, '(none on the kernel command line)');
    }
    const provider: Provider | undefined = getProvider(id) ?? getProvider(platformForOemId(id));
    if (provider === undefined) throw entry('error', 'PLATFORM_UNKNOWN', undefined, id);
    // s3:// and gs:// fetches (VMware's config URL) may use the instance's credentials.
    fetch.platform = provider.id;
    const ctx: ProviderContext = {
      fetch,
      device: { exec: createExec(log), log, tools: toolsFromEnv(env) },
      env,
      endpoints: {},
      sysRoot: '/',
      mountDir: join(tmpdir(), 'kindling-metadata-mnt'),
    };
    const wantsMetadata = parsed.attributes !== undefined || parsed.sshKeys !== undefined || parsed.hostname !== undefined;
    let metadata: Metadata | undefined;
    if (wantsMetadata) {
      if (provider.metadata === undefined) {
        log.warning(entry('warning', 'METADATA_ACTION_UNSUPPORTED', undefined, 'metadata', provider.id).message);
      } else {
        metadata = await provider.metadata(ctx);
      }
    }
    if (metadata !== undefined && parsed.attributes !== undefined) {
      await writeAtomic(parsed.attributes, attributesFile(metadata.attributes, parsed.flatcar), 0o644);
    }
    if (metadata !== undefined && parsed.sshKeys !== undefined) {
      if (metadata.sshKeys.length === 0) log.info('the platform has no SSH keys for this instance');
      const file = await writeSshKeys(parsed.root, parsed.sshKeys, metadata.sshKeys, parsed.flatcar ? 'coreos-metadata' : 'afterburn');
      log.info(`wrote ${metadata.sshKeys.length} SSH keys to ${file}`);
    }
    if (metadata !== undefined && parsed.hostname !== undefined) {
      if (metadata.hostname === undefined || metadata.hostname.trim() === '') {
        log.warning(entry('warning', 'METADATA_ACTION_UNSUPPORTED', undefined, 'hostname', provider.id).message);
      } else {
        await writeAtomic(parsed.hostname, `${truncateHostname(metadata.hostname)}\n`, 0o644);
      }
    }
    if (parsed.checkIn) {
      if (provider.checkIn === undefined) log.warning(entry('warning', 'METADATA_ACTION_UNSUPPORTED', undefined, 'check-in', provider.id).message);
      else await withDeadline(ctx, CHECK_IN_DEADLINE_MS, `${provider.id} check-in`, provider.checkIn);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${ProvisionError.is(error) || error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await closeFetchContext(fetch);
  }
}
