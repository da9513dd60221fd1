// The Ignition JSON Schemas as the decoder relies on them: they compile in ajv's strict mode, keep
// the conventions (titles, x-go-type, closed objects, no semantics), have each version's fields
// exactly from the version that added them, accept real configs and reject wrong types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../schemas/ignition/index.ts';
import { SCHEMA_FILES } from '../../schemas/generate-types.ts';
import { atLeast, SPEC_VERSIONS, type SpecVersion } from '../../src/config/versions.ts';
import { EXAMPLES } from './examples.ts';
import { fields, nodeAt, resolve, typesOf, type SchemaNode } from './schema-walk.ts';

const schemaDir = join(import.meta.dirname, '..', '..', 'schemas', 'ignition');
const rootOf = (version: SpecVersion): SchemaNode => schemas[version] as SchemaNode;

const compiled = new Map<SpecVersion, ValidateFunction>();

/** Compiles like src/config/schema.ts does (strict, all errors, verbose), once per version. */
function compile(version: SpecVersion): ValidateFunction {
  let validate = compiled.get(version);
  if (validate === undefined) {
    const ajv = new Ajv({ strict: true, allErrors: true, verbose: true });
    ajv.addVocabulary(['x-go-type']);
    validate = ajv.compile(schemas[version]);
    compiled.set(version, validate);
  }
  return validate;
}

describe('the schema table', () => {
  it('has one schema per accepted spec version, in order', () => {
    expect(Object.keys(schemas)).toEqual([...SPEC_VERSIONS]);
  });

  it('maps each version to its own file', () => {
    SPEC_VERSIONS.forEach((version, i) => {
      const file = SCHEMA_FILES[i] as string;
      const onDisk: unknown = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
      expect(schemas[version], file).toEqual(onDisk);
      expect(rootOf(version).$id).toBe(`kindling:ignition/${version}`);
    });
  });
});

describe.each(SPEC_VERSIONS)('schema %s', (version) => {
  const root = rootOf(version);

  it('compiles as draft-07 in strict mode with the x-go-type vocabulary', () => {
    expect(root.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: true });
    ajv.addVocabulary(['x-go-type']);
    expect(() => ajv.compile(schemas[version])).not.toThrow();
    // Without the vocabulary strict mode refuses the annotation, so the test above means something.
    expect(() => new Ajv({ strict: true }).compile(schemas[version])).toThrow(/x-go-type/);
  });

  it('closes and names every object after its Go struct', () => {
    const objects = [root, ...Object.values(root.definitions ?? {})];
    for (const node of objects) {
      expect(typesOf(node), node.title).toContain('object');
      expect(node.additionalProperties, node.title).toBe(false);
      expect(node['x-go-type'], node.title).toBe(`types.${node.title}`);
    }
    for (const [name, node] of Object.entries(root.definitions ?? {})) expect(node.title).toBe(name);
    expect(root.title).toBe('Config');
  });

  it('gives every field and list element a Go type that fits its JSON type', () => {
    const all = fields(root);
    for (const { steps, node } of all) {
      const where = steps.join('.');
      const goType = node['x-go-type'];
      expect(goType, where).toBeTypeOf('string');
      const target = resolve(root, node);
      if (node.$ref !== undefined) expect(goType, where).toBe(`types.${target.title}`);
      const json = typesOf(target).filter((t) => t !== 'null');
      const expected: Record<string, RegExp> = {
        integer: /^int$/,
        boolean: /^bool$/,
        string: /^(string|types\.[A-Z]\w*)$/,
        array: /^(\[\]types\.[A-Z]\w*|types\.HTTPHeaders)$/,
        object: /^types\.[A-Z]\w*$/,
      };
      expect(json, where).toHaveLength(1);
      expect(goType, where).toMatch(expected[json[0] as string] as RegExp);
    }
  });

  it('leaves required fields and semantic rules to code', () => {
    const forbidden = ['required', 'enum', 'const', 'pattern', 'format', 'minimum', 'maximum',
      'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'oneOf', 'anyOf', 'allOf'];
    const visit = (node: SchemaNode, where: string): void => {
      for (const key of Object.keys(node)) expect(forbidden, `${where}.${key}`).not.toContain(key);
      for (const [name, child] of Object.entries({ ...node.properties, ...node.definitions })) {
        visit(child, `${where}.${name}`);
      }
      if (node.items !== undefined) visit(node.items, `${where}[]`);
    };
    visit(root, '$');
  });
});

