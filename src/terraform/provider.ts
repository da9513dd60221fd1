// The Provider service of protocols 5 and 6 over the ct schema. The two protocols differ in method
// and message names only, for what this provider uses; both map onto the same handlers here.
// Nothing throws on bad input: a value that does not fit the schema, an unknown type name or a
// config that does not render comes back as diagnostics.

import { isAbsolute, resolve } from 'node:path';
import { messageFor } from '../messages.ts';
import { ProvisionError } from '../report.ts';
import { decodeValue, encodeValue, typeJson, UNKNOWN, type CtyType, type CtyValue } from './cty.ts';
import { errorDiagnostic, findingDiagnostics, type Diagnostic } from './diagnostics.ts';
import type { Message, ServiceHandlers } from './grpc.ts';
import type { ProtocolVersion } from './handshake.ts';
import type { Argument } from './render.ts';
import { CT_CONFIG_ATTRIBUTES, CT_CONFIG_TYPE, DATA_SOURCE, PROVIDER_CONFIG_TYPE } from './schema.ts';

const CAPABILITIES = { plan_destroy: false, get_provider_schema_optional: false };

function schemaMessage(): Message {
  return {
    version: 0,
    block: {
      version: 0,
      attributes: CT_CONFIG_ATTRIBUTES.map((attribute) => ({
        name: attribute.name,
        type: Buffer.from(JSON.stringify(typeJson(attribute.type))),
        description: attribute.description,
        required: attribute.required === true,
        optional: attribute.optional === true,
        computed: attribute.computed === true,
        sensitive: false,
      })),
      block_types: [],
    },
  };
}

function providerSchema(): Message {
  return {
    provider: { version: 0, block: { version: 0, attributes: [], block_types: [] } },
    // Map fields are their wire form, lists of key/value entries, when loaded from a descriptor set.
    resource_schemas: [],
    data_source_schemas: [{ key: DATA_SOURCE, value: schemaMessage() }],
    diagnostics: [],
    server_capabilities: CAPABILITIES,
  };
}

type Decoded = { value: Record<string, CtyValue> } | { diagnostics: Diagnostic[] };

/** A DynamicValue (msgpack) of an object type, or the diagnostics saying why not. */
function decodeConfig(dynamic: unknown, type: CtyType): Decoded {
  const bytes = (dynamic as { msgpack?: Uint8Array } | null)?.msgpack;
  if (bytes === undefined || bytes.length === 0) {
    return { diagnostics: [errorDiagnostic(messageFor('CT_VALUE_INVALID', 'no msgpack value in the request'), 'The client sent no configuration value.')] };
  }
  try {
    const value = decodeValue(bytes, type);
    if (value === null || value === UNKNOWN || typeof value !== 'object' || Array.isArray(value)) {
      return { diagnostics: [errorDiagnostic(messageFor('CT_VALUE_INVALID', 'the configuration is null or unknown'), 'An object was expected.')] };
    }
    return { value };
  } catch (error) {
    if (!ProvisionError.is(error)) throw error;
    const path = error.path === undefined || error.path.length === 0 ? undefined : error.path;
    return { diagnostics: [errorDiagnostic(error.message, 'The value does not match the schema.', path)] };
  }
}

function unknownType(kind: 'data source' | 'resource', name: unknown): Diagnostic[] {
  return [errorDiagnostic(messageFor('CT_TYPE_UNKNOWN', kind, String(name)), `The ct provider has the data source ${DATA_SOURCE} and no resources.`)];
}

function validateDataSource(request: Message): Message {
  if (request['type_name'] !== DATA_SOURCE) return { diagnostics: unknownType('data source', request['type_name']) };
  // Unknown values (computed elsewhere, known at apply) are fine here: only the shape is checked.
  const decoded = decodeConfig(request['config'], CT_CONFIG_TYPE);
  return { diagnostics: 'diagnostics' in decoded ? decoded.diagnostics : [] };
}

