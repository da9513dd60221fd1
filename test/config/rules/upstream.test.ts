// Differential test against upstream: Debian's ignition-validate 2.14 (package `ignition`) judges
// the same configs, and its entries (path and message, positions dropped) must equal ours. Only
// configs free of the rules added after 2.14 are used; its two renamed strings are mapped.
import { describe, expect, it } from 'vitest';
import { formatIgnitionLine } from '../../../src/report.ts';
import { validateSemantics } from '../../../src/config/rules/index.ts';
import type { SpecVersion } from '../../../src/config/versions.ts';
import { canRun, hasCommand } from '../../helpers/env.ts';
import { runSync } from '../../helpers/process.ts';

const available = canRun('ignition-validate (Debian package ignition)', hasCommand('ignition-validate'));

type Body = Record<string, unknown>;
const cases: [SpecVersion, Body][] = [];
const add = (version: SpecVersion, body: Body): void => {
  cases.push([version, body]);
};

const urls = [
  'http://a b/', 'http://a%20b/', 'http://[::1]:80/x', 'http://[::1]x', 'http://h:port/', 'http://h:80/%zz', 'http://u@h/',
  'http://u r@h/', 'http://h/#%zz', 'http://h/#ok', '://x', '1http://x', 'data;x', 'data:,a b', 'data:,a%20b',
  'data:text/plain,x', 'DATA:,x', 's3://b/k?versionId', 's3://b/k?versionId=1', 's3://b/k?versionid=',
  's3://b/k?versionId=&versionId=2', 'tftp://h/f', 'ftp://h', 'http:opaque', 'h:/x', 'x/y:z', '/abs', '', 'http://%41/',
  'http://h%C3%A9/', 'http://[fe80::1%25en0]/', 'http://[fe80::1%en0]/', 'mailto:x', 's3:b', 'gs://b', 'data:;base64,aGk=',
  'data:;base64,aGk', 'data:text/plain;charset=utf-8;base64,aGk=', 'data:x', 'data:text/plain',
];
for (const source of urls) {
  for (const version of ['3.1.0', '3.2.0'] as const) add(version, { storage: { files: [{ path: '/a', contents: { source } }] } });
}

const unitTexts = [
  '', '[Unit]', '[Unit]\nA=b\n[Install]\nWantedBy=x', '#comment\n[Install]\nA=b', '[Unit]\n  A = b \\\n c\n[Install]\nX=y',
  '[Unit]\n;c\nA', '[Install]\nA=b\\', '[Unit]\n[Install]', '[A]\n\n\nB=c\r\n[Install]\r\nD=e', '[Unit] \t\nA=b',
  '[Unit]]\nA=b', '[Unit]\u00a0\nA=b', '[Unit]x\u00e9\nA=b', 'x=y\n[Install]\nA=b', '[Unit]\n=x\n[Install]\na=',
  '[Unit]\nA=b\r[Install]\nC=d', '[Unit] "\\\u0001"\n',
];
for (const contents of unitTexts) {
  add('3.3.0', { systemd: { units: [{ name: 'a.service', enabled: true, contents, dropins: [{ name: 'd.conf', contents }] }] } });
}
for (const n of [2040, 2046, 2047, 2048, 2049, 4090, 4093, 4094, 4095, 4096, 6000, 8190]) {
  const unit = (contents: string): Body => ({ systemd: { units: [{ name: 'a.service', contents }] } });
  add('3.3.0', unit(`[Unit]\nA=${'x'.repeat(n)}\n[Install]\nB=c`));
  add('3.3.0', unit(`#${'x'.repeat(n)}\n[Install]\nB=c`));
  add('3.3.0', unit(`[Unit]\n${'A=b\n'.repeat(Math.floor(n / 4))}C=${'y'.repeat(2100)}`));
  add('3.3.0', unit(`[Unit]\nA=é${'x'.repeat(n)}\n`));
}

const partitionSets: Body[][] = [
  [{ number: 1, startMiB: 1, sizeMiB: 10 }, { number: 2, startMiB: 5, sizeMiB: 10 }],
  [{ number: 1, startMiB: 20, sizeMiB: 10 }, { number: 2, startMiB: 5, sizeMiB: 100 }],
  [{ number: 1, startMiB: 10, sizeMiB: 0 }, { number: 2, startMiB: 10, sizeMiB: 5 }],
  [{ label: 'x'.repeat(37) }, { label: 'a', typeGuid: '', guid: '0fc63daf-8483-4772-8e79-3d69d8477de4' }],
  [{ label: 'a' }, { label: 'a' }, { number: 1, label: 'a' }],
  [{ number: 1, shouldExist: false, label: 'x' }, { number: 2, shouldExist: false, sizeMiB: 0 }],
  [{ number: 0, label: 'a' }, { number: 1, shouldExist: false }],
];
for (const partitions of partitionSets) add('3.3.0', { storage: { disks: [{ device: '/dev/sda', partitions }] } });

