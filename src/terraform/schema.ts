// The ct provider's schema, as poseidon/terraform-provider-ct v0.14 declares it: no provider
// arguments and one data source, ct_config. `id` is the attribute Terraform's plugin SDK adds to
// every data source (optional and computed); ct sets it to the CRC-32 of `rendered`.

import type { CtyType } from './cty.ts';

export const PROVIDER_TYPE = 'ct';
export const DATA_SOURCE = 'ct_config';

export interface AttributeSchema {
  name: string;
  type: CtyType;
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

export const CT_CONFIG_ATTRIBUTES: readonly AttributeSchema[] = [
  { name: 'content', type: 'string', required: true, description: 'Butane config to render (any variant and version Kindling transpiles)' },
  { name: 'files_dir', type: 'string', optional: true, description: 'allow embedding local files relative to this directory' },
  { name: 'id', type: 'string', optional: true, computed: true, description: 'CRC-32 (IEEE) of rendered, in decimal' },
  { name: 'pretty_print', type: 'bool', optional: true, description: 'indent the rendered JSON with two spaces (default false)' },
  { name: 'rendered', type: 'string', computed: true, description: 'rendered ignition configuration' },
  { name: 'snippets', type: { list: 'string' }, optional: true, description: 'Butane configs merged onto content, in order' },
  { name: 'strict', type: 'bool', optional: true, description: 'fail on any warning (default false)' },
];

/** The object type of a ct_config value (config, state). */
export const CT_CONFIG_TYPE: CtyType = {
  object: Object.fromEntries(CT_CONFIG_ATTRIBUTES.map((attribute) => [attribute.name, attribute.type])),
};

/** The provider block takes no arguments. */
export const PROVIDER_CONFIG_TYPE: CtyType = { object: {} };
