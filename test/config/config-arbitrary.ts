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

const header = fc.record(
  { name: fc.constantFrom('X-A', 'X-B'), value: fc.option(text, { nil: undefined }) },
  { requiredKeys: ['name'] },
);
export const resource = optionalRecord({
  compression: fc.constantFrom('', 'gzip'),
  httpHeaders: fc.uniqueArray(header, { maxLength: 2, selector: (h) => h.name }),
  source: sources,
  verification: optionalRecord({ hash: fc.constantFrom('sha512-' + 'a'.repeat(128), 'sha256-' + 'b'.repeat(64)) }),
});
const owner = optionalRecord({ id: fc.nat({ max: 2000 }), name: names });
const node = { group: owner, overwrite: fc.boolean(), user: owner };
const file = fc.record(
  {
    ...node,
    path: paths,
    append: fc.array(resource, { maxLength: 2 }),
    contents: resource,
    mode: fc.constantFrom(420, 493, 384, 2541),
  },
  { requiredKeys: ['path'] },
);
const directory = fc.record(
  { ...node, path: paths, mode: fc.constantFrom(493, 448, 1023) },
  { requiredKeys: ['path'] },
);
const link = fc.record(
  { ...node, path: paths, hard: fc.boolean(), target: fc.constantFrom('/etc/x', 'rel') },
  { requiredKeys: ['path', 'target'] },
);
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
  {
    device: fc.constantFrom('/dev/vda', '/dev/vdb'),
    partitions: fc.array(partition, { maxLength: 3 }),
    wipeTable: fc.boolean(),
  },
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
const group = fc.record(
  { gid: fc.nat({ max: 2000 }), name: names, shouldExist: fc.boolean(), system: fc.boolean() },
  { requiredKeys: ['name'] },
);
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
        security: optionalRecord({
          tls: optionalRecord({ certificateAuthorities: unique(resource, (r) => r.source) }),
        }),
        timeouts: optionalRecord({ httpResponseHeaders: fc.nat({ max: 60 }), httpTotal: fc.nat({ max: 60 }) }),
      }),
      kernelArguments: fc
        .uniqueArray(fc.tuple(fc.constantFrom('a', 'b=1', 'c d', 'e'), fc.boolean()), {
          maxLength: 4,
          selector: (t) => t[0],
        })
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
          return {
            ...storage,
            directories: keep(storage.directories),
            files: keep(storage.files),
            links: keep(storage.links),
            disks,
          };
        }),
      systemd: optionalRecord({ units: unique(unit, (u) => u.name) }),
    },
    { requiredKeys: ['ignition'] },
  )
  .map((config) => ({ ...config, ignition: { ...config.ignition, version: '3.7.0-experimental' } }));

/** A newest-shape config (no duplicates inside one list), version 3.7.0-experimental. */
export const newestConfig = generatedConfig as unknown as fc.Arbitrary<TestConfig>;

const nodePaths = ['/etc/a', '/etc/b', '/var/d', '/opt/e'];
const ownerNames = fc.constantFrom('root', 'core', 'adm');
const httpsSources = fc.constantFrom('https://example.com/a', 'https://example.com/b?x=<y>&z', 'https://example.com/c');
const sha512 = `sha512-${'ab'.repeat(64)}`;

function uniqueBy<T>(item: fc.Arbitrary<T>, key: (value: T) => unknown, maxLength = 3) {
  return fc.uniqueArray(item, { maxLength, selector: key });
}

const validHeader = fc.record(
  { name: fc.constantFrom('X-A', 'X-B'), value: fc.constantFrom('1', '2') },
  { requiredKeys: ['name'] },
);
const validContents = fc.record(
  {
    compression: fc.constantFrom('', 'gzip'),
    httpHeaders: uniqueBy(validHeader, (h) => h.name, 2),
    source: httpsSources,
    verification: fc.record({ hash: fc.constant(sha512) }),
  },
  { requiredKeys: ['source'] },
);
const validOwner = fc.record({ name: ownerNames });
const validNode = {
  group: validOwner,
  user: validOwner,
};

