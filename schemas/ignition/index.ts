// The Ignition JSON Schemas keyed by spec version, bundled into the executable (esbuild inlines
// JSON imports), plus the generated types of each version. Nothing reads the schema files at run time.
import v3_0 from './v3_0.json' with { type: 'json' };
import v3_1 from './v3_1.json' with { type: 'json' };
import v3_2 from './v3_2.json' with { type: 'json' };
import v3_3 from './v3_3.json' with { type: 'json' };
import v3_4 from './v3_4.json' with { type: 'json' };
import v3_5 from './v3_5.json' with { type: 'json' };
import v3_6 from './v3_6.json' with { type: 'json' };
import v3_7_experimental from './v3_7_experimental.json' with { type: 'json' };

export type * as V3_0 from './v3_0.gen.ts';
export type * as V3_1 from './v3_1.gen.ts';
export type * as V3_2 from './v3_2.gen.ts';
export type * as V3_3 from './v3_3.gen.ts';
export type * as V3_4 from './v3_4.gen.ts';
export type * as V3_5 from './v3_5.gen.ts';
export type * as V3_6 from './v3_6.gen.ts';
export type * as V3_7_experimental from './v3_7_experimental.gen.ts';

/** A JSON Schema document as ajv takes it; the precise literal types are of no use to callers. */
export type IgnitionSchema = Record<string, unknown>;

/** Keyed by the exact `ignition.version` strings of src/config/versions.ts, oldest first. */
export const schemas: Readonly<Record<
  | '3.0.0'
  | '3.1.0'
  | '3.2.0'
  | '3.3.0'
  | '3.4.0'
  | '3.5.0'
  | '3.6.0'
  | '3.7.0-experimental',
  IgnitionSchema
>> = {
  '3.0.0': v3_0,
  '3.1.0': v3_1,
  '3.2.0': v3_2,
  '3.3.0': v3_3,
  '3.4.0': v3_4,
  '3.5.0': v3_5,
  '3.6.0': v3_6,
  '3.7.0-experimental': v3_7_experimental,
};

/** The newest generated types, the only shape the runner and the transpiler's output handle. */
export type * from './v3_7_experimental.gen.ts';
