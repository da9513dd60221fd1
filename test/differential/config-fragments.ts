// Named pieces of Ignition configs, each exercising one rule of ignition-spec.md §4 (or a valid
// feature) for one spec column. The generator merges them into whole documents; a fragment
// returns undefined for a spec version that lacks the fields it needs.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The spec versions compared; 3.4.0 is sent to Ignition 2.14 as 3.4.0-experimental. */
export const COLUMNS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'] as const;
export type Column = (typeof COLUMNS)[number];

export interface SpecInfo {
  column: Column;
  minor: number;
}

export interface Fragment {
  name: string;
  build: (spec: SpecInfo) => JsonObject | undefined;
}

const SHA512 = `sha512-${'ab'.repeat(64)}`;
const SHA256 = `sha256-${'cd'.repeat(32)}`;
const GUID = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';

const files = (...entries: Json[]): JsonObject => ({ storage: { files: entries } });
const dirs = (...entries: Json[]): JsonObject => ({ storage: { directories: entries } });
const links = (...entries: Json[]): JsonObject => ({ storage: { links: entries } });
const disks = (...entries: Json[]): JsonObject => ({ storage: { disks: entries } });
const filesystems = (...entries: Json[]): JsonObject => ({ storage: { filesystems: entries } });
const raid = (...entries: Json[]): JsonObject => ({ storage: { raid: entries } });
const luks = (...entries: Json[]): JsonObject => ({ storage: { luks: entries } });
const units = (...entries: Json[]): JsonObject => ({ systemd: { units: entries } });
const users = (...entries: Json[]): JsonObject => ({ passwd: { users: entries } });
const groups = (...entries: Json[]): JsonObject => ({ passwd: { groups: entries } });
const ignition = (body: JsonObject): JsonObject => ({ ignition: body });
const fileWith = (source: string, extra: JsonObject = {}): JsonObject =>
  files({ path: '/etc/res', contents: { source, ...extra } });

/** Only from a given minor spec version on. */
function since(minor: number, build: (spec: SpecInfo) => JsonObject): (spec: SpecInfo) => JsonObject | undefined {
  return (spec) => (spec.minor >= minor ? build(spec) : undefined);
}

/** Only up to (and including) a given minor spec version. */
function until(minor: number, build: (spec: SpecInfo) => JsonObject): (spec: SpecInfo) => JsonObject | undefined {
  return (spec) => (spec.minor <= minor ? build(spec) : undefined);
}

const always = (value: JsonObject) => (): JsonObject => value;