const asString = (value: CtyValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

// The render pipeline (transpiler, config core, YAML: most of the provider's code) loads on the
// first read, not at start: Terraform starts the provider three or four times per plan and only
// some of those starts read a data source.
let renderModule: Promise<typeof import('./render.ts')> | undefined;
const loadRender = (): Promise<typeof import('./render.ts')> => (renderModule ??= import('./render.ts'));

async function readDataSource(request: Message): Promise<Message> {
  if (request['type_name'] !== DATA_SOURCE) return { diagnostics: unknownType('data source', request['type_name']) };
  const decoded = decodeConfig(request['config'], CT_CONFIG_TYPE);
  if ('diagnostics' in decoded) return { diagnostics: decoded.diagnostics };
  const config = decoded.value;
  const unknown = Object.entries(config).find(([, value]) => value === UNKNOWN || (Array.isArray(value) && value.includes(UNKNOWN)));
  if (unknown !== undefined) {
    return { diagnostics: [errorDiagnostic(messageFor('CT_VALUE_INVALID', `${unknown[0]} is not known yet`), 'Terraform reads data sources once their arguments are known.', [unknown[0]])] };
  }
  const content = asString(config['content']);
  if (content === undefined) return { diagnostics: [errorDiagnostic(messageFor('CT_VALUE_INVALID', 'content is required'), 'Set content to a Butane config.', ['content'])] };
  // As ct: a null snippet is an empty document (which then lacks a variant).
  const snippets = Array.isArray(config['snippets']) ? config['snippets'].map((item) => asString(item) ?? '') : [];
  const filesDirArgument = asString(config['files_dir']);
  const strict = config['strict'] === true;
  const prettyPrint = config['pretty_print'] === true;
  const filesDir =
    filesDirArgument === undefined || filesDirArgument === '' ? undefined : isAbsolute(filesDirArgument) ? filesDirArgument : resolve(filesDirArgument);
  const { renderCtConfig } = await loadRender();
  const result = renderCtConfig({ content, snippets, strict, prettyPrint, filesDir });
  const sourceOf = (argument: Argument): string | undefined => (argument.name === 'content' ? content : snippets[argument.index]);
  const diagnostics = findingDiagnostics(result.findings, sourceOf);
  if (result.rendered === undefined) return { diagnostics };
  const state: Record<string, CtyValue> = { ...config, strict, pretty_print: prettyPrint, rendered: result.rendered, id: result.id ?? null };
  return { state: { msgpack: Buffer.from(encodeValue(state, CT_CONFIG_TYPE)) }, diagnostics };
}

function noResources(request: Message): Message {
  return { diagnostics: unknownType('resource', request['type_name']) };
}

function validateProviderConfig(request: Message): Diagnostic[] {
  const decoded = decodeConfig(request['config'], PROVIDER_CONFIG_TYPE);
  return 'diagnostics' in decoded ? decoded.diagnostics : [];
}

/** The Provider service's handlers for a protocol, by method name. */
export function providerService(protocol: ProtocolVersion): { name: string; handlers: ServiceHandlers } {
  const metadata = (): Message => ({ server_capabilities: CAPABILITIES, diagnostics: [], data_sources: [{ type_name: DATA_SOURCE }], resources: [] });
  const common: ServiceHandlers = {
    GetMetadata: metadata,
    UpgradeResourceState: noResources,
    ReadResource: noResources,
    PlanResourceChange: noResources,
    ApplyResourceChange: noResources,
    ImportResourceState: noResources,
    ReadDataSource: readDataSource,
  };
  if (protocol === 5) {
    return {
      name: 'tfplugin5.Provider',
      handlers: {
        ...common,
        GetSchema: providerSchema,
        PrepareProviderConfig: (request) => ({ prepared_config: request['config'], diagnostics: validateProviderConfig(request) }),
        ValidateResourceTypeConfig: noResources,
        ValidateDataSourceConfig: validateDataSource,
        Configure: () => ({ diagnostics: [] }),
        Stop: () => ({ Error: '' }),
      },
    };
  }
  return {
    name: 'tfplugin6.Provider',
    handlers: {
      ...common,
      GetProviderSchema: providerSchema,
      ValidateProviderConfig: (request) => ({ diagnostics: validateProviderConfig(request) }),
      ValidateResourceConfig: noResources,
      ValidateDataResourceConfig: validateDataSource,
      ConfigureProvider: () => ({ diagnostics: [] }),
      StopProvider: () => ({ Error: '' }),
    },
  };
}
