// The protobuf wire codec of the provider's gRPC messages, driven by the field tables that
// scripts/generate-terraform-proto.mjs compiles from src/terraform/proto (descriptors.gen.ts).
// Why not @grpc/proto-loader at run time: building its definitions from a descriptor set cost
// about 30 ms of CPU at every provider start, and Terraform starts the provider three or four
// times per plan. The records are the ones proto-loader produced with { keepCase, longs: Number,
// enums: Number, defaults: true, oneofs: true } (test/terraform/provider-protobuf.test.ts checks
// both directions against it):
// - decoding: every field present, absent ones at their default ('' / 0 / false / empty Buffer /
//   [] / null for messages), except oneof members, which appear only when set, with the oneof's own
//   name naming the member that is; bytes are Buffers; 64-bit integers are Numbers; map fields are
//   lists of { key, value } entries (their wire form);
// - encoding: null and undefined fields are left out, every other value is written (zeros too),
//   converted as protobufjs's fromObject converts (String, Boolean, `| 0`, `>>> 0`, base64 strings
//   as bytes); a message field that is not an object, or a list field that is not an array, throws.

export type FieldType = 'bool' | 'string' | 'bytes' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'enum' | 'message';

export interface FieldSpec {
  readonly name: string;
  readonly number: number;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /** The message type's full name, for `message` fields. */
  readonly message?: string;
  /** The oneof this field is a member of. */
  readonly oneof?: string;
}

export type MessageTable = Readonly<Record<string, readonly FieldSpec[]>>;

export interface MethodSpec {
  readonly input: string;
  readonly output: string;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
}

export type ServiceTable = Readonly<Record<string, Readonly<Record<string, MethodSpec>>>>;

type PlainRecord = Record<string, unknown>;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

function fieldsOf(table: MessageTable, type: string): readonly FieldSpec[] {
  const fields = table[type];
  if (fields === undefined) throw new Error(`protobuf: no message type ${type}`);
  return fields;
}

