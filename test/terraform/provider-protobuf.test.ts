// The provider's own protobuf codec (src/terraform/protobuf.ts) against @grpc/proto-loader (protobufjs)
// over the same descriptor set, with the options the provider used before it had its own codec:
// the same bytes out for every reply the provider's handlers give, the same records in for what a
// client sends, including defaults, oneofs, negative 64-bit integers, map entries, packed and
// unpacked repeated scalars and fields the provider does not know.
import { loadFileDescriptorSetFromBuffer, type MethodDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { describe, expect, test } from 'vitest';
import type { Message, UnaryHandler } from '../../src/terraform/grpc.ts';
import * as generated from '../../src/terraform/proto/descriptors.gen.ts';
import { decodeMessage, encodeMessage, type MessageTable, type ServiceTable } from '../../src/terraform/protobuf.ts';
import { providerService } from '../../src/terraform/provider.ts';
import { encodeValue } from '../../src/terraform/cty.ts';
import { CT_CONFIG_TYPE } from '../../src/terraform/schema.ts';

const PROTO_MESSAGES: MessageTable = generated.PROTO_MESSAGES;
const PROTO_SERVICES: ServiceTable = generated.PROTO_SERVICES;
const reference = loadFileDescriptorSetFromBuffer(Buffer.from(generated.DESCRIPTOR_SET_BASE64, 'base64'), {
  keepCase: true,
  longs: Number,
  enums: Number,
  defaults: true,
  oneofs: true,
});
type Method = MethodDefinition<Message, Message, Message, Message>;
const method = (service: string, name: string): Method => (reference[service] as ServiceDefinition)[name] as unknown as Method;

const config = Buffer.from(
  encodeValue({ content: 'variant: fcos\nversion: 1.5.0\n', files_dir: null, id: null, pretty_print: true, rendered: null, snippets: ['a', 'b'], strict: null }, CT_CONFIG_TYPE),
);

describe('protobuf codec', () => {
  test('the tables name every service and method of the descriptor set', () => {
    for (const [service, methods] of Object.entries(PROTO_SERVICES)) {
      const definition = reference[service] as ServiceDefinition;
      expect(Object.keys(methods).sort(), service).toEqual(Object.keys(definition).sort());
      for (const [name, spec] of Object.entries(methods)) {
        expect([spec.clientStreaming, spec.serverStreaming], `${service}/${name}`).toEqual([definition[name]?.requestStream, definition[name]?.responseStream]);
      }
    }
  });

  test('an empty message decodes to the same defaults for every request and reply type', () => {
    for (const [service, methods] of Object.entries(PROTO_SERVICES)) {
      for (const [name, spec] of Object.entries(methods)) {
        const m = method(service, name);
        expect(decodeMessage(PROTO_MESSAGES, spec.input, Buffer.alloc(0)), `${service}/${name} request`).toEqual(m.requestDeserialize(Buffer.alloc(0)));
        expect(decodeMessage(PROTO_MESSAGES, spec.output, Buffer.alloc(0)), `${service}/${name} reply`).toEqual(m.responseDeserialize(Buffer.alloc(0)));
      }
    }
  });

  test('every reply of the provider encodes to the same bytes, and decodes back the same', async () => {
    const requests: Record<string, Message> = {
      ReadDataSource: { type_name: 'ct_config', config: { msgpack: config } },
      ValidateDataSourceConfig: { type_name: 'ct_config', config: { msgpack: config } },
      ValidateDataResourceConfig: { type_name: 'other', config: { msgpack: Buffer.from([0x92, 0x01]) } },
      PrepareProviderConfig: { config: { msgpack: Buffer.from([0x80]) } },
    };
    let checked = 0;
    for (const protocol of [5, 6] as const) {
      const { name: service, handlers } = providerService(protocol);
      for (const [name, handler] of Object.entries(handlers)) {
        const spec = PROTO_SERVICES[service]?.[name];
        if (spec === undefined) throw new Error(`${service}/${name} not in the tables`);
        const reply = await (handler as UnaryHandler)(requests[name] ?? { type_name: 'ct_config' });
        const ours = encodeMessage(PROTO_MESSAGES, spec.output, reply);
        const theirs = method(service, name).responseSerialize(reply);
        expect(ours.toString('hex'), `${service}/${name}`).toBe(Buffer.from(theirs).toString('hex'));
        expect(decodeMessage(PROTO_MESSAGES, spec.output, theirs), `${service}/${name}`).toEqual(method(service, name).responseDeserialize(theirs));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(26);
  });

  test('requests as a client sends them decode to the same records', () => {
    const read = method('tfplugin6.Provider', 'ReadDataSource');
    const request = { type_name: 'ct_config', config: { msgpack: config, json: Buffer.from('{}') }, provider_meta: { msgpack: Buffer.from([0xc0]) } };
    const bytes = read.requestSerialize(request);
    const decoded = decodeMessage(PROTO_MESSAGES, 'tfplugin6.ReadDataSource.Request', bytes);
    expect(decoded).toEqual(read.requestDeserialize(bytes));
    expect(Buffer.isBuffer((decoded['config'] as Message)['msgpack'])).toBe(true);
  });

  test('oneofs, negative and large int64, map entries and enums round-trip as protobufjs has them', () => {
    const reply = {
      diagnostics: [
        {
          severity: 2,
          summary: 'ü & <tag>',
          detail: '',
          attribute: { steps: [{ attribute_name: 'snippets' }, { element_key_int: -3 }, { element_key_int: 2 ** 40 }, { element_key_string: 'k' }] },
        },
      ],
      resource_schemas: [{ key: 'x', value: { version: -1, block: { version: 0, attributes: [], block_types: [{ type_name: 'b', nesting: 3, min_items: 1, max_items: 0 }] } } }],
    };
    for (const type of ['tfplugin5', 'tfplugin6']) {
      const m = method(`${type}.Provider`, type === 'tfplugin5' ? 'GetSchema' : 'GetProviderSchema');
      const ours = encodeMessage(PROTO_MESSAGES, `${type}.GetProviderSchema.Response`, reply);
      expect(ours.toString('hex')).toBe(Buffer.from(m.responseSerialize(reply)).toString('hex'));
      const decoded = decodeMessage(PROTO_MESSAGES, `${type}.GetProviderSchema.Response`, ours);
      expect(decoded).toEqual(m.responseDeserialize(ours));
      const steps = ((decoded['diagnostics'] as Message[])[0]?.['attribute'] as { steps: Message[] }).steps;
      expect(steps[1]).toEqual({ element_key_int: -3, selector: 'element_key_int' });
    }
  });

  test('packed and unpacked repeated scalars and unknown fields are read as protobufjs reads them', () => {
    const table: MessageTable = {
      'test.Numbers': [
        { name: 'values', number: 1, type: 'int64', repeated: true },
        { name: 'flags', number: 2, type: 'bool', repeated: true },
      ],
    };
    // values = [1, 300] packed, flags = true unpacked, then unknown fields 7 (varint), 8 (fixed64),
    // 9 (length-delimited), 10 (fixed32), 11 (group), and values = 5 unpacked.
    const bytes = Buffer.from([0x0a, 0x03, 0x01, 0xac, 0x02, 0x10, 0x01, 0x38, 0x96, 0x01, 0x41, 1, 2, 3, 4, 5, 6, 7, 8, 0x4a, 0x01, 0x00, 0x55, 1, 2, 3, 4, 0x5b, 0x08, 0x01, 0x5c, 0x08, 0x05]);
    expect(decodeMessage(table, 'test.Numbers', bytes)).toEqual({ values: [1, 300, 5], flags: [true] });
    expect(encodeMessage(table, 'test.Numbers', { values: [1, 300], flags: [] }).toString('hex')).toBe('0a0301ac02');
    expect(() => decodeMessage(table, 'test.Numbers', Buffer.from([0x0a, 0x05, 0x01]))).toThrow(RangeError);
  });

  test('values that are not what the field holds are refused as protobufjs refuses them', () => {
    expect(() => encodeMessage(PROTO_MESSAGES, 'tfplugin6.ReadDataSource.Response', { diagnostics: {} })).toThrow('array expected');
    expect(() => encodeMessage(PROTO_MESSAGES, 'tfplugin6.ReadDataSource.Response', { state: 'x' })).toThrow('object expected');
    // Base64 text is bytes, as in protobufjs's fromObject.
    expect(encodeMessage(PROTO_MESSAGES, 'tfplugin6.DynamicValue', { msgpack: 'gA==' }).toString('hex')).toBe('0a0180');
  });
});
