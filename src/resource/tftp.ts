// A TFTP client (RFC 1350, octet mode) with the blksize and tsize options (RFC 2347-2349), on
// node:dgram. The transfer is lock-step, so the next block is acknowledged only when the consumer
// reads, which keeps memory bounded however large the file.
import type { RemoteInfo } from 'node:dgram';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { fetchError } from './errors.ts';
import { requireOnline } from './offline.ts';
import { redact } from './url.ts';

const RRQ = 1;
const DATA = 3;
const ACK = 4;
const ERROR = 5;
const OACK = 6;

/** Largest block that fits an Ethernet frame without IP fragmentation (RFC 2348's example). */
export const requestedBlockSize = 1468;
const retransmitMs = 1_000;
const maxRetransmits = 5;

export function openTftp(source: string, ctx: FetchContext, path: ConfigPath): Promise<Readable> {
  requireOnline(ctx, source, path);
  const url = new URL(source);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 69 : Number(url.port);
  const file = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const socket = process.getBuiltinModule('node:dgram').createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  ctx.log(`GET ${redact(source)}: attempt #1`);

  return new Promise<Readable>((resolve, reject) => {
    let peer: { address: string; port: number } | undefined;
    let blockSize = 512;
    let expected = 1;
    let lastSent: Buffer = rrq(file);
    let lastTo = { address: host, port };
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    let pendingAck: Buffer | undefined;
    let finished = false;
    let started = false;
    let received = 0;
    let announced: number | undefined;

    const stream = new Readable({
      read() {
        if (pendingAck !== undefined) {
          const ack = pendingAck;
          pendingAck = undefined;
          send(ack, peer!);
        }
      },
      destroy(error, done) {
        close();
        done(error);
      },
    });

    const fail = (error: Error): void => {
      if (finished) return;
      close();
      if (started) stream.destroy(error);
      else reject(error);
    };
    const onAbort = (): void => fail(ctx.signal?.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
    const close = (): void => {
      finished = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      try {
        socket.close();
      } catch {
        return;
      }
    };
    const send = (packet: Buffer, to: { address: string; port: number }): void => {
      lastSent = packet;
      lastTo = to;
      tries = 0;
      socket.send(packet, to.port, to.address);
      arm();
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (++tries > maxRetransmits) {
          fail(fetchError('FETCH_FAILED', path, source, new Error(`tftp: no answer after ${maxRetransmits} retransmissions`)));
          return;
        }
        ctx.log(`GET ${redact(source)}: no answer within ${retransmitMs} ms; retransmission #${tries}`);
        socket.send(lastSent, lastTo.port, lastTo.address);
        arm();
      }, retransmitMs);
    };
    const begin = (): void => {
      if (!started) {
        started = true;
        resolve(stream);
      }
    };

    if (ctx.signal?.aborted === true) {
      onAbort();
      return;
    }
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => fail(fetchError('FETCH_FAILED', path, source, error)));
    socket.on('message', (msg: Buffer, from: RemoteInfo) => {
      if (finished || msg.length < 4) return;
      // The server answers from a fresh port (its transfer ID); anything from elsewhere is ignored.
      if (peer === undefined) peer = { address: from.address, port: from.port };
      else if (peer.port !== from.port || peer.address !== from.address) {
        socket.send(errorPacket(5, 'Unknown transfer ID'), from.port, from.address);
        return;
      }
      const opcode = msg.readUInt16BE(0);
      if (opcode === ERROR) {
        const code = msg.readUInt16BE(2);
        const text = msg.subarray(4, Math.max(4, msg.indexOf(0, 4))).toString();
        fail(code === 1 ? fetchError('NOT_FOUND', path, source, undefined) : fetchError('TFTP_ERROR', path, source, undefined, code, text));
      } else if (opcode === OACK && expected === 1) {
        const options = parseOptions(msg.subarray(2));
        if (options.blksize !== undefined) blockSize = Number(options.blksize);
        if (options.tsize !== undefined) announced = Number(options.tsize);
        send(ackPacket(0), peer);
      } else if (opcode === DATA) {
        const block = msg.readUInt16BE(2);
        if (block !== expected % 65536) {
          // A duplicate of an earlier block: our ACK was lost, so repeat it (unless the consumer
          // has not taken the block yet, in which case the ACK goes out when it does).
          if (block === (expected - 1) % 65536 && pendingAck === undefined) socket.send(ackPacket(block), peer.port, peer.address);
          return;
        }
        clearTimeout(timer);
        const data = msg.subarray(4);
        received += data.length;
        expected++;
        const ack = ackPacket(block);
        begin();
        if (data.length < blockSize) {
          socket.send(ack, peer.port, peer.address);
          close();
          if (announced !== undefined && announced !== received) {
            stream.destroy(fetchError('FETCH_FAILED', path, source, new Error(`tftp: received ${received} bytes, server announced ${announced}`)));
            return;
          }
          if (data.length > 0) stream.push(data);
          stream.push(null);
          return;
        }
        if (stream.push(data)) send(ack, peer);
        else pendingAck = ack;
      }
    });
    socket.send(lastSent, port, host, (error) => {
      if (error) fail(fetchError('FETCH_FAILED', path, source, error));
    });
    arm();
  });
}

function rrq(file: string): Buffer {
  const fields = [file, 'octet', 'blksize', String(requestedBlockSize), 'tsize', '0'];
  return Buffer.concat([u16(RRQ), ...fields.map((f) => Buffer.from(`${f}\0`, 'latin1'))]);
}

function ackPacket(block: number): Buffer {
  return Buffer.concat([u16(ACK), u16(block)]);
}

function errorPacket(code: number, text: string): Buffer {
  return Buffer.concat([u16(ERROR), u16(code), Buffer.from(`${text}\0`)]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function parseOptions(body: Buffer): Record<string, string> {
  const parts = body.toString('latin1').split('\0');
  const options: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) options[parts[i]!.toLowerCase()] = parts[i + 1]!;
  return options;
}