/** Scalars packed in one length-delimited field when repeated (proto3's default). */
const isPackable = (type: FieldType): boolean => type !== 'string' && type !== 'bytes' && type !== 'message';

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer below 2^53. */
  varint(value: number): void {
    this.reserve(8);
    while (value > 0x7f) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  /** Any 64-bit pattern (negative numbers as their two's complement: ten bytes). */
  varint64(value: bigint): void {
    let rest = BigInt.asUintN(64, value);
    this.reserve(10);
    while (rest > 0x7fn) {
      this.buf[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.pos++] = Number(rest);
  }

  tag(number: number, wireType: number): void {
    this.varint(number * 8 + wireType);
  }

  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  string(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.varint(length);
    this.reserve(length);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return BigInt(String(value));
}

function toBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (value instanceof Uint8Array) return value;
  return Uint8Array.from(value as ArrayLike<number>);
}

/** One scalar value, without its tag (varint-typed ones as varints). */
function writeScalar(writer: Writer, type: FieldType, value: unknown): void {
  switch (type) {
    case 'bool':
      writer.varint(value ? 1 : 0);
      return;
    case 'string':
      writer.string(String(value));
      return;
    case 'bytes':
      writer.bytes(toBytes(value));
      return;
    case 'int32':
    case 'enum': {
      const n = Number(value) | 0;
      if (n >= 0) writer.varint(n);
      else writer.varint64(BigInt(n));
      return;
    }
    case 'uint32':
      writer.varint(Number(value) >>> 0);
      return;
    case 'int64':
    case 'uint64':
      writer.varint64(toBigInt(value));
      return;
    case 'message':
      throw new Error('protobuf: a message is not a scalar');
  }
}

function writeMessage(table: MessageTable, type: string, value: PlainRecord, writer: Writer): void {
  for (const field of fieldsOf(table, type)) {
    const item = value[field.name];
    if (item === null || item === undefined) continue;
    if (field.repeated) {
      if (!Array.isArray(item)) throw new TypeError(`.${type}.${field.name}: array expected`);
      if (item.length === 0) continue;
      if (isPackable(field.type)) {
        const packed = new Writer();
        for (const element of item) writeScalar(packed, field.type, element);
        writer.tag(field.number, LENGTH);
        writer.bytes(packed.finish());
        continue;
      }
      for (const element of item) writeField(table, type, field, element, writer);
      continue;
    }
    writeField(table, type, field, item, writer);
  }
}

function writeField(table: MessageTable, type: string, field: FieldSpec, value: unknown, writer: Writer): void {
  if (field.type === 'message') {
    if (typeof value !== 'object' || value === null) throw new TypeError(`.${type}.${field.name}: object expected`);
    const nested = new Writer();
    writeMessage(table, field.message as string, value as PlainRecord, nested);
    writer.tag(field.number, LENGTH);
    writer.bytes(nested.finish());
    return;
  }
  writer.tag(field.number, field.type === 'string' || field.type === 'bytes' ? LENGTH : VARINT);
  writeScalar(writer, field.type, value);
}

/** The wire bytes of a record of message type `type` (a full name such as `tfplugin5.Diagnostic`). */
export function encodeMessage(table: MessageTable, type: string, value: PlainRecord): Buffer {
  if (typeof value !== 'object' || value === null) throw new TypeError(`.${type}: object expected`);
  const writer = new Writer();
  writeMessage(table, type, value, writer);
  return writer.finish();
}

class Reader {
  readonly buf: Buffer;
  readonly end: number;
  pos: number;

  constructor(buf: Buffer, start: number, end: number) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new RangeError(`protobuf: index out of range: ${this.pos} + 1 > ${this.end}`);
    return this.buf[this.pos++] as number;
  }

  /** The low 32 bits of a varint, as a signed integer. */
  varint32(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      if (shift < 32) result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }

  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return BigInt.asUintN(64, result);
  }

  /** The bounds of a length-delimited value, which is then skipped. */
  span(): [number, number] {
    const length = this.varint32() >>> 0;
    const start = this.pos;
    if (start + length > this.end) throw new RangeError(`protobuf: index out of range: ${start} + ${length} > ${this.end}`);
    this.pos = start + length;
    return [start, start + length];
  }

  skip(wireType: number, number: number): void {
    switch (wireType) {
      case VARINT:
        this.varint64();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LENGTH:
        this.span();
        return;
      case START_GROUP:
        for (;;) {
          const tag = this.varint32() >>> 0;
          if ((tag & 7) === END_GROUP) {
            if (tag >>> 3 !== number) throw new Error(`protobuf: group ${number} ends as ${tag >>> 3}`);
            return;
          }
          this.skip(tag & 7, tag >>> 3);
        }
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw new Error(`protobuf: invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new RangeError(`protobuf: index out of range: ${this.pos} + ${n} > ${this.end}`);
    this.pos += n;
  }
}

function readScalar(reader: Reader, type: FieldType): unknown {
  switch (type) {
    case 'bool':
      return reader.varint32() !== 0;
    case 'string': {
      const [start, end] = reader.span();
      return reader.buf.toString('utf8', start, end);
    }
    case 'bytes': {
      const [start, end] = reader.span();
      return reader.buf.subarray(start, end);
    }
    case 'int32':
    case 'enum':
      return reader.varint32();
    case 'uint32':
      return reader.varint32() >>> 0;
    case 'int64':
      return Number(BigInt.asIntN(64, reader.varint64()));
    case 'uint64':
      return Number(reader.varint64());
    case 'message':
      throw new Error('protobuf: a message is not a scalar');
  }
}

function defaultValue(field: FieldSpec): unknown {
  if (field.repeated) return [];
  switch (field.type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'message':
      return null;
    default:
      return 0;
  }
}

function readMessage(table: MessageTable, type: string, reader: Reader): PlainRecord {
  const fields = fieldsOf(table, type);
  const result: PlainRecord = {};
  for (const field of fields) if (field.oneof === undefined) result[field.name] = defaultValue(field);
  while (reader.pos < reader.end) {
    const tag = reader.varint32() >>> 0;
    const wireType = tag & 7;
    const field = fields.find((candidate) => candidate.number === tag >>> 3);
    if (field === undefined) {
      reader.skip(wireType, tag >>> 3);
      continue;
    }
    let value: unknown;
    if (field.type === 'message') {
      const [start, end] = reader.span();
      value = readMessage(table, field.message as string, new Reader(reader.buf, start, end));
    } else if (field.repeated && wireType === LENGTH && isPackable(field.type)) {
      const [start, end] = reader.span();
      const packed = new Reader(reader.buf, start, end);
      const list = result[field.name] as unknown[];
      while (packed.pos < packed.end) list.push(readScalar(packed, field.type));
      continue;
    } else {
      value = readScalar(reader, field.type);
    }
    if (field.repeated) (result[field.name] as unknown[]).push(value);
    else result[field.name] = value;
  }
  for (const field of fields) if (field.oneof !== undefined && field.name in result) result[field.oneof] = field.name;
  return result;
}

/** The record of message type `type` that `bytes` encode. */
export function decodeMessage(table: MessageTable, type: string, bytes: Uint8Array): PlainRecord {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return readMessage(table, type, new Reader(buf, 0, buf.length));
}
