// Reads the GPT of a disk directly: number, start, size, type GUID, unique GUID and name of every
// entry. Parsing is a pure function of the bytes; reading needs only the first sectors, so no
// tool (and no kernel partition-table parser, which our hosts lack) is involved.
import { closeSync, openSync, readSync } from 'node:fs';

export interface ExistingPartition {
  number: number;
  startSector: number;
  sizeSectors: number;
  typeGuid: string;
  guid: string;
  label: string;
}

export interface PartitionTable {
  /** Logical sector size the table was found with (or the device's, when there is no table). */
  sectorSize: number;
  partitions: ExistingPartition[];
}

const SIGNATURE = 'EFI PART';
const CANDIDATE_SECTOR_SIZES = [512, 4096];

/** GUIDs are stored with the first three groups little-endian (RFC 4122 "mixed endian"). */
export function decodeGuid(bytes: Buffer): string {
  const hex = (b: Buffer) => b.toString('hex');
  const le = (start: number, end: number) => hex(Buffer.from(bytes.subarray(start, end)).reverse());
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(bytes.subarray(8, 10))}-${hex(bytes.subarray(10, 16))}`.toUpperCase();
}

/** Where the entry array lives, from the header at LBA 1; undefined when there is no GPT. */
export function parseGptHeader(head: Buffer): { sectorSize: number; entriesLba: number; count: number; entrySize: number } | undefined {
  for (const sectorSize of CANDIDATE_SECTOR_SIZES) {
    if (head.length < sectorSize + 92) continue;
    const header = head.subarray(sectorSize, sectorSize + 92);
    if (header.toString('latin1', 0, 8) !== SIGNATURE) continue;
    return {
      sectorSize,
      entriesLba: Number(header.readBigUInt64LE(72)),
      count: header.readUInt32LE(80),
      entrySize: header.readUInt32LE(84),
    };
  }
  return undefined;
}

export function parseGptEntries(entries: Buffer, count: number, entrySize: number): ExistingPartition[] {
  const found: ExistingPartition[] = [];
  for (let i = 0; i < count && (i + 1) * entrySize <= entries.length; i++) {
    const entry = entries.subarray(i * entrySize, (i + 1) * entrySize);
    const type = entry.subarray(0, 16);
    if (type.every((b) => b === 0)) continue;
    const first = Number(entry.readBigUInt64LE(32));
    const last = Number(entry.readBigUInt64LE(40));
    const label = entry.subarray(56, 128).toString('utf16le').replace(/\0[\s\S]*$/, '');
    found.push({
      number: i + 1,
      startSector: first,
      sizeSectors: last - first + 1,
      typeGuid: decodeGuid(type),
      guid: decodeGuid(entry.subarray(16, 32)),
      label,
    });
  }
  return found;
}

/**
 * Reads the primary GPT of `device` (a block device or an image file): two reads of a few
 * kilobytes, synchronous as the engine's small local I/O (no thread-pool round trips).
 */
export async function readPartitionTable(device: string, fallbackSectorSize: number): Promise<PartitionTable> {
  const fd = openSync(device, 'r');
  try {
    const head = Buffer.alloc(2 * 4096);
    readSync(fd, head, 0, head.length, 0);
    const header = parseGptHeader(head);
    if (header === undefined) return { sectorSize: fallbackSectorSize, partitions: [] };
    const entries = Buffer.alloc(header.count * header.entrySize);
    readSync(fd, entries, 0, entries.length, header.entriesLba * header.sectorSize);
    return { sectorSize: header.sectorSize, partitions: parseGptEntries(entries, header.count, header.entrySize) };
  } finally {
    closeSync(fd);
  }
}
