// CRC-32 with the IEEE 802.3 polynomial (reflected 0xEDB88320), as gzip trailers, zip and
// Go's hash/crc32.IEEE use it. Pure and table-driven so every caller shares one definition;
// four bytes per step ("slicing by 4") because the transpiler runs it over every gzipped file.

const TABLES = (() => {
  const tables = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  // tables[k * 256 + b]: the CRC of byte b followed by k zero bytes.
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let k = 1; k < 4; k++) {
      c = tables[c & 0xff]! ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
})();

/**
 * Continues a CRC-32 over more bytes: `crc32(b, crc32(a))` equals `crc32(a ++ b)`.
 * Returns an unsigned 32-bit value; start with 0 (the default).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = TABLES;
  let c = ~previous;
  let i = 0;
  for (const end = bytes.length - 3; i < end; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