/** Field -> the first spec version that has it (ignition-spec.md §1 and §2). */
const FIRST_VERSION: Record<string, SpecVersion> = {
  'ignition.config.merge[].compression': '3.1.0',
  'ignition.config.merge[].httpHeaders': '3.1.0',
  'ignition.config.replace.httpHeaders': '3.1.0',
  'ignition.security.tls.certificateAuthorities[].compression': '3.1.0',
  'ignition.proxy': '3.1.0',
  'ignition.proxy.noProxy': '3.1.0',
  'storage.files[].contents.compression': '3.0.0',
  'storage.files[].contents.httpHeaders': '3.1.0',
  'storage.files[].append[].httpHeaders': '3.1.0',
  'storage.filesystems[].mountOptions': '3.1.0',
  'storage.disks[].partitions[].shouldExist': '3.0.0',
  'storage.disks[].partitions[].wipePartitionEntry': '3.0.0',
  'storage.disks[].partitions[].resize': '3.2.0',
  'storage.luks': '3.2.0',
  'storage.luks[].clevis.custom.needsNetwork': '3.2.0',
  'storage.luks[].clevis.tang[].thumbprint': '3.2.0',
  'storage.luks[].clevis.tang[].advertisement': '3.4.0',
  'storage.luks[].discard': '3.4.0',
  'storage.luks[].openOptions': '3.4.0',
  'storage.luks[].cex': '3.5.0',
  'storage.luks[].cex.enabled': '3.5.0',
  'passwd.users[].shouldExist': '3.2.0',
  'passwd.groups[].shouldExist': '3.2.0',
  kernelArguments: '3.3.0',
  'kernelArguments.shouldNotExist': '3.3.0',
  'systemd.units[].dropins[].contents': '3.0.0',
};

describe('version-specific fields', () => {
  for (const [path, first] of Object.entries(FIRST_VERSION)) {
    it(`${path} exists from ${first} on`, () => {
      const present = SPEC_VERSIONS.filter((v) => nodeAt(rootOf(v), path) !== undefined);
      expect(present).toEqual(SPEC_VERSIONS.filter((v) => atLeast(v, first)));
    });
  }

  it('3.6.0 and 3.7.0-experimental have the fields of 3.5.0', () => {
    const shape = (v: SpecVersion) => fields(rootOf(v)).map((f) => `${f.steps.join('.')}:${f.node['x-go-type']}`);
    expect(shape('3.6.0')).toEqual(shape('3.5.0'));
    expect(shape('3.7.0-experimental')).toEqual(shape('3.6.0'));
  });
});

describe('version-specific Go types and pointers', () => {
  const goType = (v: SpecVersion, path: string) => nodeAt(rootOf(v), path)?.['x-go-type'];
  const nullable = (v: SpecVersion, path: string) => {
    const node = nodeAt(rootOf(v), path);
    return node === undefined ? undefined : typesOf(resolve(rootOf(v), node)).includes('null');
  };

  it('3.0 has its own reference types, 3.1 on one Resource', () => {
    expect(goType('3.0.0', 'ignition.config.merge[]')).toBe('types.ConfigReference');
    expect(goType('3.0.0', 'ignition.security.tls.certificateAuthorities[]')).toBe('types.CaReference');
    expect(goType('3.0.0', 'storage.files[].append[]')).toBe('types.FileContents');
    for (const v of SPEC_VERSIONS.filter((s) => atLeast(s, '3.1.0'))) {
      expect(goType(v, 'ignition.config.replace')).toBe('types.Resource');
      expect(goType(v, 'storage.files[].contents')).toBe('types.Resource');
      expect(goType(v, 'storage.files[].contents.httpHeaders')).toBe('types.HTTPHeaders');
    }
  });

  it('3.0 CA sources are plain strings, config sources pointers', () => {
    expect(nullable('3.0.0', 'ignition.security.tls.certificateAuthorities[].source')).toBe(false);
    expect(nullable('3.0.0', 'ignition.config.merge[].source')).toBe(true);
  });

  it('clevis custom is types.Custom and clevis a pointer only in 3.2', () => {
    expect(goType('3.2.0', 'storage.luks[].clevis.custom')).toBe('types.Custom');
    expect(nullable('3.2.0', 'storage.luks[].clevis')).toBe(true);
    expect(nullable('3.2.0', 'storage.luks[].clevis.custom.pin')).toBe(false);
    for (const v of SPEC_VERSIONS.filter((s) => atLeast(s, '3.3.0'))) {
      expect(goType(v, 'storage.luks[].clevis.custom')).toBe('types.ClevisCustom');
      expect(nullable(v, 'storage.luks[].clevis')).toBe(false);
      expect(nullable(v, 'storage.luks[].clevis.custom.pin')).toBe(true);
    }
  });

  it('link target and raid level became pointers in 3.3', () => {
    for (const v of SPEC_VERSIONS) {
      expect(nullable(v, 'storage.links[].target'), v).toBe(atLeast(v, '3.3.0'));
      expect(nullable(v, 'storage.raid[].level'), v).toBe(atLeast(v, '3.3.0'));
    }
  });

  it('plain Go fields are not nullable, pointer fields are', () => {
    for (const v of SPEC_VERSIONS) {
      for (const path of ['ignition.version', 'storage.files[].path', 'storage.disks[].device',
        'storage.disks[].partitions[].number', 'passwd.users[].name', 'systemd.units[].name', 'storage.files']) {
        expect(nullable(v, path), `${v} ${path}`).toBe(false);
      }
      for (const path of ['storage.files[].mode', 'storage.files[].overwrite', 'storage.files[].user.id',
        'storage.disks[].partitions[].label', 'storage.disks[].partitions[].sizeMiB', 'passwd.users[].uid']) {
        expect(nullable(v, path), `${v} ${path}`).toBe(true);
      }
    }
  });
});