const filesystems: Body[] = [
  { device: '/dev/a', path: '/x' }, { device: '/dev/a', format: 'none' }, { device: '/dev/a', format: '', label: 'x' },
  { device: '/dev/a', format: 'ext4', label: 'x'.repeat(17) }, { device: '/dev/a', format: 'xfs', label: 'x'.repeat(13) },
  { device: '/dev/a', format: 'swap', label: 'x'.repeat(16) }, { device: '/dev/a', format: 'vfat', label: 'x'.repeat(12) },
  { device: '/dev/a', wipeFilesystem: true }, { device: 'a', path: '/x/../y', format: 'ext4' },
];
for (const filesystem of filesystems) {
  for (const version of ['3.0.0', '3.3.0'] as const) add(version, { storage: { filesystems: [filesystem] } });
}

add('3.3.0', { storage: { files: [{ path: 'rel1' }, { path: 'rel2', mode: 99999 }], links: [{ path: '/l' }] } });
add('3.0.0', { storage: { files: [{ path: '/a', mode: 4095 }], directories: [{ path: '/d', mode: 2541 }] } });
add('3.2.0', { storage: { raid: [{ name: 'md', devices: ['/dev/a'] }] } });
add('3.3.0', { storage: { raid: [{ name: 'md', devices: ['dev/a', '/dev/a/'] }] } });
add('3.1.0', { ignition: { security: { tls: { certificateAuthorities: [{ source: '' }] } }, config: { merge: [{ source: null }, { source: 'foo' }] } } });
add('3.0.0', { ignition: { security: { tls: { certificateAuthorities: [{ source: '' }] } }, config: { merge: [{ source: null }] } } });
add('3.1.0', { ignition: { config: { replace: { httpHeaders: [{ name: 'a', value: 'b' }], verification: { hash: 'sha512' } } } } });
add('3.1.0', { ignition: { proxy: { httpProxy: '', httpsProxy: 'http://p', noProxy: ['a', 'a'] } } });
add('3.2.0', {
  storage: {
    luks: [{ name: 'a/b', device: '', label: 'x'.repeat(48), clevis: { custom: { pin: '', config: 'x' }, tpm2: true, tang: [{ url: 'ftp://x' }] }, keyFile: { source: 'bad' } }],
  },
});
add('3.3.0', {
  storage: {
    luks: [
      { name: 'a', device: 'dev', clevis: { custom: { needsNetwork: true }, threshold: 2 } },
      { name: 'b', device: '/dev/b', clevis: { custom: { pin: 'foo', config: '{}' }, threshold: 2, tang: [{ url: 'http://[::1', thumbprint: '' }] } },
    ],
  },
});
add('3.3.0', {
  passwd: { users: [{ name: 'a', groups: ['x', 'x'], sshAuthorizedKeys: ['k', 'k'] }, { name: 'a' }], groups: [{ name: 'g' }, { name: 'g' }] },
  storage: {
    files: [{ path: '/a' }, { path: '/a' }],
    directories: [{ path: '/a' }, { path: '/b' }],
    links: [{ path: '/b', target: 'x' }, { path: '/c', target: 'x' }],
    disks: [{ device: '/dev/a' }, { device: '/dev/a', partitions: [{ number: 1 }, { number: 1 }] }],
    raid: [{ name: 'r', level: 'raid1', devices: ['/dev/a', '/dev/a'], options: ['x', 'x'] }, { name: 'r', level: 'raid1', devices: ['/dev/b'] }],
  },
  systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x.conf' }, { name: 'x.conf' }] }, { name: 'a.service' }] },
  kernelArguments: { shouldExist: ['a', 'b'], shouldNotExist: ['b', 'a', 'c', 'c'] },
});
add('3.3.0', {
  storage: {
    files: [{ path: '/a/b/c' }, { path: '/a', append: [{ source: 'http://x' }, { source: 'http://x' }] }],
    links: [{ path: '/a', target: '/t' }, { path: '/a/b', target: '../z', hard: true }],
    directories: [{ path: '/a/b/z' }, { path: '/z' }],
  },
});

/** Upstream's lines without positions, with 2.14's two outdated strings brought up to date. */
function upstream(text: string): string[] {
  return runSync('ignition-validate', ['-'], { input: text })
    .stdout.split('\n')
    .filter((line) => line !== '')
    .map((line) =>
      line
        .replace(/, line \d+ col \d+:/, ':')
        .replace('not supported in spec versions older than 3.4.0', 'not supported or functional in spec versions older than 3.6.0'),
    );
}

describe.runIf(available)('agreement with ignition-validate 2.14', () => {
  it.each(cases.map(([version, body], i) => [i, version, body] as const))('case %i (%s)', (_i, version, body) => {
    const config = { ...body, ignition: { ...((body.ignition as Body | undefined) ?? {}), version } };
    const text = JSON.stringify(config);
    const ours = validateSemantics(JSON.parse(text) as Body, version).map(formatIgnitionLine);
    expect(ours).toEqual(upstream(text));
  });
});
