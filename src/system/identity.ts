// Who the process runs as, asked at call time: a value read when a module loads would be frozen
// into the single executable's startup snapshot at build time (src/warm.ts).

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
