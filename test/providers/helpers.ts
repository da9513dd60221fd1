// Test scaffolding for providers: a ProviderContext wired to real exec/blkid/mount, a fake retry
// clock, a metadata server on 127.0.0.1 (startable on a fixed port, so "network not up yet" is a
// real connection refusal), and loop-mounted config drives made with mkfs.ext4 -d.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createFetchContext } from '../../src/resource/context.ts';
import { closeFetchContext } from '../../src/resource/fetch.ts';
import { toolsFromEnv } from '../../src/system/distro.ts';
import { createExec } from '../../src/system/exec.ts';
import { createLogger, memorySink } from '../../src/system/log.ts';
import type { ProviderContext } from '../../src/providers/types.ts';
import { run } from '../helpers/process.ts';

export interface TestContext {
  ctx: ProviderContext;
  /** Log lines with their <N> priority prefix. */
  lines: string[];
  /** Every wait the code asked for, in ms (the clock advances by it, no real waiting). */
  sleeps: number[];
  /** Called before each fake sleep resolves (e.g. to bring a server up after N waits). */
  onSleep: (fn: (count: number) => Promise<void> | void) => void;
  close: () => Promise<void>;
}

export function testContext(
  options: { offline?: boolean; endpoints?: Record<string, string>; sysRoot?: string; env?: NodeJS.ProcessEnv; totalMs?: number; realClock?: boolean } = {},
): TestContext {
  const { sink, lines } = memorySink();
  const log = createLogger({ stage: 'fetch', sink });
  const sleeps: number[] = [];
  let clock = 1_000_000;
  let hook: (count: number) => Promise<void> | void = () => {};
  const fetch = createFetchContext({
    offline: options.offline ?? false,
    timeouts: { responseHeadersMs: 5_000, totalMs: options.totalMs ?? 0 },
    log: (line) => lines.push(line),
    // A real clock where a deadline must hold in wall time (hooks cut off by a timer).
    now: options.realClock === true ? Date.now : () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (options.realClock === true) await new Promise((resolve) => setTimeout(resolve, ms));
      else clock += ms;
      await hook(sleeps.length);
    },
  });
  const mountDir = mkdtempSync(join(tmpdir(), 'kindling-providers-mnt-'));
  const ctx: ProviderContext = {
    fetch,
    device: { exec: createExec(log), log, tools: toolsFromEnv() },
    env: options.env ?? {},
    endpoints: options.endpoints ?? {},
    sysRoot: options.sysRoot ?? '/',
    mountDir,
  };
  return {
    ctx,
    lines,
    sleeps,
    onSleep: (fn) => {
      hook = fn;
    },
    close: async () => {
      await closeFetchContext(fetch);
      rmSync(mountDir, { recursive: true, force: true });
    },
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface MetadataServer {
  url: string;
  port: number;
  seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string; remotePort: number }[];
  close: () => Promise<void>;
}

/** An HTTP server on 127.0.0.1 (port 0 = any free port) that records every request. */
export function startServer(handler: Handler, port = 0): Promise<MetadataServer> {
  const seen: MetadataServer['seen'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, remotePort: req.socket.remotePort ?? 0 });
      handler(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        port: bound,
        seen,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A port nothing listens on (bound and released), so connecting to it is refused. */
export async function freePort(): Promise<number> {
  const s = await startServer(() => {});
  await s.close();
  return s.port;
}

/** Answers from a path -> [status, body] table; unknown paths are 404. */
export function routes(table: Record<string, [number, string | Buffer] | ((req: IncomingMessage, body: string) => [number, string | Buffer])>): Handler {
  return (req, res, body) => {
    const route = table[req.url ?? ''];
    const [status, payload] = route === undefined ? [404, 'not found'] : typeof route === 'function' ? route(req, body) : route;
    res.writeHead(status);
    res.end(payload);
  };
}

const trees: string[] = [];
process.on('exit', () => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

/** Writes a tree of files (relative path -> content) under a new temporary directory, removed at exit. */
export function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'kindling-providers-tree-'));
  trees.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

export interface Drive {
  device: string;
  detach: () => Promise<void>;
}

/** Runs a tool the drive helpers need; its stderr is the error when it fails. */
async function must(command: string, args: readonly string[]): Promise<string> {
  const r = await run(command, args, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Attaches `image` to a free loop device; detaching also removes the image and its source tree. */
async function loopDrive(image: string, dir: string): Promise<Drive> {
  const device = await must('losetup', ['-f', '--show', image]);
  return {
    device,
    detach: async () => {
      await must('losetup', ['-d', device]);
      // A device still busy (a provider's mount not yet released) is only marked for autoclear;
      // wait until it is really gone, so the next test cannot find this drive's label.
      const backing = join('/sys/block', basename(device), 'loop', 'backing_file');
      for (let i = 0; i < 100 && existsSync(backing); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      rmSync(dirname(image), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A labelled ext4 image made with `mkfs.ext4 -d` (no mount needed to fill it) on a loop device.
 * Real config drives are ISO 9660 or VFAT; providers mount with `-t auto`, so the filesystem type
 * does not matter to them, and ext4 is what every test kernel can mount.
 */
export async function configDrive(label: string, files: Record<string, string | Buffer>): Promise<Drive> {
  const dir = tree(files);
  const image = join(mkdtempSync(join(tmpdir(), 'kindling-drive-img-')), 'drive.img');
  await must('truncate', ['-s', '8M', image]);
  await must('mkfs.ext4', ['-q', '-L', label, '-d', dir, image]);
  return loopDrive(image, dir);
}

/**
 * An unlabelled EROFS image on a loop device, for lookups by filesystem type (Azure's custom-data
 * CD-ROM is UDF, which test kernels lack). EROFS keeps the lookup away from other tests' ext4 disks.
 */
export async function erofsDrive(files: Record<string, string | Buffer>): Promise<Drive> {
  const dir = tree(files);
  const image = join(mkdtempSync(join(tmpdir(), 'kindling-drive-img-')), 'drive.img');
  await must('mkfs.erofs', ['--quiet', image, dir]);
  return loopDrive(image, dir);
}

const DRIVE_LOCK = join(tmpdir(), 'kindling-provider-drives.lock');

function lockHolderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(DRIVE_LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drives are found by label or type machine-wide, so two test runs at once (two people, or the
 * suite and one file) would see each other's drives. This lock serialises the drive tests across
 * processes; a lock left by a dead process is taken over.
 */
export async function lockDrives(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(DRIVE_LOCK);
      writeFileSync(join(DRIVE_LOCK, 'pid'), String(process.pid));
      return () => rmSync(DRIVE_LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Checked twice, apart, so a holder that has not written its pid yet is not mistaken for dead.
      if (lockHolderAlive()) continue;
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!lockHolderAlive()) rmSync(DRIVE_LOCK, { recursive: true, force: true });
    }
  }
}

export const CONFIG = '{"ignition":{"version":"3.4.0"}}';
