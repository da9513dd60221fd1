// The Butane field tree: every YAML key, its type, the variants/versions that have it and the
// Ignition key it becomes. The decoder, the translator and the editor JSON Schemas all read it.

import { atLeast, type SpecVersion } from '../src/config/versions.ts';
import { fcosAtLeast, type Flavor } from './variants.ts';

export type ScalarType = 'string' | 'int' | 'bool';

export interface ObjectSpec {
  /** Go type name, used in yaml.v3-style type errors. */
  name: string;
  fields: Readonly<Record<string, FieldSpec>>;
  /** A free-form map of strings (openshift metadata labels). */
  stringMap?: boolean;
  /** The Go type name in base v0_1 (Ignition 3.0), where resources had one struct per use. */
  nameV0_1?: string;
}

export type FieldType = ScalarType | 'strings' | ObjectSpec | { list: ObjectSpec };

export interface FieldSpec {
  type: FieldType;
  when?: (flavor: Flavor) => boolean;
  /** Sugar: exists only on the YAML side and is never copied to the output as-is. */
  sugar?: boolean;
  doc?: string;
}

const spec = (minimum: SpecVersion) => (f: Flavor) => atLeast(f.spec, minimum);
const base = (minimum: number) => (f: Flavor) => f.base >= minimum;
const fcos = (minor: number) => (f: Flavor) => fcosAtLeast(f, minor);
const str = (doc?: string): FieldSpec => (doc === undefined ? { type: 'string' } : { type: 'string', doc });
const int = (doc?: string): FieldSpec => (doc === undefined ? { type: 'int' } : { type: 'int', doc });
const bool = (doc?: string): FieldSpec => (doc === undefined ? { type: 'bool' } : { type: 'bool', doc });
const strings = (doc?: string): FieldSpec => (doc === undefined ? { type: 'strings' } : { type: 'strings', doc });
const obj = (name: string, fields: Record<string, FieldSpec>): ObjectSpec => ({ name, fields });

/** Where a resource is used decides which keys it has in old bases (and its v0_1 type name). */
type ResourceUse = 'file' | 'reference' | 'ca';

const RESOURCE_V0_1: Record<ResourceUse, string> = { file: 'FileContents', reference: 'ConfigReference', ca: 'CaReference' };

function resource(use: ResourceUse): ObjectSpec {
  return { ...resourceFields(use), nameV0_1: RESOURCE_V0_1[use] };
}

function resourceFields(use: ResourceUse): ObjectSpec {
  return obj('Resource', {
    compression: use === 'file' ? str('"gzip" when the data is already compressed') : { type: 'string', when: spec('3.1.0') },
    http_headers: {
      type: { list: obj('HTTPHeader', { name: str(), value: str() }) },
      when: spec('3.1.0'),
    },
    source: str('URL of the content'),
    inline: { type: 'string', sugar: true, when: use === 'file' ? undefined : base(2), doc: 'content given inline' },
    local: { type: 'string', sugar: true, when: base(2), doc: 'file under --files-dir' },
    verification: { type: obj('Verification', { hash: str('<sha512|sha256>-<hex digest>') }) },
  });
}

const nodeUser = obj('NodeUser', { id: int(), name: str() });
const nodeGroup = obj('NodeGroup', { id: int(), name: str() });
const mode = int('permission bits; write them in octal (0644)');

const tang = obj('Tang', {
  advertisement: { type: 'string', when: spec('3.4.0') },
  thumbprint: str(),
  url: str(),
});

const storage = obj('Storage', {
  directories: {
    type: {
      list: obj('Directory', { group: { type: nodeGroup }, overwrite: bool(), path: str(), user: { type: nodeUser }, mode }),
    },
  },
  disks: {
    type: {
      list: obj('Disk', {
        device: str(),
        partitions: {
          type: {
            list: obj('Partition', {
              guid: str(),
              label: str(),
              number: int(),
              resize: { type: 'bool', when: spec('3.2.0') },
              should_exist: bool(),
              size_mib: int(),
              start_mib: int(),
              type_guid: str(),
              wipe_partition_entry: bool(),
            }),
          },
        },
        wipe_table: bool(),
      }),
    },
  },
  files: {
    type: {
      list: obj('File', {
        group: { type: nodeGroup },
        overwrite: bool(),
        path: str(),
        user: { type: nodeUser },
        append: { type: { list: resource('file') } },
        contents: { type: resource('file') },
        mode,
      }),
    },
  },
  filesystems: {
    type: {
      list: obj('Filesystem', {
        device: str(),
        format: str(),
        label: str(),
        mount_options: { type: 'strings', when: spec('3.1.0') },
        options: strings(),
        path: str(),
        uuid: str(),
        wipe_filesystem: bool(),
        with_mount_unit: { type: 'bool', sugar: true, when: base(2), doc: 'generate a mount or swap unit' },
      }),
    },
  },
  links: {
    type: {
      list: obj('Link', {
        group: { type: nodeGroup },
        overwrite: bool(),
        path: str(),
        user: { type: nodeUser },
        hard: bool(),
        target: str(),
      }),
    },
  },
  luks: {
    when: spec('3.2.0'),
    type: {
      list: obj('Luks', {
        cex: { type: obj('Cex', { enabled: bool() }), when: spec('3.5.0') },
        clevis: {
          type: obj('Clevis', {
            custom: { type: obj('ClevisCustom', { config: str(), needs_network: bool(), pin: str() }) },
            tang: { type: { list: tang } },
            threshold: int(),
            tpm2: bool(),
          }),
        },
        device: str(),
        discard: { type: 'bool', when: spec('3.4.0') },
        key_file: { type: resource('reference') },
        label: str(),
        name: str(),
        open_options: { type: 'strings', when: spec('3.4.0') },
        options: strings(),
        uuid: str(),
        wipe_volume: bool(),
      }),
    },
  },
  raid: {
    type: { list: obj('Raid', { devices: strings(), level: str(), name: str(), options: strings(), spares: int() }) },
  },
  trees: {
    sugar: true,
    when: base(2),
    type: {
      list: obj('Tree', {
        local: str('directory under --files-dir'),
        path: str('destination directory (default /)'),
        user: { type: nodeUser, when: base(7) },
        group: { type: nodeGroup, when: base(7) },
        file_mode: { type: 'int', when: base(7) },
        dir_mode: { type: 'int', when: base(7) },
      }),
    },
  },
});

