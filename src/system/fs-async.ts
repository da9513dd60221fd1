// The few asynchronous file operations the runner and the CLI need, on node:fs's callback API.
// Why not node:fs/promises: loading it also loads readline, the REPL's history module and fs
// watchers, 0.17 MB of the single executable's startup snapshot that every process deserializes
// (bench/RESULTS.md, "Start-up of the single executable"), while node:fs is part of every Node
// process already. Errors are the same objects with the same codes and messages.
import * as fs from 'node:fs';
import { Writable } from 'node:stream';

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

function call<T>(run: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error === null ? resolve(value) : reject(error))));
}

/** call() for the operations whose callback gets only an error. */
function settle(run: (done: (error: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return call<void>((done) => run((error) => done(error, undefined)));
}

/**
 * Reads a whole file, synchronously underneath: every caller reads a small local file (the kernel
 * command line at every fetch stage, a config drive's user data, a key file), which one read(2)
 * answers at once, while node:fs's asynchronous readFile would start libuv's thread pool and load
 * its reader module, which the startup snapshot does not hold, in every such process.
 */
export function readFile(path: string): Promise<Buffer>;
export function readFile(path: string, encoding: 'utf8'): Promise<string>;
export function readFile(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  try {
    return Promise.resolve(encoding === undefined ? fs.readFileSync(path) : fs.readFileSync(path, encoding));
  } catch (error) {
    return Promise.reject(error);
  }
}

export function writeFile(path: string, data: string | Uint8Array, options: { mode: number }): Promise<void> {
  return settle((done) => fs.writeFile(path, data, options, done));
}

export function mkdir(path: string, options: { recursive?: boolean; mode?: number }): Promise<void> {
  return settle((done) => fs.mkdir(path, options, done));
}

export function mkdtemp(prefix: string): Promise<string> {
  return call<string>((done) => fs.mkdtemp(prefix, done));
}

export function rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void> {
  return settle((done) => fs.rm(path, options, done));
}

export function rmdir(path: string): Promise<void> {
  return settle((done) => fs.rmdir(path, done));
}

export function unlink(path: string): Promise<void> {
  return settle((done) => fs.unlink(path, done));
}

export function rename(from: string, to: string): Promise<void> {
  return settle((done) => fs.rename(from, to, done));
}

export function chmod(path: string, mode: number): Promise<void> {
  return settle((done) => fs.chmod(path, mode, done));
}

export function chown(path: string, uid: number, gid: number): Promise<void> {
  return settle((done) => fs.chown(path, uid, gid, done));
}

export function readdir(path: string): Promise<string[]> {
  return call<string[]>((done) => fs.readdir(path, done));
}

/**
 * A stream into a new file at `path` (it must not exist; `mode` as created), for the fetcher's
 * downloads. Not fs.createWriteStream: its module loads node:fs/promises and readline with it, all
 * compiled at run time in the single executable. The file is open once the stream has constructed,
 * written in order with every short write continued, and closed when the stream is destroyed,
 * which it is after 'finish' or an error; 'close' comes after the descriptor is closed.
 */
export function createFileSink(path: string, mode: number): Writable {
  let fd: number | undefined;
  const writeAll = (chunk: Buffer, from: number, done: (error?: Error | null) => void): void => {
    fs.write(fd as number, chunk, from, chunk.length - from, null, (error, written) => {
      if (error !== null) done(error);
      else if (from + written < chunk.length) writeAll(chunk, from + written, done);
      else done();
    });
  };
  return new Writable({
    construct(done) {
      fs.open(path, 'wx', mode, (error, opened) => {
        fd = opened;
        done(error);
      });
    },
    write(chunk: Buffer, _encoding, done) {
      writeAll(chunk, 0, done);
    },
    destroy(error, done) {
      if (fd === undefined) {
        done(error);
        return;
      }
      const open = fd;
      fd = undefined;
      fs.close(open, (closeError) => done(error ?? closeError));
    },
  });
}
