// fast-check generators of newest-shape configs for the property tests of merge, translate and
// serialize. Keys come from small pools so that two generated configs often share entries.
import fc from 'fast-check';

const paths = fc.constantFrom('/etc/a', '/etc/b', '/etc/c', '/var/d', '/opt/e');
const names = fc.constantFrom('alpha', 'beta', 'gamma');
const text = fc.string({ maxLength: 12 });
const sources = fc.constantFrom('data:,x', 'https://example.com/a', 'https://example.com/b', 'data:;base64,eA==');

function optionalRecord<T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) {
  return fc.record(shape, { requiredKeys: [] });
}

const header = fc.record({ name: fc.constantFrom('X-A', 'X-B'), value: fc.option(text, { nil: undefined }) }, { requiredKeys: ['name'] });
export const resource = optionalRecord({
  compression: fc.constantFrom('', 'gzip'),
  httpHeaders: fc.uniqueArray(header, { maxLength: 2, selector: (h) => h.name }),
  source: sources,
  verification: optionalRecord({ hash: fc.constantFrom('sha512-' + 'a'.repeat(128), 'sha256-' + 'b'.repeat(64)) }),
});
const owner = optionalRecord({ id: fc.nat({ max: 2000 }), name: names });
const node = { group: owner, overwrite: fc.boolean(), user: owner };
const file = fc.record(
  { ...node, path: paths, append: fc.array(resource, { maxLength: 2 }), contents: resource, mode: fc.constantFrom(420, 493, 384, 2541) },
  { requiredKeys: ['path'] },
);
const directory = fc.record({ ...node, path: paths, mode: fc.constantFrom(493, 448, 1023) }, { requiredKeys: ['path'] });
const link = fc.record({ ...node, path: paths, hard: fc.boolean(), target: fc.constantFrom('/etc/x', 'rel') }, { requiredKeys: ['path', 'target'] });
const partition = optionalRecord({
  guid: fc.constant('01234567-89AB-CDEF-EDCB-A98765432101'),
  label: names,
  number: fc.integer({ min: 0, max: 3 }),
  resize: fc.boolean(),
  shouldExist: fc.boolean(),
  sizeMiB: fc.nat({ max: 100 }),
  startMiB: fc.nat({ max: 100 }),
  typeGuid: fc.constant('0FC63DAF-8483-4772-8E79-3D69D8477DE4'),
  wipePartitionEntry: fc.boolean(),
});
const disk = fc.record(
  { device: fc.constantFrom('/dev/vda', '/dev/vdb'), partitions: fc.array(partition, { maxLength: 3 }), wipeTable: fc.boolean() },
  { requiredKeys: ['device'] },
);
const filesystem = fc.record(
  {
    device: fc.constantFrom('/dev/vda1', '/dev/vdb1'),
    format: fc.constantFrom('ext4', 'xfs', 'none'),
    label: names,
    mountOptions: fc.array(text, { maxLength: 2 }),
    options: fc.array(text, { maxLength: 2 }),
    path: paths,
    uuid: text,
    wipeFilesystem: fc.boolean(),
  },
  { requiredKeys: ['device'] },
);
const tang = fc.record(
  { advertisement: fc.constant('{"payload":"x"}'), thumbprint: text, url: fc.constantFrom('http://t1', 'http://t2') },
  { requiredKeys: ['url'] },
);
const luks = fc.record(
  {
    cex: optionalRecord({ enabled: fc.boolean() }),
    clevis: optionalRecord({
      custom: optionalRecord({ config: text, needsNetwork: fc.boolean(), pin: fc.constantFrom('tpm2', 'tang') }),
      tang: fc.uniqueArray(tang, { maxLength: 2, selector: (t) => t.url }),
      threshold: fc.integer({ min: 1, max: 3 }),
      tpm2: fc.boolean(),
    }),
    device: fc.constantFrom('/dev/vda2', '/dev/vdb2'),
    discard: fc.boolean(),
    keyFile: resource,
    label: text,
    name: names,
    openOptions: fc.uniqueArray(fc.constantFrom('--a', '--b', '--c'), { maxLength: 2 }),
    options: fc.array(text, { maxLength: 2 }),
    uuid: text,
    wipeVolume: fc.boolean(),
  },
  { requiredKeys: ['name'] },
);
const raid = fc.record(
  {
    devices: fc.uniqueArray(fc.constantFrom('/dev/vdc', '/dev/vdd', '/dev/vde'), { maxLength: 3 }),
    level: fc.constantFrom('raid1', 'raid0'),
    name: names,
    options: fc.array(text, { maxLength: 2 }),
    spares: fc.nat({ max: 2 }),
  },
  { requiredKeys: ['name'] },
);
const user = fc.record(
  {
    gecos: text,
    groups: fc.uniqueArray(fc.constantFrom('wheel', 'sudo', 'adm'), { maxLength: 3 }),
    homeDir: fc.constantFrom('/home/x', '/var/home/x'),
    name: names,
    noCreateHome: fc.boolean(),
    passwordHash: text,
    shell: fc.constantFrom('/bin/bash', '/bin/sh'),
    shouldExist: fc.boolean(),
    sshAuthorizedKeys: fc.uniqueArray(fc.constantFrom('ssh-rsa A', 'ssh-ed25519 B', 'ssh-rsa C'), { maxLength: 3 }),
    system: fc.boolean(),
    uid: fc.nat({ max: 2000 }),
  },
  { requiredKeys: ['name'] },
);
const group = fc.record({ gid: fc.nat({ max: 2000 }), name: names, shouldExist: fc.boolean(), system: fc.boolean() }, { requiredKeys: ['name'] });
const dropin = fc.record({ contents: text, name: fc.constantFrom('a.conf', 'b.conf') }, { requiredKeys: ['name'] });
const unit = fc.record(
  {
    contents: text,
    dropins: fc.uniqueArray(dropin, { maxLength: 2, selector: (d) => d.name }),
    enabled: fc.boolean(),
    mask: fc.boolean(),
    name: fc.constantFrom('a.service', 'b.service', 'c.timer'),
  },
  { requiredKeys: ['name'] },
);

