// Drops the V8 code cache of Node's built-in modules from the startup snapshot inside a single
// executable that `--build-sea` made. Why: that snapshot always carries code cache for all of
// Node's ~440 built-in modules (4.3 MB of its 9), and Node's SEA config has no way to ask for less.
// Each process copies the whole snapshot out of the executable before deserializing it, so those
// bytes cost every start about 1,100 page faults and 3-5 ms of CPU on the host (bench/RESULTS.md),
// while only a built-in module first loaded after start could use them. Such a module is then
// compiled from its source instead, which is what `node --build-snapshot-config` with
// `withoutCodeCache` does too; that option is no substitute, because it also drops the compiled
// functions of the snapshot's own heap, which src/warm.ts put there.
//
// The SEA resource is a note (name NODE_SEA_BLOB) in the last loadable segment of the ELF file:
// a header (magic, flags, options), the main script's path, the snapshot, then the assets and the
// exec arguments. The snapshot ends with the code cache: a count, then per module its id and its
// bytes. This empties that list, shrinks the note, its segments and section, and moves what
// follows it in the file (the section names and the section header table). Every field is checked
// against what the build put in (path, asset names and contents, exec arguments) and the code
// cache must end exactly where the snapshot does, so a runtime whose layout differs fails the
// build instead of yielding a broken executable.
import { readFileSync, writeFileSync } from 'node:fs';

const NOTE_NAME = 'NODE_SEA_BLOB';
const SEA_MAGIC = 0x0143da20;
const PT_LOAD = 1;

/**
 * Empties the built-in modules' code cache of the startup snapshot in the single executable at
 * `executable`. `expected` is what the SEA config put in: the main script's path, the assets
 * (name → bytes) and the exec arguments. Throws, leaving the file as it was, when the resource
 * does not hold exactly those. Returns the snapshot's size before and after.
 */
