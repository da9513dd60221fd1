// Known-good configs in the shapes of upstream Ignition's documented examples (services, dropins,
// files, users, RAID, LUKS, kernel arguments), each with the first spec version that has its fields.
// The version inside is replaced by whichever version a test checks.

export interface Example {
  name: string;
  since: '3.0.0' | '3.1.0' | '3.2.0' | '3.3.0' | '3.4.0' | '3.5.0';
  config: { ignition: Record<string, unknown>; [section: string]: unknown };
}

const SHA512 = `sha512-${'0123456789abcdef'.repeat(8)}`;

export const EXAMPLES: Example[] = [
  {
    name: 'start a service and modify another with a dropin',
    since: '3.0.0',
    config: {
      ignition: { version: '3.0.0' },
      systemd: {
        units: [
          {
            name: 'example.service',
            enabled: true,
            contents: '[Service]\nType=oneshot\nExecStart=/usr/bin/echo Hello World\n\n[Install]\nWantedBy=multi-user.target',
          },
          {
            name: 'systemd-journald.service',
            dropins: [{ name: 'debug.conf', contents: '[Service]\nEnvironment=SYSTEMD_LOG_LEVEL=debug' }],
          },
          { name: 'docker.service', mask: true },
        ],
      },
    },
  },
  {
    name: 'files, directories and links with owners',
    since: '3.0.0',
    config: {
      ignition: { version: '3.0.0', timeouts: { httpResponseHeaders: 20, httpTotal: 0 } },
      storage: {
        files: [
          { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,core1' } },
          {
            path: '/opt/tool',
            mode: 493,
            user: { name: 'core' },
            group: { id: 1000 },
            contents: { source: 'https://example.com/tool.gz', compression: 'gzip', verification: { hash: SHA512 } },
          },
          { path: '/etc/motd', append: [{ source: 'data:,hello%0A' }, { source: 'data:,world%0A' }] },
        ],
        directories: [{ path: '/var/lib/data', mode: 448, user: { id: 500 } }],
        links: [
          { path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' },
          { path: '/opt/tool-hard', target: '/opt/tool', hard: true },
        ],
      },
    },
  },
  {
    name: 'users and groups',
    since: '3.0.0',
    config: {
      ignition: { version: '3.0.0' },
      passwd: {
        users: [
          {
            name: 'core',
            passwordHash: '$y$j9T$abc$def',
            sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB example'],
            groups: ['wheel', 'docker'],
          },
          { name: 'svc', uid: 1500, system: true, noCreateHome: true, shell: '/sbin/nologin', homeDir: '/var/svc' },
        ],
        groups: [{ name: 'docker', gid: 980, system: true }],
      },
    },
  },
  {
    name: 'RAID1 data volume on two new partitions',
    since: '3.0.0',
    config: {
      ignition: { version: '3.0.0' },
      storage: {
        disks: [
          { device: '/dev/vdb', wipeTable: true, partitions: [{ label: 'raid.1.1', number: 1, sizeMiB: 1024, startMiB: 0 }] },
          { device: '/dev/vdc', wipeTable: true, partitions: [{ label: 'raid.1.2', number: 1, sizeMiB: 1024, startMiB: 0 }] },
        ],
        raid: [
          {
            name: 'data',
            level: 'raid1',
            devices: ['/dev/disk/by-partlabel/raid.1.1', '/dev/disk/by-partlabel/raid.1.2'],
            spares: 0,
            options: ['--metadata=1.2'],
          },
        ],
        filesystems: [
          { device: '/dev/md/data', path: '/var/lib/data', format: 'ext4', label: 'DATA', wipeFilesystem: true, options: ['-E', 'lazy_itable_init=1'] },
        ],
      },
    },
  },
  {
    name: 'merged child config behind a proxy with headers',
    since: '3.1.0',
    config: {
      ignition: {
        version: '3.1.0',
        config: {
          merge: [
            {
              source: 'https://example.com/child.ign',
              compression: 'gzip',
              httpHeaders: [{ name: 'Authorization', value: 'Bearer x' }],
              verification: { hash: `sha256-${'ab'.repeat(32)}` },
            },
          ],
        },
        proxy: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: ['10.0.0.0/8', '.internal'] },
        security: { tls: { certificateAuthorities: [{ source: 'data:,PEM' }] } },
      },
      storage: { filesystems: [{ device: '/dev/vdd', format: 'xfs', path: '/srv', mountOptions: ['noatime'] }] },
    },
  },
  {
    name: 'LUKS volume bound to Tang',
    since: '3.2.0',
    config: {
      ignition: { version: '3.2.0' },
      storage: {
        disks: [{ device: '/dev/vdb', partitions: [{ label: 'secret', number: 2, resize: true, shouldExist: true }] }],
        luks: [
          {
            name: 'secret',
            device: '/dev/disk/by-partlabel/secret',
            label: 'luks-secret',
            options: ['--cipher', 'aes-cbc-essiv:sha256'],
            wipeVolume: true,
            clevis: { tang: [{ url: 'http://tang.example.com', thumbprint: 'x0123' }], threshold: 1, tpm2: false },
          },
          { name: 'static', device: '/dev/vdc', keyFile: { source: 'data:,secretkey' } },
        ],
        filesystems: [{ device: '/dev/mapper/secret', format: 'xfs', path: '/var/secret', label: 'SECRET' }],
      },
      passwd: { users: [{ name: 'olduser', shouldExist: false }], groups: [{ name: 'oldgroup', shouldExist: false }] },
    },
  },
  {
    name: 'kernel arguments and custom clevis',
    since: '3.3.0',
    config: {
      ignition: { version: '3.3.0' },
      kernelArguments: { shouldExist: ['systemd.unified_cgroup_hierarchy=1', 'console=ttyS0 console=tty0'], shouldNotExist: ['mitigations=off'] },
      storage: {
        luks: [
          {
            name: 'root',
            device: '/dev/vda4',
            clevis: { custom: { pin: 'sss', config: '{"t":1,"pins":{"tpm2":{}}}', needsNetwork: false } },
          },
        ],
        filesystems: [{ device: '/dev/vdb', format: 'none' }],
      },
    },
  },
  {
    name: 'offline Tang binding with discard',
    since: '3.4.0',
    config: {
      ignition: { version: '3.4.0' },
      storage: {
        luks: [
          {
            name: 'data',
            device: '/dev/vdb',
            discard: true,
            openOptions: ['--perf-no_read_workqueue'],
            clevis: { tang: [{ url: 'https://tang.example.com', thumbprint: 'abc', advertisement: '{"payload":"e30","signatures":[]}' }] },
          },
        ],
      },
    },
  },
  {
    name: 'IBM CEX secure key',
    since: '3.5.0',
    config: {
      ignition: { version: '3.5.0' },
      storage: { luks: [{ name: 'root', device: '/dev/disk/by-partlabel/root', cex: { enabled: true }, label: 'luks-root' }] },
    },
  },
];