/** Fields a full, valid config for one spec version can carry. */
function validEverything(spec: SpecInfo): JsonObject {
  const m = spec.minor;
  const merge: JsonObject = m >= 1 ? { source: 'https://example.com/child.ign', compression: '', httpHeaders: [{ name: 'X-A', value: 'b' }] } : { source: 'https://example.com/child.ign' };
  const config: JsonObject = {
    config: { merge: [merge, { source: 'tftp://host/x.ign', verification: { hash: SHA512 } }] },
    timeouts: { httpResponseHeaders: 5, httpTotal: 0 },
    security: { tls: { certificateAuthorities: [{ source: 'data:,ca' }] } },
  };
  if (m >= 1) config.proxy = { httpProxy: 'http://proxy:3128', httpsProxy: 'https://proxy:3129', noProxy: ['example.com', '.local', '10.0.0.0/8'] };
  const storage: JsonObject = {
    disks: [
      {
        device: '/dev/vdb',
        wipeTable: true,
        partitions: [
          { label: 'root', number: 1, sizeMiB: 100, startMiB: 1, typeGuid: GUID, guid: '11111111-2222-3333-4444-555555555555', wipePartitionEntry: true, ...(m >= 2 ? { resize: true } : {}) },
          { number: 5, shouldExist: false },
          { number: 3, label: 'data', sizeMiB: 0 },
        ],
      },
    ],
    raid: [{ name: 'md0', level: 'raid1', devices: ['/dev/vdc', '/dev/vdd'], spares: 1, options: ['--x', '--x'] }],
    filesystems: [
      { device: '/dev/disk/by-partlabel/root', format: 'xfs', path: '/var', wipeFilesystem: true, label: 'var', uuid: 'abc', options: ['-f', '-f'], ...(m >= 1 ? { mountOptions: ['noatime'] } : {}) },
      { device: '/dev/md/md0', format: 'ext4', label: 'sixteen-chars-ok' },
      ...(m >= 3 ? [{ device: '/dev/vde', format: 'none' }] : []),
    ],
    files: [
      { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,myhost%0A', verification: { hash: m >= 1 ? SHA256 : SHA512 } }, user: { id: 0 }, group: { name: 'root' } },
      { path: '/opt/a', append: [{ source: 'data:,x' }, { source: 'data:,x' }], contents: { compression: 'gzip', source: 's3://bucket/key?versionId=3' } },
      { path: '/opt/b', contents: { source: 'data:;base64,aGVsbG8=' }, mode: 0 },
    ],
    directories: [{ path: '/opt/dir', mode: 493, user: { name: 'core' }, overwrite: false }],
    links: [
      { path: '/opt/link', target: '/opt/a', hard: false },
      { path: '/opt/hard', target: '/opt/b', hard: true },
    ],
  };
  if (m >= 2) {
    storage.luks = [
      {
        name: 'cryptroot',
        device: '/dev/disk/by-partlabel/data',
        label: 'luks-root',
        options: ['--cipher', 'aes'],
        wipeVolume: true,
        clevis: { tang: [{ url: 'http://tang.example', thumbprint: 'abc' }], tpm2: true, threshold: 2 },
      },
      { name: 'custom', device: '/dev/vdf', keyFile: { source: 'data:,key' }, clevis: { custom: { pin: 'tpm2', config: '{}', needsNetwork: false } } },
    ];
  }
  if (m >= 2) (storage.files as Json[]).push({ path: '/opt/gs', contents: { source: 'gs://bucket/object' } });
  if (m >= 4) (storage.files as Json[]).push({ path: '/opt/arn', contents: { source: 'arn:aws:s3:::bucket/key' } });
  const out: JsonObject = {
    ignition: config,
    storage,
    systemd: {
      units: [
        { name: 'hello.service', enabled: true, contents: '[Unit]\nDescription=hi\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n', dropins: [{ name: 'a.conf', contents: '[Service]\nEnvironment=A=1' }] },
        { name: 'docker.socket', mask: true },
        { name: 'other.timer', enabled: false },
      ],
    },
    passwd: {
      users: [{ name: 'core', passwordHash: '$6$x', sshAuthorizedKeys: ['ssh-ed25519 AAAA a', 'ssh-rsa BBBB b'], uid: 1001, gecos: 'Core', homeDir: '/home/core', noCreateHome: false, primaryGroup: 'core', groups: ['wheel', 'sudo'], noUserGroup: false, noLogInit: true, shell: '/bin/bash', system: false, ...(m >= 2 ? { shouldExist: true } : {}) }],
      groups: [{ name: 'wheel2', gid: 1200, passwordHash: '', system: true, ...(m >= 2 ? { shouldExist: true } : {}) }],
    },
  };
  if (m >= 3) out.kernelArguments = { shouldExist: ['quiet', 'console=ttyS0 console=tty0'], shouldNotExist: ['rhgb'] };
  return out;
}

/** Every fragment. Names are stable: they end up in test ids and in the known-differences list. */
export const FRAGMENTS: readonly Fragment[] = [
  // Valid configs
  { name: 'valid-minimal', build: always({}) },
  { name: 'valid-everything', build: validEverything },
  { name: 'valid-empty-sections', build: always({ storage: {}, systemd: {}, passwd: {} }) },
  { name: 'valid-empty-lists', build: always({ storage: { files: [], disks: [] }, systemd: { units: [] } }) },
  { name: 'valid-null-values', build: always({ storage: { files: [{ path: '/n', mode: null, contents: { source: null }, overwrite: null }] } }) },
  { name: 'valid-unicode', build: always(files({ path: '/etc/motd-ü', contents: { source: 'data:,gr%C3%BC%C3%9Fe' } }, { path: '/srv/日本語/ファイル' })) },
  { name: 'valid-emoji-escapes', build: always(files({ path: '/srv/\u00e9\ud83d\ude00' })) },
  { name: 'valid-unit-lenient', build: always(units({ name: 'x.service', contents: 'no section header at all\n' }, { name: 'y.mount', contents: '' })) },

  // §4.2 paths and devices
  { name: 'path-empty', build: always(files({ path: '' })) },
  { name: 'path-missing', build: always(files({ mode: 420 })) },
  { name: 'path-relative', build: always(files({ path: 'etc/hello.txt' })) },
  { name: 'path-double-slash', build: always(files({ path: '/etc//x' })) },
  { name: 'path-dot', build: always(dirs({ path: '/etc/./x' })) },
  { name: 'path-dotdot', build: always(links({ path: '/etc/../x', target: '/y' })) },
  { name: 'path-trailing-slash', build: always(dirs({ path: '/etc/x/' })) },
  { name: 'path-root', build: always(dirs({ path: '/' })) },
  { name: 'disk-device-empty', build: always(disks({ device: '' })) },
  { name: 'disk-device-missing', build: always(disks({ wipeTable: true })) },
  { name: 'disk-device-relative', build: always(disks({ device: 'dev/sda' })) },
  { name: 'fs-device-relative', build: always(filesystems({ device: 'sda1', format: 'ext4' })) },
  { name: 'fs-device-empty', build: always(filesystems({ device: '', format: 'ext4' })) },
  { name: 'fs-path-relative', build: always(filesystems({ device: '/dev/sda1', format: 'ext4', path: 'var' })) },
  { name: 'fs-path-unclean', build: always(filesystems({ device: '/dev/sda1', format: 'ext4', path: '/var/' })) },
  { name: 'raid-device-relative', build: always(raid({ name: 'md0', level: 'raid1', devices: ['/dev/sda', 'sdb'] })) },
  { name: 'luks-device-missing', build: since(2, () => luks({ name: 'c' })) },
  { name: 'luks-device-relative', build: since(2, () => luks({ name: 'c', device: 'dev/sda' })) },

  // §4.3 duplicates
  { name: 'dup-files', build: always(files({ path: '/a' }, { path: '/a' })) },
  { name: 'dup-file-dir', build: always({ storage: { files: [{ path: '/a' }], directories: [{ path: '/a' }] } }) },
  { name: 'dup-link-dir-file', build: always({ storage: { files: [{ path: '/b' }], links: [{ path: '/a', target: '/t' }], directories: [{ path: '/a' }, { path: '/b' }] } }) },
  { name: 'dup-disks', build: always(disks({ device: '/dev/sda' }, { device: '/dev/sdb' }, { device: '/dev/sda' })) },
  { name: 'dup-filesystems', build: always(filesystems({ device: '/dev/sda', format: 'ext4' }, { device: '/dev/sda', format: 'xfs' })) },
  { name: 'dup-raid', build: always(raid({ name: 'md', level: 'raid1', devices: ['/dev/a'] }, { name: 'md', level: 'raid1', devices: ['/dev/b'] })) },
  { name: 'dup-raid-devices', build: always(raid({ name: 'md', level: 'raid1', devices: ['/dev/a', '/dev/a'] })) },
  { name: 'dup-luks', build: since(2, () => luks({ name: 'c', device: '/dev/a' }, { name: 'c', device: '/dev/b' })) },
  { name: 'dup-units', build: always(units({ name: 'a.service' }, { name: 'a.service', enabled: true })) },
  { name: 'dup-dropins', build: always(units({ name: 'a.service', dropins: [{ name: 'x.conf' }, { name: 'x.conf' }] })) },
  { name: 'dup-users', build: always(users({ name: 'u' }, { name: 'u' })) },
  { name: 'dup-users-nameless', build: always(users({ uid: 1 }, { uid: 2 })) },
  { name: 'dup-groups', build: always(groups({ name: 'g' }, { name: 'g', gid: 3 })) },
  { name: 'dup-ssh-keys', build: always(users({ name: 'u', sshAuthorizedKeys: ['k', 'j', 'k'] })) },
  { name: 'dup-user-groups', build: always(users({ name: 'u', groups: ['wheel', 'wheel'] })) },
  { name: 'dup-headers', build: since(1, () => fileWith('https://x/y', { httpHeaders: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })) },
  { name: 'dup-tang', build: since(2, () => luks({ name: 'c', device: '/dev/a', clevis: { tang: [{ url: 'http://t', thumbprint: 'a' }, { url: 'http://t', thumbprint: 'b' }] } })) },
  { name: 'dup-merge', build: always(ignition({ config: { merge: [{ source: 'http://a/c.ign' }, { source: 'http://a/c.ign' }] } })) },
  { name: 'dup-ca', build: always(ignition({ security: { tls: { certificateAuthorities: [{ source: 'data:,a' }, { source: 'data:,a' }] } } })) },
  { name: 'dup-noproxy', build: since(1, () => ignition({ proxy: { noProxy: ['a', 'b', 'a'] } })) },
  { name: 'dup-kargs', build: since(3, () => ({ kernelArguments: { shouldExist: ['a', 'b'], shouldNotExist: ['c', 'a'] } })) },
  { name: 'dup-kargs-same-list', build: since(3, () => ({ kernelArguments: { shouldExist: ['a', 'a'] } })) },
  { name: 'dup-partition-number', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1 }, { number: 1, label: 'x' }] })) },
  { name: 'dup-partition-label', build: always(disks({ device: '/dev/sda', partitions: [{ label: 'x' }, { label: 'x' }] })) },
  { name: 'dup-exempt-lists', build: (spec) => ({ storage: { files: [{ path: '/f', append: [{ source: 'data:,a' }, { source: 'data:,a' }] }], raid: [{ name: 'md', level: 'raid1', devices: ['/dev/a'], options: ['x', 'x'] }], filesystems: [{ device: '/dev/b', format: 'ext4', options: ['o', 'o'], ...(spec.minor >= 1 ? { mountOptions: ['m', 'm'] } : {}) }], ...(spec.minor >= 2 ? { luks: [{ name: 'l', device: '/dev/c', options: ['p', 'p'] }] } : {}) } }) },

  // §4.4 files, directories, links
  { name: 'mode-illegal', build: always(files({ path: '/a', mode: 99999 })) },
  { name: 'mode-negative', build: always(files({ path: '/a', mode: -1 })) },
  { name: 'mode-setuid-file', build: always(files({ path: '/a', mode: 2541 })) },
  { name: 'mode-sticky-dir', build: always(dirs({ path: '/d', mode: 1023 })) },
  { name: 'mode-max', build: always(files({ path: '/a', mode: 4095 })) },
  { name: 'mode-example-order', build: always({ storage: { files: [{ path: 'rel1' }, { path: 'rel2', mode: 99999 }], links: [{ path: '/l' }] } }) },
  { name: 'overwrite-no-source', build: always(files({ path: '/a', overwrite: true })) },
  { name: 'overwrite-null-source', build: always(files({ path: '/a', overwrite: true, contents: { source: null } })) },
  { name: 'overwrite-empty-source', build: always(files({ path: '/a', overwrite: true, contents: { source: '' } })) },
  { name: 'overwrite-dir', build: always(dirs({ path: '/d', overwrite: true })) },
  { name: 'user-id-and-name', build: always(files({ path: '/a', user: { id: 1, name: 'x' } })) },
  { name: 'group-id-and-name', build: always(dirs({ path: '/a', group: { id: 0, name: 'x' } })) },
  { name: 'user-id-and-empty-name', build: always(links({ path: '/a', target: '/b', user: { id: 1, name: '' } })) },
  { name: 'file-under-link', build: always({ storage: { links: [{ path: '/a', target: '/x' }], files: [{ path: '/a/b' }] } }) },
  { name: 'dir-under-link', build: always({ storage: { links: [{ path: '/a', target: '/x' }], directories: [{ path: '/a/b/c' }] } }) },
  { name: 'link-under-link', build: always(links({ path: '/a', target: '/x' }, { path: '/a/b', target: '/y' })) },
  { name: 'link-prefix-not-parent', build: always({ storage: { links: [{ path: '/a', target: '/x' }], files: [{ path: '/ab' }] } }) },
  { name: 'link-target-missing', build: always(links({ path: '/l' })) },
  { name: 'link-target-empty', build: always(links({ path: '/l', target: '' })) },
  { name: 'hard-link-to-dir', build: always({ storage: { directories: [{ path: '/d' }], links: [{ path: '/l', target: '/d', hard: true }] } }) },
  { name: 'hard-link-to-dir-relative', build: always({ storage: { directories: [{ path: '/d/e' }], links: [{ path: '/d/l', target: 'e', hard: true }] } }) },
  { name: 'soft-link-to-dir', build: always({ storage: { directories: [{ path: '/d' }], links: [{ path: '/l', target: '/d' }] } }) },
  { name: 'hard-link-owner', build: always(links({ path: '/l', target: '/t', hard: true, user: { id: 1 }, group: { name: 'g' } })) },

  // §4.5 resources
  { name: 'url-unparseable', build: always(fileWith('http://[::1')) },
  { name: 'url-bad-escape', build: always(fileWith('http://a/%zz')) },
  { name: 'url-scheme-ftp', build: always(fileWith('ftp://host/x')) },
  { name: 'url-scheme-none', build: always(fileWith('data;x')) },
  { name: 'url-scheme-gs', build: always(fileWith('gs://bucket/key')) },
  { name: 'url-scheme-arn', build: always(fileWith('arn:aws:s3:::bucket/key')) },
  { name: 'url-scheme-tftp', build: always(fileWith('tftp://h/x')) },
  { name: 's3-version-empty', build: always(fileWith('s3://b/k?versionId=')) },
  { name: 's3-version-ok', build: always(fileWith('s3://b/k?versionId=abc')) },
  { name: 'arn-not-s3', build: since(4, () => fileWith('arn:aws:ec2:::bucket/key')) },
  { name: 'arn-no-key', build: since(4, () => fileWith('arn:aws:s3:::bucket')) },
  { name: 'arn-garbage', build: since(4, () => fileWith('arn:nonsense')) },
  { name: 'arn-accesspoint-short', build: since(4, () => fileWith('arn:aws:s3:us-east-1:123456789012:accesspoint/name')) },
  { name: 'arn-accesspoint-ok', build: since(4, () => fileWith('arn:aws:s3:us-east-1:123456789012:accesspoint/name/object/key')) },
  { name: 'arn-version-empty', build: since(4, () => fileWith('arn:aws:s3:::bucket/key?versionId=')) },
  { name: 'data-url-bad-escape', build: always(fileWith('data:,%zz')) },
  { name: 'data-url-bad-base64', build: always(fileWith('data:;base64,!!!')) },
  { name: 'data-url-no-comma', build: always(fileWith('data:text/plain')) },
  { name: 'merge-source-missing', build: always(ignition({ config: { merge: [{ verification: {} }] } })) },
  { name: 'merge-source-empty', build: always(ignition({ config: { merge: [{ source: '' }] } })) },
  { name: 'replace-bad-scheme', build: always(ignition({ config: { replace: { source: 'ftp://x' } } })) },
  { name: 'ca-source-empty', build: always(ignition({ security: { tls: { certificateAuthorities: [{ source: '' }] } } })) },
  { name: 'ca-source-missing', build: since(1, () => ignition({ security: { tls: { certificateAuthorities: [{}] } } })) },
  { name: 'compression-invalid', build: always(fileWith('data:,a', { compression: 'xz' })) },
  { name: 'compression-on-merge', build: since(1, () => ignition({ config: { merge: [{ source: 'http://a/b', compression: 'bzip2' }] } })) },
  { name: 'verification-no-source', build: always(files({ path: '/a', contents: { verification: { hash: SHA512 } } })) },
  { name: 'hash-no-dash', build: always(fileWith('http://a/b', { verification: { hash: 'sha512' } })) },
  { name: 'hash-uppercase', build: always(fileWith('http://a/b', { verification: { hash: `SHA512-${'ab'.repeat(64)}` } })) },
  { name: 'hash-md5', build: always(fileWith('http://a/b', { verification: { hash: 'md5-abc' } })) },
  { name: 'hash-sha256', build: always(fileWith('http://a/b', { verification: { hash: SHA256 } })) },
  { name: 'hash-short', build: always(fileWith('http://a/b', { verification: { hash: 'sha512-abcd' } })) },
  { name: 'hash-nonhex', build: always(fileWith('http://a/b', { verification: { hash: `sha512-${'zz'.repeat(64)}` } })) },
  { name: 'merge-hash-short', build: always(ignition({ config: { merge: [{ source: 'http://a/b', verification: { hash: 'sha512-00' } }] } })) },
  { name: 'header-name-empty', build: since(1, () => fileWith('https://x/y', { httpHeaders: [{ name: '', value: 'v' }] })) },
  { name: 'header-value-empty', build: since(1, () => fileWith('https://x/y', { httpHeaders: [{ name: 'A', value: '' }] })) },
  { name: 'header-value-missing', build: since(1, () => fileWith('https://x/y', { httpHeaders: [{ name: 'A' }] })) },
  { name: 'header-no-source', build: since(1, () => files({ path: '/a', contents: { httpHeaders: [{ name: 'A', value: 'v' }] } })) },
  { name: 'header-s3-source', build: since(1, () => fileWith('s3://b/k', { httpHeaders: [{ name: 'A', value: 'v' }] })) },
  { name: 'header-on-merge', build: since(1, () => ignition({ config: { merge: [{ source: 'data:,x', httpHeaders: [{ name: 'A', value: 'v' }] }] } })) },
  { name: 'proxy-unparseable', build: since(1, () => ignition({ proxy: { httpProxy: 'http://[::1' } })) },
  { name: 'proxy-scheme', build: since(1, () => ignition({ proxy: { httpProxy: 'socks5://p:1080', httpsProxy: 'ftp://p' } })) },
  { name: 'proxy-insecure', build: since(1, () => ignition({ proxy: { httpsProxy: 'http://p:3128' } })) },
  { name: 'proxy-both-bad', build: since(1, () => ignition({ proxy: { httpsProxy: 'http://p', httpProxy: 'ftp://x' } })) },

  // §4.6 disks and partitions
  { name: 'part-no-number-no-label', build: always(disks({ device: '/dev/sda', partitions: [{ sizeMiB: 10 }] })) },
  { name: 'part-shouldexist-false-label', build: always(disks({ device: '/dev/sda', partitions: [{ number: 2, shouldExist: false, label: 'x' }] })) },
  { name: 'part-shouldexist-false-size', build: always(disks({ device: '/dev/sda', partitions: [{ number: 2, shouldExist: false, sizeMiB: 0 }] })) },
  { name: 'part-shouldexist-false-guid', build: always(disks({ device: '/dev/sda', partitions: [{ number: 2, shouldExist: false, guid: GUID }] })) },
  { name: 'part-label-long', build: always(disks({ device: '/dev/sda', partitions: [{ label: 'x'.repeat(37) }] })) },
  { name: 'part-label-36', build: always(disks({ device: '/dev/sda', partitions: [{ label: 'y'.repeat(36) }] })) },
  { name: 'part-label-colon', build: always(disks({ device: '/dev/sda', partitions: [{ label: 'a:b' }] })) },
  { name: 'part-guid-bad', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1, guid: 'not-a-guid' }] })) },
  { name: 'part-typeguid-bad', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1, typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE' }] })) },
  { name: 'part-guid-lowercase', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1, guid: GUID.toLowerCase() }] })) },
  { name: 'part-should-not-exist-with-unnumbered', build: always(disks({ device: '/dev/sda', partitions: [{ number: 2, shouldExist: false }, { label: 'new' }] })) },
  { name: 'part-overlap', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1, startMiB: 1, sizeMiB: 100 }, { number: 2, startMiB: 50, sizeMiB: 100 }] })) },
  { name: 'part-adjacent', build: always(disks({ device: '/dev/sda', partitions: [{ number: 1, startMiB: 1, sizeMiB: 100 }, { number: 2, startMiB: 101, sizeMiB: 100 }] })) },
  { name: 'part-overlap-three', build: always(disks({ device: '/dev/sda', partitions: [{ number: 3, startMiB: 200, sizeMiB: 10 }, { number: 1, startMiB: 1, sizeMiB: 1000 }, { number: 2, startMiB: 0, sizeMiB: 5 }] })) },

  // §4.7 filesystems
  { name: 'fs-format-invalid', build: always(filesystems({ device: '/dev/sda', format: 'ntfs' })) },
  { name: 'fs-format-none', build: always(filesystems({ device: '/dev/sda', format: 'none' })) },
  { name: 'fs-format-virtiofs', build: always(filesystems({ device: 'tag', format: 'virtiofs' })) },
  { name: 'fs-format-missing-path', build: always(filesystems({ device: '/dev/sda', path: '/var' })) },
  { name: 'fs-format-missing-wipe', build: always(filesystems({ device: '/dev/sda', wipeFilesystem: true })) },
  { name: 'fs-format-missing-options', build: always(filesystems({ device: '/dev/sda', options: ['-f'] })) },
  { name: 'fs-label-no-format', build: always(filesystems({ device: '/dev/sda', label: 'x' })) },
  { name: 'fs-label-long-ext4', build: always(filesystems({ device: '/dev/sda', format: 'ext4', label: 'x'.repeat(17) })) },
  { name: 'fs-label-long-xfs', build: always(filesystems({ device: '/dev/sda', format: 'xfs', label: 'x'.repeat(13) })) },
  { name: 'fs-label-long-vfat', build: always(filesystems({ device: '/dev/sda', format: 'vfat', label: 'x'.repeat(12) })) },
  { name: 'fs-label-long-swap', build: always(filesystems({ device: '/dev/sda', format: 'swap', label: 'x'.repeat(16) })) },
  { name: 'fs-label-long-btrfs', build: always(filesystems({ device: '/dev/sda', format: 'btrfs', label: 'x'.repeat(257) })) },
  { name: 'fs-label-max-lengths', build: always(filesystems({ device: '/dev/a', format: 'ext4', label: 'x'.repeat(16) }, { device: '/dev/b', format: 'xfs', label: 'x'.repeat(12) }, { device: '/dev/c', format: 'vfat', label: 'x'.repeat(11) })) },
  { name: 'fs-label-unicode-bytes', build: always(filesystems({ device: '/dev/sda', format: 'xfs', label: 'ääääääää' })) },
  { name: 'fs-on-wiped-disk', build: always({ storage: { disks: [{ device: '/dev/vdb', wipeTable: true }], filesystems: [{ device: '/dev/vdb', format: 'ext4' }] } }) },
  { name: 'fs-on-partitioned-disk', build: always({ storage: { disks: [{ device: '/dev/vdb', partitions: [{ number: 1 }] }], filesystems: [{ device: '/dev/vdb', format: 'xfs', wipeFilesystem: true }] } }) },
  { name: 'fs-format-missing-mountoptions', build: since(1, () => filesystems({ device: '/dev/sda', mountOptions: ['ro'] })) },

  // §4.8 RAID
  { name: 'raid-level-missing', build: always(raid({ name: 'md', devices: ['/dev/a'] })) },
  { name: 'raid-level-unknown', build: always(raid({ name: 'md', level: 'raid7', devices: ['/dev/a'] })) },
  { name: 'raid-spares-raid0', build: always(raid({ name: 'md', level: 'raid0', devices: ['/dev/a'], spares: 1 }, { name: 'm2', level: 'linear', devices: ['/dev/b'], spares: 2 })) },
  { name: 'raid-devices-empty', build: always(raid({ name: 'md', level: 'raid1', devices: [] })) },
  { name: 'raid-devices-missing', build: always(raid({ name: 'md', level: 'mirror' })) },
  { name: 'raid-nameless', build: always(raid({ level: 'raid1', devices: ['/dev/a'] })) },
  { name: 'raid-levels-all', build: always(raid(...['linear', 'raid0', '0', 'stripe', 'raid1', '1', 'mirror', 'raid4', '4', 'raid5', '5', 'raid6', '6', 'raid10', '10'].map((level, i) => ({ name: `md${i}`, level, devices: [`/dev/x${i}`] })))) },

  // §4.9 LUKS and clevis
  { name: 'luks-name-slash', build: since(2, () => luks({ name: 'a/b', device: '/dev/a' })) },
  { name: 'luks-label-long', build: since(2, () => luks({ name: 'a', device: '/dev/a', label: 'l'.repeat(48) })) },
  { name: 'luks-keyfile-bad', build: since(2, () => luks({ name: 'a', device: '/dev/a', keyFile: { source: 'ftp://k' } })) },
  { name: 'luks-keyfile-hash', build: since(2, () => luks({ name: 'a', device: '/dev/a', keyFile: { source: 'data:,k', verification: { hash: 'sha256-00' } } })) },
  { name: 'clevis-custom-with-tpm2', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { tpm2: true, custom: { pin: 'tang', config: '{}' } } })) },
  { name: 'clevis-custom-with-threshold', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { threshold: 2, custom: { pin: 'sss', config: '{}' } } })) },
  { name: 'clevis-custom-no-pin', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { custom: { config: '{}' } } })) },
  { name: 'clevis-custom-bad-pin', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { custom: { pin: 'yubikey', config: '{}' } } })) },
  { name: 'clevis-custom-no-config', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { custom: { pin: 'tpm2' } } })) },
  { name: 'clevis-custom-network-only', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { custom: { needsNetwork: true } } })) },
  { name: 'tang-url-bad-scheme', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'ftp://t', thumbprint: 'x' }] } })) },
  { name: 'tang-url-unparseable', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'http://[x', thumbprint: 'x' }] } })) },
  { name: 'tang-thumbprint-missing', build: since(2, () => luks({ name: 'a', device: '/dev/a', clevis: { tang: [{ url: 'https://t' }] } })) },
  { name: 'luks-nameless', build: since(2, () => luks({ device: '/dev/a' })) },

  // §4.10 systemd
  { name: 'unit-ext-invalid', build: always(units({ name: 'foo' })) },
  { name: 'unit-ext-all', build: always(units(...['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'snapshot', 'slice', 'scope'].map((ext) => ({ name: `u.${ext}` })))) },
  { name: 'unit-ext-conf', build: always(units({ name: 'foo.conf' })) },
  { name: 'dropin-ext-invalid', build: always(units({ name: 'a.service', dropins: [{ name: 'x.txt' }] })) },
  { name: 'unit-contents-bad', build: always(units({ name: 'a.service', contents: '[Service\nExecStart=/bin/true' })) },
  { name: 'dropin-contents-bad', build: always(units({ name: 'a.service', dropins: [{ name: 'a.conf', contents: '[Unit' }] })) },
  { name: 'unit-enabled-no-install', build: always(units({ name: 'a.service', enabled: true, contents: '[Unit]\nDescription=x\n' })) },
  { name: 'unit-enabled-install', build: always(units({ name: 'a.service', enabled: true, contents: '[Install]\nWantedBy=x\n' })) },
  { name: 'unit-enabled-empty', build: always(units({ name: 'a.service', enabled: true, contents: '' })) },
  { name: 'unit-template-no-install', build: always(units({ name: 'getty@tty1.service', enabled: true }, { name: 'getty@.service', contents: '[Service]\nExecStart=/bin/true\n' })) },
  { name: 'unit-name-empty', build: always(units({ name: '' })) },

  // Users and groups
  { name: 'users-nameless', build: always(users({ uid: 5 })) },
  { name: 'groups-nameless', build: always(groups({ gid: 5 })) },
  { name: 'user-should-not-exist', build: since(2, () => users({ name: 'gone', shouldExist: false })) },

  // §4.1 kernel arguments and top level
  // Struct-typed fields given as null: Go keeps the zero struct, upstream warns that it cannot correlate.
  { name: 'null-storage', build: always({ storage: null }) },
  { name: 'null-nested-structs', build: always({ ignition: { timeouts: null }, storage: { files: [{ path: '/a', contents: null, user: null }] } }) },
  { name: 'null-lists', build: always({ storage: { files: null, disks: null }, passwd: { users: null } }) },

  { name: 'kargs-valid', build: since(3, () => ({ kernelArguments: { shouldExist: ['a=b c=d'], shouldNotExist: ['x'] } })) },
  { name: 'timeouts', build: always(ignition({ timeouts: { httpResponseHeaders: 0, httpTotal: 100 } })) },

  // Fields that a spec version does not know: they are unused keys there.
  { name: 'field-newer-proxy', build: until(0, () => ignition({ proxy: { httpProxy: 'http://p' } })) },
  { name: 'field-newer-luks', build: until(1, () => luks({ name: 'a', device: '/dev/a' })) },
  { name: 'field-newer-kargs', build: until(2, () => ({ kernelArguments: { shouldExist: ['a'] } })) },
  { name: 'field-newer-resize', build: until(1, () => disks({ device: '/dev/a', partitions: [{ number: 1, resize: true }] })) },
  { name: 'field-newer-mountoptions', build: until(0, () => filesystems({ device: '/dev/a', format: 'ext4', mountOptions: ['ro'] })) },
  { name: 'field-newer-headers', build: until(0, () => fileWith('http://a/b', { httpHeaders: [{ name: 'A', value: 'b' }] })) },
  { name: 'field-newer-should-exist', build: until(1, () => users({ name: 'u', shouldExist: false })) },

  // Unknown keys
  { name: 'unknown-top', build: always({ foo: 1 }) },
  { name: 'unknown-ignition', build: always(ignition({ versoin: 'x' })) },
  { name: 'unknown-storage', build: always({ storage: { filez: [{ path: 'rel' }] } }) },
  { name: 'unknown-file-key', build: always(files({ path: '/a', mdoe: 420 })) },
  { name: 'unknown-nested-resource', build: always(files({ path: '/a', contents: { source: 'data:,x', verification: { hash: SHA512, algo: 'x' } } })) },
  { name: 'unknown-partition', build: always(disks({ device: '/dev/a', partitions: [{ number: 1, sizeMb: 3 }] })) },
  { name: 'unknown-unicode-key', build: always({ passwd: { users: [{ name: 'u', 'ключ': true }] } }) },
  { name: 'unknown-in-list-2', build: always(units({ name: 'a.service' }, { name: 'b.service', enable: true })) },
  { name: 'unknown-object-value', build: always({ systemd: { extra: { nested: { deep: [1, 2] } } } }) },
  { name: 'unknown-mixed-case', build: always(files({ path: '/a', Mode: 420 })) },
  { name: 'unknown-mixed-case-applied', build: always(files({ path: '/a', Mode: 99999 })) },
  { name: 'unknown-two-levels', build: always({ zzz: true, storage: { files: [{ path: '/a', aaa: 1 }] } }) },
];