function unique<T>(item: fc.Arbitrary<T>, key: (value: T) => unknown) {
  return fc.uniqueArray(item, { maxLength: 3, selector: key });
}

interface TestResource {
  compression?: string;
  source?: string;
  [key: string]: unknown;
}
interface TestNode {
  path: string;
  mode?: number;
  contents?: TestResource;
  [key: string]: unknown;
}
/** The parts of a generated config the property tests look into. */
export interface TestConfig {
  ignition: {
    version: string;
    timeouts?: { httpResponseHeaders?: number; httpTotal?: number };
    security?: { tls?: { certificateAuthorities?: TestResource[] } };
    [key: string]: unknown;
  };
  kernelArguments?: { shouldExist?: string[]; shouldNotExist?: string[] };
  passwd?: {
    users?: { name: string; uid?: number; shell?: string; [key: string]: unknown }[];
    groups?: { name: string; [key: string]: unknown }[];
  };
  storage?: {
    files?: TestNode[];
    directories?: TestNode[];
    links?: TestNode[];
    raid?: { name: string; level?: string; [key: string]: unknown }[];
    [key: string]: unknown;
  };
  systemd?: { units?: { name: string; [key: string]: unknown }[] };
}

const generatedConfig = fc
  .record(
    {
      ignition: optionalRecord({
        config: optionalRecord({ merge: unique(resource, (r) => r.source), replace: resource }),
        proxy: optionalRecord({
          httpProxy: fc.constantFrom('http://proxy:3128'),
          httpsProxy: fc.constantFrom('http://proxy:3129'),
          noProxy: fc.uniqueArray(fc.constantFrom('a.example', '.b.example', '10.0.0.0/8'), { maxLength: 3 }),
        }),
        security: optionalRecord({ tls: optionalRecord({ certificateAuthorities: unique(resource, (r) => r.source) }) }),
        timeouts: optionalRecord({ httpResponseHeaders: fc.nat({ max: 60 }), httpTotal: fc.nat({ max: 60 }) }),
      }),
      kernelArguments: fc
        .uniqueArray(fc.tuple(fc.constantFrom('a', 'b=1', 'c d', 'e'), fc.boolean()), { maxLength: 4, selector: (t) => t[0] })
        .map((pairs) => ({
          shouldExist: pairs.filter(([, keep]) => keep).map(([arg]) => arg),
          shouldNotExist: pairs.filter(([, keep]) => !keep).map(([arg]) => arg),
        })),
      passwd: optionalRecord({ groups: unique(group, (g) => g.name), users: unique(user, (u) => u.name) }),
      storage: fc
        .record({
          directories: fc.array(directory, { maxLength: 2 }),
          disks: unique(disk, (d) => d.device),
          files: fc.array(file, { maxLength: 3 }),
          filesystems: unique(filesystem, (f) => f.device),
          links: fc.array(link, { maxLength: 2 }),
          luks: unique(luks, (l) => l.name),
          raid: unique(raid, (r) => r.name),
        })
        .map((storage) => {
          // One path space across files, directories and links, and one number per disk.
          const seen = new Set<string>();
          const keep = <T extends { path: string }>(list: T[]) =>
            list.filter((entry) => !seen.has(entry.path) && seen.add(entry.path) !== undefined);
          const disks = storage.disks.map((d) => {
            const numbers = new Set<number>();
            const labels = new Set<string>();
            const all = (d.partitions ?? []) as { number?: number; label?: string }[];
            const partitions = all.filter((p) => {
              const number = p.number ?? 0;
              if (number !== 0) return !numbers.has(number) && numbers.add(number) !== undefined;
              if (p.label === undefined) return false;
              return !labels.has(p.label) && labels.add(p.label) !== undefined;
            });
            return { ...d, partitions };
          });
          return { ...storage, directories: keep(storage.directories), files: keep(storage.files), links: keep(storage.links), disks };
        }),
      systemd: optionalRecord({ units: unique(unit, (u) => u.name) }),
    },
    { requiredKeys: ['ignition'] },
  )
  .map((config) => ({ ...config, ignition: { ...config.ignition, version: '3.7.0-experimental' } }));

/** A newest-shape config (no duplicates inside one list), version 3.7.0-experimental. */
export const newestConfig = generatedConfig as unknown as fc.Arbitrary<TestConfig>;
