// sgdisk command lines as data (pure, table-tested) and the parser for its `--info` output.
// Operations run in command-line order, so one invocation can delete and recreate a slot;
// `--pretend` makes the same command a dry run that reports where sgdisk would place things.

export interface SgdiskPartition {
  number: number;
  /** Absent: sgdisk's default, the start of the largest free block. */
  startSector?: number | undefined;
  /** Absent or 0: up to the end of the free block the partition starts in. */
  sizeSectors?: number | undefined;
  typeGuid?: string | undefined;
  guid?: string | undefined;
  label?: string | undefined;
}

export type SgdiskOp =
  | { kind: 'zap' }
  | { kind: 'delete'; number: number }
  | { kind: 'create'; partition: SgdiskPartition }
  | { kind: 'info'; number: number };

export function sgdiskArgs(device: string, ops: readonly SgdiskOp[], pretend = false): string[] {
  const args: string[] = pretend ? ['--pretend'] : [];
  for (const op of ops) {
    switch (op.kind) {
      case 'zap':
        args.push('--zap-all');
        break;
      case 'delete':
        args.push(`--delete=${op.number}`);
        break;
      case 'info':
        args.push(`--info=${op.number}`);
        break;
      case 'create': {
        const p = op.partition;
        const start = p.startSector === undefined ? '0' : String(p.startSector);
        const size = p.sizeSectors === undefined || p.sizeSectors === 0 ? '0' : `+${p.sizeSectors}`;
        args.push(`--new=${p.number}:${start}:${size}`);
        if (p.label !== undefined) args.push(`--change-name=${p.number}:${p.label}`);
        if (p.guid !== undefined && p.guid !== '') args.push(`--partition-guid=${p.number}:${p.guid}`);
        if (p.typeGuid !== undefined && p.typeGuid !== '') args.push(`--typecode=${p.number}:${p.typeGuid}`);
        break;
      }
    }
  }
  args.push(device);
  return args;
}

export interface SgdiskInfo {
  typeGuid: string;
  guid: string;
  startSector: number;
  sizeSectors: number;
}

/**
 * Splits the output of several `--info=N` options into one record per partition, in the order
 * they were asked for. Names are not parsed: the dry run creates partitions without labels,
 * because sgdisk prints control characters in names unescaped.
 */
export function parseSgdiskInfo(output: string): SgdiskInfo[] {
  const blocks: SgdiskInfo[] = [];
  let current: Partial<SgdiskInfo> | undefined;
  for (const line of output.split('\n')) {
    const [key, rest] = splitKey(line);
    if (key === 'Partition GUID code') {
      current = { typeGuid: firstWord(rest) };
      blocks.push(current as SgdiskInfo);
    } else if (current === undefined) {
      continue;
    } else if (key === 'Partition unique GUID') {
      current.guid = firstWord(rest);
    } else if (key === 'First sector') {
      current.startSector = Number(firstWord(rest));
    } else if (key === 'Partition size') {
      current.sizeSectors = Number(firstWord(rest));
    }
  }
  for (const block of blocks) {
    if (!Number.isSafeInteger(block.startSector) || !Number.isSafeInteger(block.sizeSectors)) {
      throw new Error(`unexpected sgdisk --info output: ${JSON.stringify(output)}`);
    }
  }
  return blocks;
}

function splitKey(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon < 0) return ['', ''];
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

function firstWord(text: string): string {
  return text.split(/\s+/)[0] ?? '';
}
