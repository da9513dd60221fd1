// The kernel command line: word splitting as the kernel does it, and the parameters that pick the
// platform, the config URL and first boot, in both upstream's (ignition.*) and Flatcar's spellings.
// Pure except for reading the file named by IGNITION_KERNEL_CMDLINE_PATH (default /proc/cmdline).
import { readFile } from '../system/fs-async.ts';

export const DEFAULT_CMDLINE_PATH = '/proc/cmdline';

/** One `key` or `key=value` word; `value` is undefined for a bare key. */
export interface KernelArg {
  key: string;
  value: string | undefined;
}

export interface KernelParams {
  /** ignition.platform.id, else the Flatcar OEM id mapped to a platform id. */
  platformId: string | undefined;
  /** The raw OEM id (flatcar.oem.id before coreos.oem.id), as Flatcar writes OEM_ID. */
  oemId: string | undefined;
  /** ignition.config.url, else flatcar.config.url, else coreos.config.url. */
  configUrl: string | undefined;
  /** ignition.config.device + ignition.config.path (upstream 2.27). */
  configDevice: string | undefined;
  configPath: string | undefined;
  firstBoot: boolean;
  /** flatcar.first_boot=detected: GRUB found the first_boot stamp, which is removed after success. */
  firstBootDetected: boolean;
}

/** Flatcar's OEM ids that differ from Ignition's platform ids (platforms.md §5.2). */
export const OEM_ID_TO_PLATFORM: Readonly<Record<string, string>> = {
  ec2: 'aws',
  ami: 'aws',
  gce: 'gcp',
  pxe: 'metal',
  stackit: 'openstack',
};

/** Splits like the kernel: whitespace separates words, double quotes group (and are dropped). */
export function splitCmdline(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** Words before a lone `--` are for the kernel and init; the rest belong to init only. */
export function parseArgs(text: string): KernelArg[] {
  const out: KernelArg[] = [];
  for (const word of splitCmdline(text)) {
    if (word === '--') break;
    const eq = word.indexOf('=');
    out.push(eq < 0 ? { key: word, value: undefined } : { key: word.slice(0, eq), value: word.slice(eq + 1) });
  }
  return out;
}

/** The last occurrence wins, as the generator and the cmdline provider read it. */
function last(args: readonly KernelArg[], key: string): KernelArg | undefined {
  let found: KernelArg | undefined;
  for (const arg of args) if (arg.key === key) found = arg;
  return found;
}

function lastValue(args: readonly KernelArg[], key: string): string | undefined {
  const value = last(args, key)?.value;
  return value === undefined || value === '' ? undefined : value;
}

/** `ignition.firstboot` bare or with any value but empty, 0, no, off. */
function enabled(arg: KernelArg | undefined): boolean {
  if (arg === undefined) return false;
  if (arg.value === undefined) return true;
  return !['', '0', 'no', 'off'].includes(arg.value.toLowerCase());
}

export function platformForOemId(oemId: string): string {
  return OEM_ID_TO_PLATFORM[oemId] ?? oemId;
}

export function parseKernelParams(text: string): KernelParams {
  const args = parseArgs(text);
  const oemId = lastValue(args, 'flatcar.oem.id') ?? lastValue(args, 'coreos.oem.id');
  const flatcarFirst = last(args, 'flatcar.first_boot') ?? last(args, 'coreos.first_boot');
  return {
    platformId: lastValue(args, 'ignition.platform.id') ?? (oemId === undefined ? undefined : platformForOemId(oemId)),
    oemId,
    configUrl: lastValue(args, 'ignition.config.url') ?? lastValue(args, 'flatcar.config.url') ?? lastValue(args, 'coreos.config.url'),
    configDevice: lastValue(args, 'ignition.config.device'),
    configPath: lastValue(args, 'ignition.config.path'),
    firstBoot: enabled(last(args, 'ignition.firstboot')) || enabled(flatcarFirst),
    firstBootDetected: flatcarFirst?.value === 'detected',
  };
}

/** Flatcar's default when no OEM id is set: qemu under KVM/QEMU, metal otherwise. */
export function defaultPlatform(virtualization: string | undefined): string {
  return virtualization === 'kvm' || virtualization === 'qemu' ? 'qemu' : 'metal';
}

export function cmdlinePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.IGNITION_KERNEL_CMDLINE_PATH;
  return override === undefined || override === '' ? DEFAULT_CMDLINE_PATH : override;
}

export async function readKernelParams(path: string = cmdlinePath()): Promise<KernelParams> {
  return parseKernelParams(await readFile(path, 'utf8'));
}
