// The Provider service handlers of both protocols, called as the gRPC layer calls them (plain
// records, msgpack DynamicValues): schema, validation with unknown values, reads with state and
// diagnostics pointing at `content` or `snippets[i]`, unknown types, and the v5/v6 name mapping.
import { describe, expect, test } from 'vitest';
import { decodeValue, encodeValue, UNKNOWN, type CtyValue } from '../../src/terraform/cty.ts';
import type { Message, UnaryHandler } from '../../src/terraform/grpc.ts';
import { providerService } from '../../src/terraform/provider.ts';
import { renderedId } from '../../src/terraform/render.ts';
import { CT_CONFIG_TYPE } from '../../src/terraform/schema.ts';

const v5 = providerService(5);
const v6 = providerService(6);
/** Handlers may answer with a promise (a read loads the render pipeline first). */
const call = async (handlers: typeof v5.handlers, method: string, request: Message = {}): Promise<Message> => {
  const handler = handlers[method];
  if (typeof handler !== 'function') throw new Error(`no ${method}`);
  return (handler as UnaryHandler)(request);
};

const config = (values: Record<string, CtyValue>): Message => ({
  msgpack: Buffer.from(encodeValue({ content: null, files_dir: null, id: null, pretty_print: null, rendered: null, snippets: null, strict: null, ...values }, CT_CONFIG_TYPE)),
});
const fcos = 'variant: fcos\nversion: 1.5.0\n';

interface Diag {
  severity: number;
  summary: string;
  detail: string;
  attribute?: { steps: object[] };
}

