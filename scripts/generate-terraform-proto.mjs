// Compiles src/terraform/proto/*.proto into src/terraform/proto/descriptors.gen.ts:
// - PROTO_MESSAGES and PROTO_SERVICES, the field tables the provider's own protobuf codec
//   (src/terraform/protobuf.ts) encodes and decodes with: evaluating them costs nothing at start-up,
//   where building the same from a descriptor set with @grpc/proto-loader cost about 30 ms of CPU
//   at every provider start (bench/RESULTS.md, "Terraform provider");
// - DESCRIPTOR_SET_BASE64, the FileDescriptorSet itself (imports included), for gRPC clients
//   built with @grpc/proto-loader (the tests), so they check the codec against an independent one.
// No .proto file is read at run time (the single executable has none). Needs protoc (Debian:
// protobuf-compiler, with descriptor.proto from libprotobuf-dev, which it recommends).
// test/terraform/provider-proto.test.ts fails when the generated file no longer matches the .proto files.
//
//   node scripts/generate-terraform-proto.mjs            write the file
//   node scripts/generate-terraform-proto.mjs --stdout   print what would be written
import { execaSync } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(repo, 'src', 'terraform', 'proto');
export const PROTO_FILES = [
  'tfplugin5.proto',
  'tfplugin6.proto',
  'go-plugin/grpc_controller.proto',
  'go-plugin/grpc_stdio.proto',
  'go-plugin/grpc_broker.proto',
  'grpc-health/health.proto',
];

// descriptor.proto's FieldDescriptorProto.Type names, as the codec calls them. Types missing here
// (floats, fixed-width and zigzag integers, groups) are refused until protobuf.ts learns them.
const FIELD_TYPES = {
  TYPE_BOOL: 'bool',
  TYPE_STRING: 'string',
  TYPE_BYTES: 'bytes',
  TYPE_INT32: 'int32',
  TYPE_INT64: 'int64',
  TYPE_UINT32: 'uint32',
  TYPE_UINT64: 'uint64',
  TYPE_ENUM: 'enum',
  TYPE_MESSAGE: 'message',
};

/**
 * protoc's text format (what `protoc --decode` prints) as nested records; every field is a list,
 * since any may repeat. Scalars stay strings.
 */
export function parseTextFormat(text) {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}:]|[^\s{}:"]+/g) ?? [];
  let at = 0;
  const block = () => {
    const record = {};
    while (at < tokens.length && tokens[at] !== '}') {
      const key = tokens[at++];
      let value;
      if (tokens[at] === ':') at++;
      if (tokens[at] === '{') {
        at++;
        value = block();
        if (tokens[at++] !== '}') throw new Error(`text format: unclosed ${key}`);
      } else {
        const token = tokens[at++];
        value = token.startsWith('"') ? JSON.parse(token.replace(/\\([0-7]{3})/g, (_, octal) => `\\u00${Number.parseInt(octal, 8).toString(16).padStart(2, '0')}`).replace(/\\'/g, "'")) : token;
      }
      (record[key] ??= []).push(value);
    }
    return record;
  };
  const result = block();
  if (at !== tokens.length) throw new Error('text format: unexpected }');
  return result;
}

const one = (record, key) => record[key]?.[0];

/** Field tables of every message (nested ones by their dotted name) and methods of every service. */
export function codecTables(set) {
  const messages = {};
  const services = {};
  const addMessage = (message, prefix) => {
    const name = `${prefix}.${one(message, 'name')}`;
    const oneofs = (message.oneof_decl ?? []).map((decl) => one(decl, 'name'));
    messages[name] = (message.field ?? [])
      .map((field) => {
        const type = FIELD_TYPES[one(field, 'type')];
        if (type === undefined) throw new Error(`${name}.${one(field, 'name')}: ${one(field, 'type')} is not supported by src/terraform/protobuf.ts`);
        if (one(field, 'proto3_optional') === 'true') throw new Error(`${name}.${one(field, 'name')}: proto3 optional is not supported`);
        const spec = { name: one(field, 'name'), number: Number(one(field, 'number')), type };
        if (one(field, 'label') === 'LABEL_REPEATED') spec.repeated = true;
        if (type === 'message') spec.message = one(field, 'type_name').replace(/^\./, '');
        const oneof = one(field, 'oneof_index');
        if (oneof !== undefined) spec.oneof = oneofs[Number(oneof)];
        return spec;
      })
      .sort((a, b) => a.number - b.number);
    for (const nested of message.nested_type ?? []) addMessage(nested, name);
  };
  for (const file of set.file ?? []) {
    const pkg = one(file, 'package') ?? '';
    for (const message of file.message_type ?? []) addMessage(message, pkg);
    for (const service of file.service ?? []) {
      const methods = {};
      for (const method of service.method ?? []) {
        methods[one(method, 'name')] = {
          input: one(method, 'input_type').replace(/^\./, ''),
          output: one(method, 'output_type').replace(/^\./, ''),
          clientStreaming: one(method, 'client_streaming') === 'true',
          serverStreaming: one(method, 'server_streaming') === 'true',
        };
      }
      services[`${pkg}.${one(service, 'name')}`] = methods;
    }
  }
  return { messages, services };
}

/** A flat record of names, numbers and booleans as a TypeScript object literal. */
const literal = (record) => `{ ${Object.entries(record).map(([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : value}`).join(', ')} }`;

export function generate() {
  const work = mkdtempSync(join(tmpdir(), 'kindling-proto-'));
  try {
    const out = join(work, 'set.pb');
    execaSync('protoc', [`-I${protoDir}`, '--include_imports', `--descriptor_set_out=${out}`, ...PROTO_FILES], { cwd: protoDir });
    const bytes = readFileSync(out);
    const text = execaSync('protoc', ['--decode=google.protobuf.FileDescriptorSet', 'google/protobuf/descriptor.proto'], { input: bytes, cwd: work }).stdout;
    const { messages, services } = codecTables(parseTextFormat(text));
    const base64 = bytes.toString('base64');
    const lines = base64.match(/.{1,100}/g) ?? [];
    return [
      '// GENERATED by scripts/generate-terraform-proto.mjs from src/terraform/proto/*.proto: do not edit.',
      '// The tables are typed where they are used (src/terraform/grpc.ts): generated files import nothing.',
      '',
      '/** Fields of every message by full name, in field-number order. */',
      'export const PROTO_MESSAGES = {',
      ...Object.entries(messages).map(([name, fields]) => `  '${name}': [${fields.map(literal).join(', ')}],`),
      '} as const;',
      '',
      '/** Methods of every service by full name. */',
      'export const PROTO_SERVICES = {',
      ...Object.entries(services).map(([name, methods]) => `  '${name}': {\n${Object.entries(methods).map(([method, spec]) => `    ${method}: ${literal(spec)},`).join('\n')}\n  },`),
      '} as const;',
      '',
      '/** The protobuf FileDescriptorSet (with google/protobuf/empty.proto), base64: for clients built with @grpc/proto-loader. */',
      'export const DESCRIPTOR_SET_BASE64 =',
      ...lines.map((line, index) => `  '${line}'${index === lines.length - 1 ? ';' : ' +'}`),
      '',
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate();
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else writeFileSync(join(protoDir, 'descriptors.gen.ts'), text);
}