const dropin = obj('Dropin', {
  contents: str(),
  name: str(),
  contents_local: { type: 'string', sugar: true, when: base(5) },
});

const systemd = obj('Systemd', {
  units: {
    type: {
      list: obj('Unit', {
        contents: str(),
        dropins: { type: { list: dropin } },
        enabled: bool(),
        mask: bool(),
        name: str(),
        contents_local: { type: 'string', sugar: true, when: base(5) },
      }),
    },
  },
  quadlets: {
    sugar: true,
    when: base(8),
    type: {
      list: obj('Quadlet', {
        name: str(),
        contents: str(),
        contents_local: str(),
        rootful: bool(),
        dropins: { type: { list: obj('QuadletDropin', { name: str(), contents: str(), contents_local: str() }) } },
      }),
    },
  },
});

const passwd = obj('Passwd', {
  groups: {
    type: {
      list: obj('PasswdGroup', {
        gid: int(),
        name: str(),
        password_hash: str(),
        should_exist: { type: 'bool', when: spec('3.2.0') },
        system: bool(),
      }),
    },
  },
  users: {
    type: {
      list: obj('PasswdUser', {
        gecos: str(),
        groups: strings(),
        home_dir: str(),
        name: str(),
        no_create_home: bool(),
        no_log_init: bool(),
        no_user_group: bool(),
        password_hash: str(),
        primary_group: str(),
        ssh_authorized_keys: strings(),
        shell: str(),
        should_exist: { type: 'bool', when: spec('3.2.0') },
        system: bool(),
        uid: int(),
        ssh_authorized_keys_local: { type: 'strings', sugar: true, when: base(5) },
      }),
    },
  },
});

const ignition = obj('Ignition', {
  config: { type: obj('IgnitionConfig', { merge: { type: { list: resource('reference') } }, replace: { type: resource('reference') } }) },
  proxy: {
    when: spec('3.1.0'),
    type: obj('Proxy', { http_proxy: str(), https_proxy: str(), no_proxy: strings() }),
  },
  security: {
    type: obj('Security', { tls: { type: obj('TLS', { certificate_authorities: { type: { list: resource('ca') } } }) } }),
  },
  timeouts: { type: obj('Timeouts', { http_response_headers: int(), http_total: int() }) },
});

const bootDevice = obj('BootDevice', {
  layout: str('x86_64 (default), aarch64, ppc64le; s390x-eckd, s390x-virt, s390x-zfcp from fcos 1.6'),
  luks: {
    type: obj('BootDeviceLuks', {
      cex: { type: obj('Cex', { enabled: bool() }), when: fcos(6) },
      device: { type: 'string', when: fcos(6) },
      discard: { type: 'bool', when: fcos(5) },
      tang: { type: { list: tang } },
      threshold: int(),
      tpm2: bool(),
    }),
  },
  mirror: { type: obj('BootDeviceMirror', { devices: strings() }) },
});

const isOpenshift = (f: Flavor) => f.variant === 'openshift';

/** The root of a Butane document. */
export const ROOT: ObjectSpec = obj('Config', {
  variant: { type: 'string', sugar: true },
  version: { type: 'string', sugar: true },
  ignition: { type: ignition },
  kernel_arguments: {
    when: spec('3.3.0'),
    type: obj('KernelArguments', { should_exist: strings(), should_not_exist: strings() }),
  },
  passwd: { type: passwd },
  storage: { type: storage },
  systemd: { type: systemd },
  boot_device: { type: bootDevice, sugar: true, when: fcos(3) },
  grub: {
    sugar: true,
    when: fcos(5),
    type: obj('Grub', { users: { type: { list: obj('GrubUser', { name: str(), password_hash: str() }) } } }),
  },
  metadata: {
    sugar: true,
    when: isOpenshift,
    type: obj('Metadata', { name: str(), labels: { type: { name: 'Labels', fields: {}, stringMap: true } } }),
  },
  openshift: {
    sugar: true,
    when: isOpenshift,
    type: obj('OpenShift', { extensions: strings(), fips: bool(), kernel_arguments: strings(), kernel_type: str() }),
  },
});

/** `size_mib` → `sizeMiB`, `wipe_table` → `wipeTable` (butane.md §2). */
export function camelKey(key: string): string {
  let camel = camelKeys.get(key);
  if (camel === undefined) {
    camel = key.replace(/_mib(?=_|$)/g, 'MiB').replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    camelKeys.set(key, camel);
  }
  return camel;
}

/** Field names are few and converted once per node, so each is converted only once. */
const camelKeys = new Map<string, string>();

/** `sizeMiB` → `size_mib`, `typeGuid` → `type_guid`. */
export function snakeKey(key: string): string {
  return key.replace(/MiB/g, '_mib').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function fieldAvailable(field: FieldSpec, flavor: Flavor): boolean {
  return field.when === undefined || field.when(flavor);
}
