// The decimal-mode warning (butane.md §4.11): `mode: 644` is almost certainly a forgotten leading
// zero, so warn when the decimal value looks odd but its octal re-reading looks like a real mode.

const R = 4;
const W = 2;
const X = 1;

/** Whether `mode` (numeric permission bits) looks like something a person would choose. */
export function isTypicalMode(mode: number, directory: boolean): boolean {
  if (mode === 0) return true;
  const user = (mode >> 6) & 7;
  const group = (mode >> 3) & 7;
  const other = mode & 7;
  const special = (mode >> 9) & 7;
  const classes = [other, group, user];
  for (let i = 1; i < classes.length; i++) {
    const less = classes[i - 1] as number;
    const more = classes[i] as number;
    if ((more & less) !== less) return false;
    if ((more & X) !== 0 && (less & R) !== 0 && (less & X) === 0) return false;
  }
  for (const c of classes) if ((c & (W | X)) !== 0 && (c & R) === 0) return false;
  if (classes.every((c) => (c & R) === 0)) return false;
  const anyExec = classes.some((c) => (c & X) !== 0);
  const anyWrite = classes.some((c) => (c & W) !== 0);
  const setuid = (special & 4) !== 0;
  const setgid = (special & 2) !== 0;
  const sticky = (special & 1) !== 0;
  if (directory) {
    if (!anyExec) return false;
    if (setuid) return false;
    if ((setgid || sticky) && !anyWrite) return false;
  } else {
    if (sticky) return false;
    if ((setuid || setgid) && (!anyExec || (other & W) !== 0)) return false;
  }
  return true;
}

/** True when `mode` was most likely meant to be written in octal. */
export function looksDecimal(mode: number, directory: boolean): boolean {
  if (mode < 0 || mode > 7777 || !Number.isInteger(mode)) return false;
  // A config repeats a handful of modes thousands of times; each verdict is worked out once.
  const key = directory ? -1 - mode : mode;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    const digits = String(mode);
    verdict = /^[0-7]+$/.test(digits) && !isTypicalMode(mode, directory) && isTypicalMode(parseInt(digits, 8), directory);
    verdicts.set(key, verdict);
  }
  return verdict;
}

const verdicts = new Map<number, boolean>();