describe('Provider service', () => {
  test('both protocols serve the same methods under their own names', () => {
    expect(v5.name).toBe('tfplugin5.Provider');
    expect(v6.name).toBe('tfplugin6.Provider');
    expect(Object.keys(v5.handlers).sort()).toEqual(
      ['ApplyResourceChange', 'Configure', 'GetMetadata', 'GetSchema', 'ImportResourceState', 'PlanResourceChange', 'PrepareProviderConfig', 'ReadDataSource', 'ReadResource', 'Stop', 'UpgradeResourceState', 'ValidateDataSourceConfig', 'ValidateResourceTypeConfig'].sort(),
    );
    expect(Object.keys(v6.handlers)).toContain('ValidateDataResourceConfig');
    expect(Object.keys(v6.handlers)).toContain('StopProvider');
  });

  test('the schema is ct v0.14’s: content required, rendered computed, id optional+computed, types in cty JSON', async () => {
    const schema = await call(v6.handlers, 'GetProviderSchema') as { data_source_schemas: { key: string; value: { block: { attributes: Record<string, unknown>[] } } }[] };
    expect(schema.data_source_schemas.map((e) => e.key)).toEqual(['ct_config']);
    const attributes = schema.data_source_schemas[0]?.value.block.attributes ?? [];
    const summary = Object.fromEntries(
      attributes.map((a) => [a['name'], `${String(a['type'])}${a['required'] ? ' required' : ''}${a['optional'] ? ' optional' : ''}${a['computed'] ? ' computed' : ''}`]),
    );
    expect(summary).toEqual({
      content: '"string" required',
      files_dir: '"string" optional',
      id: '"string" optional computed',
      pretty_print: '"bool" optional',
      rendered: '"string" computed',
      snippets: '["list","string"] optional',
      strict: '"bool" optional',
    });
    expect(await call(v5.handlers, 'GetSchema')).toEqual(schema);
  });

  test('validation accepts unknown values and reports type mismatches at their attribute', async () => {
    const request = { type_name: 'ct_config', config: config({ content: UNKNOWN, snippets: [fcos, UNKNOWN], strict: UNKNOWN }) };
    expect(await call(v5.handlers, 'ValidateDataSourceConfig', request)).toEqual({ diagnostics: [] });
    expect(await call(v6.handlers, 'ValidateDataResourceConfig', request)).toEqual({ diagnostics: [] });
    const bad = { type_name: 'ct_config', config: { msgpack: Buffer.from(encodeValue({ content: fcos, strict: 'yes' }, { object: { content: 'string', strict: 'string' } })) } };
    const diagnostics = (await call(v6.handlers, 'ValidateDataResourceConfig', bad) as { diagnostics: Diag[] }).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.severity).toBe(1);
    expect(diagnostics[0]?.attribute).toEqual({ steps: [{ attribute_name: 'strict' }] });
  });

  test('a read renders, fills rendered and id, applies the defaults and keeps the arguments', async () => {
    const response = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_config', config: config({ content: fcos }) }) as { state: { msgpack: Buffer }; diagnostics: Diag[] };
    expect(response.diagnostics).toEqual([]);
    const state = decodeValue(response.state.msgpack, CT_CONFIG_TYPE) as Record<string, CtyValue>;
    expect(state['content']).toBe(fcos);
    expect(state['strict']).toBe(false);
    expect(state['pretty_print']).toBe(false);
    expect(state['snippets']).toBeNull();
    expect(state['rendered']).toBe('{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},"kernelArguments":{},"passwd":{},"storage":{},"systemd":{}}');
    expect(state['id']).toBe(renderedId(state['rendered'] as string));
  });

  test('warnings are warning diagnostics on the snippet they come from, with line:col and the line', async () => {
    const response = await call(v5.handlers, 'ReadDataSource', { type_name: 'ct_config', config: config({ content: fcos, snippets: [fcos, `${fcos}foo: 1\n`] }) }) as { state?: object; diagnostics: Diag[] };
    expect(response.state).toBeDefined();
    expect(response.diagnostics).toEqual([
      { severity: 2, summary: 'unused key foo', detail: 'snippets[1]:3:1 at $.foo\n\n  3 | foo: 1', attribute: { steps: [{ attribute_name: 'snippets' }, { element_key_int: 1 }] } },
    ]);
  });

  test('errors point at content and leave no state; strict turns warnings into a failure', async () => {
    const broken = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_config', config: config({ content: `${fcos}storage:\n  files:\n    - path: etc/x\n` }) }) as { state?: object; diagnostics: Diag[] };
    expect(broken.state).toBeUndefined();
    expect(broken.diagnostics.map((d) => [d.severity, d.summary, d.detail.split('\n')[0], d.attribute])).toEqual([
      [1, 'path not absolute', 'content:5:13 at $.storage.files.0.path', { steps: [{ attribute_name: 'content' }] }],
    ]);
    const strict = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_config', config: config({ content: `${fcos}foo: 1\n`, strict: true }) }) as { state?: object; diagnostics: Diag[] };
    expect(strict.state).toBeUndefined();
    expect(strict.diagnostics.map((d) => d.severity)).toEqual([2, 1]);
  });

  test('unknown types, resources and malformed values are error diagnostics', async () => {
    const other = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_other', config: config({ content: fcos }) }) as { diagnostics: Diag[] };
    expect(other.diagnostics[0]?.summary).toBe('unknown data source type "ct_other"');
    const resource = await call(v5.handlers, 'PlanResourceChange', { type_name: 'ct_config' }) as { diagnostics: Diag[] };
    expect(resource.diagnostics[0]?.summary).toBe('unknown resource type "ct_config"');
    const garbage = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_config', config: { msgpack: Buffer.from([0x92, 0x01]) } }) as { diagnostics: Diag[] };
    expect(garbage.diagnostics[0]?.severity).toBe(1);
    const empty = await call(v6.handlers, 'ReadDataSource', { type_name: 'ct_config', config: null }) as { diagnostics: Diag[] };
    expect(empty.diagnostics[0]?.summary).toContain('no msgpack value');
  });

  test('the provider block takes no arguments; v5 hands the config back as prepared', async () => {
    const empty = { msgpack: Buffer.from([0x80]) };
    expect(await call(v5.handlers, 'PrepareProviderConfig', { config: empty })).toEqual({ prepared_config: empty, diagnostics: [] });
    expect(await call(v6.handlers, 'ValidateProviderConfig', { config: empty })).toEqual({ diagnostics: [] });
    expect(await call(v6.handlers, 'GetMetadata')).toMatchObject({ data_sources: [{ type_name: 'ct_config' }], resources: [] });
  });
});