/**
 * Newest-shape configs that upstream Ignition 2.14 accepts, alone and merged with each other:
 * no luks, CAs or merge references (those would be fetched), https file sources only (headers
 * need them), numbered partitions without labels, and no set-id bits.
 */
export const validMergeableConfig = fc
  .record(
    {
      ignition: fc.record(
        {
          proxy: fc.record(
            {
              httpProxy: fc.constant('http://proxy.example:3128'),
              httpsProxy: fc.constant('https://proxy.example:3129'),
              noProxy: fc.uniqueArray(fc.constantFrom('a.example', '.b.example', '10.0.0.0/8'), { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
          timeouts: fc.record(
            { httpResponseHeaders: fc.nat({ max: 60 }), httpTotal: fc.nat({ max: 60 }) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      kernelArguments: fc
        .uniqueArray(fc.tuple(fc.constantFrom('a', 'b=1', 'c d', 'e'), fc.boolean()), {
          maxLength: 4,
          selector: (t) => t[0],
        })
        .map((pairs) => ({
          shouldExist: pairs.filter(([, keep]) => keep).map(([arg]) => arg),
          shouldNotExist: pairs.filter(([, keep]) => !keep).map(([arg]) => arg),
        })),
      passwd: fc.record(
        {
          groups: uniqueBy(
            fc.record(
              {
                gid: fc.nat({ max: 2000 }),
                name: fc.constantFrom('g1', 'g2'),
                passwordHash: fc.constant('x'),
                shouldExist: fc.boolean(),
                system: fc.boolean(),
              },
              { requiredKeys: ['name'] },
            ),
            (g) => g.name,
          ),
          users: uniqueBy(
            fc.record(
              {
                gecos: fc.constantFrom('A', 'B <b>'),
                groups: fc.uniqueArray(fc.constantFrom('wheel', 'sudo', 'adm'), { maxLength: 3 }),
                homeDir: fc.constantFrom('/home/x', '/var/home/x'),
                name: fc.constantFrom('alpha', 'beta', 'gamma'),
                noCreateHome: fc.boolean(),
                noLogInit: fc.boolean(),
                noUserGroup: fc.boolean(),
                passwordHash: fc.constantFrom('', '$6$x'),
                primaryGroup: fc.constantFrom('wheel', 'users'),
                shell: fc.constantFrom('/bin/bash', '/bin/sh'),
                shouldExist: fc.boolean(),
                sshAuthorizedKeys: fc.uniqueArray(fc.constantFrom('ssh-rsa A', 'ssh-ed25519 B', 'ssh-rsa C'), {
                  maxLength: 3,
                }),
                system: fc.boolean(),
                uid: fc.nat({ max: 2000 }),
              },
              { requiredKeys: ['name'] },
            ),
            (u) => u.name,
          ),
        },
        { requiredKeys: [] },
      ),
      storage: fc
        .record(
          {
            nodes: fc.array(fc.tuple(fc.constantFrom(...nodePaths), fc.constantFrom('file', 'directory', 'link')), {
              minLength: 1,
              maxLength: 5,
            }),
            fileShapes: fc.array(
              fc.record(
                {
                  ...validNode,
                  append: fc.array(fc.record({ source: fc.constantFrom('data:,x', 'data:,%0Ay') }), { maxLength: 2 }),
                  contents: validContents,
                  mode: fc.constantFrom(420, 493, 384),
                  overwrite: fc.constant(false),
                },
                { requiredKeys: [] },
              ),
              { minLength: 5, maxLength: 5 },
            ),
            dirShapes: fc.array(
              fc.record(
                { ...validNode, mode: fc.constantFrom(493, 448), overwrite: fc.boolean() },
                { requiredKeys: [] },
              ),
              { minLength: 5, maxLength: 5 },
            ),
            linkShapes: fc.array(
              fc.record(
                { ...validNode, hard: fc.constant(false), target: fc.constantFrom('/t/x', 'rel/y') },
                { requiredKeys: ['target'] },
              ),
              {
                minLength: 5,
                maxLength: 5,
              },
            ),
            disks: uniqueBy(
              fc.record(
                {
                  device: fc.constantFrom('/dev/vda', '/dev/vdb'),
                  partitions: uniqueBy(
                    fc.oneof(
                      fc.record(
                        {
                          number: fc.integer({ min: 1, max: 3 }),
                          sizeMiB: fc.nat({ max: 100 }),
                          resize: fc.boolean(),
                          wipePartitionEntry: fc.boolean(),
                        },
                        { requiredKeys: ['number'] },
                      ),
                      fc.record(
                        {
                          label: fc.constantFrom('root', 'data'),
                          typeGuid: fc.constant('0FC63DAF-8483-4772-8E79-3D69D8477DE4'),
                          shouldExist: fc.constant(true),
                        },
                        { requiredKeys: ['label'] },
                      ),
                    ),
                    (p) => ('number' in p ? `n${p.number}` : `l${p.label}`),
                  ),
                  wipeTable: fc.boolean(),
                },
                { requiredKeys: ['device'] },
              ),
              (d) => d.device,
              2,
            ),
            filesystems: uniqueBy(
              fc.record(
                {
                  device: fc.constantFrom('/dev/vda1', '/dev/vdb1', '/dev/vdc'),
                  format: fc.constantFrom('ext4', 'xfs'),
                  label: fc.constantFrom('data', 'var'),
                  mountOptions: fc.array(fc.constantFrom('ro', 'noatime'), { maxLength: 2 }),
                  options: fc.array(fc.constantFrom('-m', '0'), { maxLength: 2 }),
                  path: fc.constantFrom('/var/lib/x', '/srv'),
                  wipeFilesystem: fc.boolean(),
                },
                { requiredKeys: ['device', 'format'] },
              ),
              (f) => f.device,
            ),
            raid: uniqueBy(
              fc.record(
                {
                  devices: fc.uniqueArray(fc.constantFrom('/dev/vdc', '/dev/vdd', '/dev/vde'), {
                    minLength: 1,
                    maxLength: 3,
                  }),
                  level: fc.constant('raid1'),
                  name: fc.constantFrom('md0', 'md1'),
                  options: fc.array(fc.constantFrom('--force'), { maxLength: 2 }),
                  spares: fc.nat({ max: 1 }),
                },
                { requiredKeys: ['devices', 'level', 'name'] },
              ),
              (r) => r.name,
              2,
            ),
          },
          { requiredKeys: ['nodes', 'fileShapes', 'dirShapes', 'linkShapes'] },
        )
        .map(({ nodes, fileShapes, dirShapes, linkShapes, ...rest }) => {
          // One path space: each path is a file, a directory or a link, never two of them.
          const seen = new Set<string>();
          const files: unknown[] = [];
          const directories: unknown[] = [];
          const links: unknown[] = [];
          nodes.forEach(([path, type], index) => {
            if (seen.has(path)) return;
            seen.add(path);
            if (type === 'file') files.push({ ...fileShapes[index], path });
            else if (type === 'directory') directories.push({ ...dirShapes[index], path });
            else links.push({ ...linkShapes[index], path });
          });
          return { ...rest, files, directories, links };
        }),
      systemd: fc.record(
        {
          units: uniqueBy(
            fc.record(
              {
                contents: fc.constantFrom(
                  '[Unit]\nDescription=x\n',
                  '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
                ),
                dropins: uniqueBy(
                  fc.record(
                    { contents: fc.constantFrom('[Service]\nNice=1\n', ''), name: fc.constantFrom('a.conf', 'b.conf') },
                    { requiredKeys: ['name'] },
                  ),
                  (d) => d.name,
                  2,
                ),
                enabled: fc.boolean(),
                mask: fc.boolean(),
                name: fc.constantFrom('a.service', 'b.service', 'c.timer'),
              },
              { requiredKeys: ['name'] },
            ),
            (u) => u.name,
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['ignition'] },
  )
  .map((config) => ({
    ...config,
    ignition: { ...config.ignition, version: '3.7.0-experimental' },
  })) as unknown as fc.Arbitrary<TestConfig>;
