// CRC-32 with the IEEE 802.3 polynomial (reflected 0xEDB88320), as gzip trailers, zip and
// Go's hash/crc32.IEEE use it. Pure and table-driven so every caller shares one definition.

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * Continues a CRC-32 over more bytes: `crc32(b, crc32(a))` equals `crc32(a ++ b)`.
 * Returns an unsigned 32-bit value; start with 0 (the default).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