export function dropBuiltinCodeCache(executable, expected) {
  const { file, elf, note, blob, snapshot: old } = openResource(executable, expected);
  const { start } = codeCache(blob.subarray(old.start, old.end));
  // The list becomes a count of zero where it began.
  const snapshot = Buffer.concat([blob.subarray(old.start, old.start + start), Buffer.alloc(8)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(snapshot.length));
  const resource = Buffer.concat([blob.subarray(0, old.start - 8), length, snapshot, blob.subarray(old.end)]);
  const shrink = align4(blob.length) - align4(resource.length);
  const end = note.desc + align4(blob.length);
  patchHeaders(file, elf, note, end, shrink);
  file.writeUInt32LE(resource.length, note.header + 4);
  const padding = Buffer.alloc(align4(resource.length) - resource.length);
  writeFileSync(executable, Buffer.concat([file.subarray(0, note.desc), resource, padding, file.subarray(end)]));
  return { before: old.end - old.start, after: snapshot.length };
}

/** The startup snapshot inside the single executable at `executable` (layout checked as above). */
export function readSeaSnapshot(executable, expected) {
  const { blob, snapshot } = openResource(executable, expected);
  return blob.subarray(snapshot.start, snapshot.end);
}

/** The executable's bytes, ELF headers, SEA note and resource, and where the snapshot lies in it. */
function openResource(executable, expected) {
  const file = readFileSync(executable);
  const elf = readElf(file);
  const note = findNote(file, elf);
  const blob = file.subarray(note.desc, note.desc + note.descSize);
  return { file, elf, note, blob, snapshot: locateSnapshot(blob, expected) };
}

/** A module every code cache holds: Node's first bootstrap script. */
const BOOTSTRAP_ID = 'internal/bootstrap/realm';

/**
 * Where the built-in modules' code cache begins in a snapshot, and the modules it holds. The cache
 * is the snapshot's last field: a count, then per module an id and the data, each a length and
 * bytes. It is found as the one place where such a list, holding Node's bootstrap module, runs
 * exactly to the end of the snapshot.
 */
export function codeCache(snapshot) {
  const found = [];
  for (let at = 0; at + 16 <= snapshot.length; at++) {
    // A count below 2^32, so its upper half is zero: a cheap filter before the full parse.
    if (snapshot.readUInt32LE(at + 4) !== 0) continue;
    const count = snapshot.readUInt32LE(at);
    if (count < 1 || count > 10_000) continue;
    const ids = readCodeCache(snapshot, at, count);
    if (ids?.includes(BOOTSTRAP_ID)) found.push({ start: at, ids });
  }
  if (found.length !== 1) throw new Error(`sea-snapshot: found ${found.length} places where the snapshot's code cache could start, expected 1`);
  return found[0];
}

/** The ids of a code cache list of `count` modules at `at` that ends the snapshot, else undefined. */
function readCodeCache(snapshot, at, count) {
  const ids = [];
  let p = at + 8;
  for (let i = 0; i < count; i++) {
    if (p + 8 > snapshot.length) return undefined;
    const idLength = Number(snapshot.readBigUInt64LE(p));
    if (idLength < 1 || idLength > 256 || p + 8 + idLength + 8 > snapshot.length) return undefined;
    const id = snapshot.subarray(p + 8, p + 8 + idLength);
    if (!id.every((c) => c > 0x20 && c < 0x7f)) return undefined;
    ids.push(id.toString('latin1'));
    p += 8 + idLength;
    p += 8 + Number(snapshot.readBigUInt64LE(p));
  }
  return p === snapshot.length ? ids : undefined;
}

const align4 = (n) => (n + 3) & ~3;

/** The ELF64 little-endian headers: program and section header tables, as offsets of their entries. */
function readElf(file) {
  if (file.readUInt32BE(0) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) throw new Error('sea-snapshot: not a 64-bit little-endian ELF file');
  const phoff = Number(file.readBigUInt64LE(0x20));
  const shoff = Number(file.readBigUInt64LE(0x28));
  const phentsize = file.readUInt16LE(0x36);
  const phnum = file.readUInt16LE(0x38);
  const shentsize = file.readUInt16LE(0x3a);
  const shnum = file.readUInt16LE(0x3c);
  const phdrs = Array.from({ length: phnum }, (_, i) => phoff + i * phentsize);
  const shdrs = Array.from({ length: shnum }, (_, i) => shoff + i * shentsize);
  return { shoff, phdrs, shdrs };
}

/** The NODE_SEA_BLOB note: offsets of its header and descriptor, and the descriptor's size. */
function findNote(file, elf) {
  const PT_NOTE = 4;
  for (const ph of elf.phdrs) {
    if (file.readUInt32LE(ph) !== PT_NOTE) continue;
    const start = Number(file.readBigUInt64LE(ph + 8));
    const end = start + Number(file.readBigUInt64LE(ph + 32));
    for (let at = start; at + 12 <= end; ) {
      const nameSize = file.readUInt32LE(at);
      const descSize = file.readUInt32LE(at + 4);
      const name = file.subarray(at + 12, at + 12 + nameSize);
      const desc = at + 12 + align4(nameSize);
      if (name.toString('latin1') === `${NOTE_NAME}\0`) return { header: at, desc, descSize };
      at = desc + align4(descSize);
    }
  }
  throw new Error(`sea-snapshot: no ${NOTE_NAME} note in the executable`);
}

/**
 * Where the snapshot lies in the resource, after checking the whole layout: the header, the main
 * path, the snapshot, then the assets and exec arguments exactly as configured and nothing after.
 */
function locateSnapshot(blob, expected) {
  if (blob.readUInt32LE(0) !== SEA_MAGIC) throw new Error('sea-snapshot: the SEA resource does not start with its magic number');
  let at = headerSize(blob, expected.mainPath);
  const view = () => {
    const size = Number(blob.readBigUInt64LE(at));
    const start = at + 8;
    at = start + size;
    if (at > blob.length) throw new Error('sea-snapshot: a field of the SEA resource runs past its end');
    return { start, end: at };
  };
  const text = ({ start, end }) => blob.subarray(start, end).toString('utf8');
  view();
  const snapshot = view();
  const count = Number(blob.readBigUInt64LE(at));
  at += 8;
  const assets = new Map();
  for (let i = 0; i < count; i++) {
    const name = text(view());
    const { start, end } = view();
    assets.set(name, blob.subarray(start, end));
  }
  const names = [...expected.assets.keys()].sort();
  if (JSON.stringify([...assets.keys()].sort()) !== JSON.stringify(names) || names.some((name) => !assets.get(name).equals(expected.assets.get(name)))) {
    throw new Error('sea-snapshot: the assets in the SEA resource are not the configured ones');
  }
  const args = Array.from({ length: Number(blob.readBigUInt64LE(at)) }, () => undefined);
  at += 8;
  for (let i = 0; i < args.length; i++) args[i] = text(view());
  if (JSON.stringify(args) !== JSON.stringify(expected.execArgv)) throw new Error('sea-snapshot: the exec arguments in the SEA resource are not the configured ones');
  if (at !== blob.length) throw new Error('sea-snapshot: the SEA resource has bytes after its exec arguments');
  return snapshot;
}

/** The resource header's size: magic and flags, then one-byte options up to the main path. */
function headerSize(blob, mainPath) {
  const path = Buffer.from(mainPath);
  for (let size = 9; size <= 16; size++) {
    if (Number(blob.readBigUInt64LE(size)) === path.length && blob.subarray(size + 8, size + 8 + path.length).equals(path)) return size;
  }
  throw new Error(`sea-snapshot: the main path ${mainPath} is not where the SEA resource header ends`);
}

/**
 * Shrinks by `shrink` bytes every segment and section that holds the note, and moves everything
 * from `end` on back by as much. A loadable segment after the note would have to keep its page
 * alignment, so there must be none.
 */
function patchHeaders(file, elf, note, end, shrink) {
  const holds = (offset, size) => offset <= note.desc && note.desc < offset + size;
  for (const ph of elf.phdrs) {
    const offset = Number(file.readBigUInt64LE(ph + 8));
    const size = Number(file.readBigUInt64LE(ph + 32));
    if (holds(offset, size)) {
      file.writeBigUInt64LE(BigInt(size - shrink), ph + 32);
      file.writeBigUInt64LE(file.readBigUInt64LE(ph + 40) - BigInt(shrink), ph + 40);
    } else if (offset >= end && size > 0) {
      if (file.readUInt32LE(ph) === PT_LOAD) throw new Error('sea-snapshot: a loadable segment follows the SEA note');
      file.writeBigUInt64LE(BigInt(offset - shrink), ph + 8);
    }
  }
  for (const sh of elf.shdrs) {
    const offset = Number(file.readBigUInt64LE(sh + 24));
    const size = Number(file.readBigUInt64LE(sh + 32));
    if (holds(offset, size)) file.writeBigUInt64LE(BigInt(size - shrink), sh + 32);
    else if (offset >= end) file.writeBigUInt64LE(BigInt(offset - shrink), sh + 24);
  }
  if (elf.shoff >= end) file.writeBigUInt64LE(BigInt(elf.shoff - shrink), 0x28);
}