describe('validation with ajv', () => {
  for (const example of EXAMPLES) {
    for (const version of SPEC_VERSIONS.filter((v) => atLeast(v, example.since))) {
      it(`accepts "${example.name}" as ${version}`, () => {
        const validate = compile(version);
        const config = { ...example.config, ignition: { ...example.config.ignition, version } };
        expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      });
    }
  }

  it('rejects an example in a spec older than its fields, at the unknown key', () => {
    const luks = EXAMPLES.find((e) => e.name === 'LUKS volume bound to Tang') ?? EXAMPLES[0];
    const validate = compile('3.1.0');
    expect(validate({ ...luks?.config, ignition: { version: '3.1.0' } })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword, e.params])).toContainEqual([
      '/storage',
      'additionalProperties',
      { additionalProperty: 'luks' },
    ]);
  });

  const WRONG: Array<[SpecVersion, unknown, string, string]> = [
    ['3.3.0', { storage: { files: [{ path: '/etc/hello', mode: '0644' }] } }, '/storage/files/0/mode', 'int'],
    ['3.0.0', { storage: { files: 'none' } }, '/storage/files', '[]types.File'],
    ['3.2.0', { passwd: { users: [{ name: 'core', groups: [7] }] } }, '/passwd/users/0/groups/0', 'types.Group'],
    ['3.4.0', { storage: { luks: [{ name: 'x', clevis: { tang: [{ url: 5 }] } }] } }, '/storage/luks/0/clevis/tang/0/url', 'string'],
    ['3.1.0', { ignition: { proxy: { noProxy: 'a,b' } } }, '/ignition/proxy/noProxy', '[]types.NoProxyItem'],
    ['3.6.0', { storage: { disks: [{ device: '/dev/vda', wipeTable: 'yes' }] } }, '/storage/disks/0/wipeTable', 'bool'],
    ['3.5.0', { storage: { files: [{ path: '/a', contents: { httpHeaders: {} } }] } }, '/storage/files/0/contents/httpHeaders', 'types.HTTPHeaders'],
    ['3.0.0', { storage: { raid: [{ name: 'md', level: null }] } }, '/storage/raid/0/level', 'string'],
  ];
  for (const [version, body, at, goType] of WRONG) {
    it(`rejects a wrong type at ${at} in ${version}, naming Go type ${goType}`, () => {
      const check = compile(version);
      const root = body as Record<string, Record<string, unknown>>;
      const config = { ...root, ignition: { ...root.ignition, version } };
      expect(check(config)).toBe(false);
      const typeErrors = (check.errors ?? []).filter((e) => e.keyword === 'type');
      expect(typeErrors.map((e) => e.instancePath)).toEqual([at]);
      expect((typeErrors[0]?.parentSchema as SchemaNode)['x-go-type']).toBe(goType);
    });
  }

  it('accepts null on pointer fields only', () => {
    const validate = compile('3.4.0');
    const ok = { ignition: { version: '3.4.0' }, storage: { files: [{ path: '/a', mode: null, contents: { source: null } }] } };
    expect(validate(ok), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ignition: { version: '3.4.0' }, storage: { files: [{ path: null }] } })).toBe(false);
  });
});
