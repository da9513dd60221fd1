// src/system/fs-async.ts stands in for node:fs/promises in the runner and the CLI: each call must
// give what fs/promises gives, errors included (callers match on their codes and print messages).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as promises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as fsAsync from '../../src/system/fs-async.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-fs-async-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: NodeJS.ErrnoException) => error,
  );
}

describe('fs-async against node:fs/promises', () => {
  test('readFile gives the same bytes and text, and the same error for a missing file', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'héllo\n');
    expect(await fsAsync.readFile(file)).toEqual(await promises.readFile(file));
    expect(await fsAsync.readFile(file, 'utf8')).toBe(await promises.readFile(file, 'utf8'));
    const ours = await rejection(fsAsync.readFile(join(dir, 'missing'), 'utf8'));
    const theirs = await rejection(promises.readFile(join(dir, 'missing'), 'utf8'));
    expect([ours.code, ours.message]).toEqual([theirs.code, theirs.message]);
  });

  test('writeFile, chmod and chown set what fs/promises sets', async () => {
    await fsAsync.writeFile(join(dir, 'a'), 'x', { mode: 0o640 });
    await promises.writeFile(join(dir, 'b'), 'x', { mode: 0o640 });
    expect(statSync(join(dir, 'a')).mode).toBe(statSync(join(dir, 'b')).mode);
    await fsAsync.chmod(join(dir, 'a'), 0o600);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o600);
    const { uid, gid } = statSync(dir);
    await fsAsync.chown(join(dir, 'a'), uid, gid);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('x');
    expect((await rejection(fsAsync.chmod(join(dir, 'missing'), 0o600))).code).toBe('ENOENT');
  });

  test('mkdir, mkdtemp, readdir, rename, unlink, rmdir and rm', async () => {
    await fsAsync.mkdir(join(dir, 'p/q/r'), { recursive: true, mode: 0o700 });
    expect(statSync(join(dir, 'p/q/r')).isDirectory()).toBe(true);
    expect((await rejection(fsAsync.mkdir(join(dir, 'p'), {}))).code).toBe((await rejection(promises.mkdir(join(dir, 'p'), {}))).code);
    const temp = await fsAsync.mkdtemp(join(dir, 'tmp-'));
    expect(temp.startsWith(join(dir, 'tmp-'))).toBe(true);
    writeFileSync(join(dir, 'p/one'), '1');
    await fsAsync.rename(join(dir, 'p/one'), join(dir, 'p/two'));
    expect((await fsAsync.readdir(join(dir, 'p'))).sort()).toEqual(['q', 'two']);
    await fsAsync.unlink(join(dir, 'p/two'));
    expect((await rejection(fsAsync.unlink(join(dir, 'p/two')))).code).toBe('ENOENT');
    await fsAsync.rmdir(temp);
    expect(existsSync(temp)).toBe(false);
    await fsAsync.rm(join(dir, 'p'), { recursive: true, force: true });
    await fsAsync.rm(join(dir, 'p'), { recursive: true, force: true });
    expect(existsSync(join(dir, 'p'))).toBe(false);
  });

  test('createFileSink writes a new file in order, with its mode, and refuses one that exists', async () => {
    const path = join(dir, 'download');
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(4096 + i, i));
    await pipeline(Readable.from(chunks), fsAsync.createFileSink(path, 0o600));
    expect(readFileSync(path)).toEqual(Buffer.concat(chunks));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const refused = await rejection(pipeline(Readable.from([Buffer.from('other')]), fsAsync.createFileSink(path, 0o600)));
    expect(refused.code).toBe('EEXIST');
    expect(readFileSync(path)).toEqual(Buffer.concat(chunks));
  });

  test('createFileSink closes the file it made when the source fails, and then says close', async () => {
    const path = join(dir, 'partial');
    const sink = fsAsync.createFileSink(path, 0o600);
    const closed = new Promise<void>((done) => sink.once('close', () => done()));
    const source = new Readable({
      read() {
        this.push(Buffer.from('some'));
        this.destroy(new Error('connection reset'));
      },
    });
    expect((await rejection(pipeline(source, sink))).message).toBe('connection reset');
    await closed;
    expect(sink.closed).toBe(true);
    expect(readdirSync(dir)).toContain('partial');
    await fsAsync.unlink(path);
  });
});
