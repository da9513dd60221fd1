// The files-stage workload the kill and rollback campaigns share: groups and users created and
// deleted, files written, appended and overwritten, directories, symbolic and hard links, units
// with drop-ins, presets, a disable, a mask and an unmask, all on the template root.
import type { Config } from '../../../../src/stages/context.ts';

const text = (s: string): string => `data:,${encodeURIComponent(s)}`;
const UNIT = '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

export const WORKLOAD: Config = {
  ignition: { version: '3.7.0-experimental' },
  passwd: {
    groups: [{ name: 'team', gid: 4100 }, { name: 'oldgroup', shouldExist: false }],
    users: [
      { name: 'core', groups: ['team'], sshAuthorizedKeys: ['ssh-ed25519 AAAA core'] },
      { name: 'svc', system: true, noCreateHome: true },
      { name: 'olduser', shouldExist: false },
    ],
  },
  storage: {
    files: [
      { path: '/etc/motd', append: [{ source: text('appended once\n') }] },
      { path: '/etc/hostname', overwrite: true, contents: { source: text('node\n') }, append: [{ source: text('tail\n') }] },
      { path: '/etc/app/a.conf', mode: 0o600, contents: { source: text('a\n') } },
      { path: '/etc/app/b.conf', user: { name: 'core' }, contents: { source: text('b\n') }, append: [{ source: text('b2\n') }] },
      { path: '/var/lib/app/state', contents: { source: text('s') } },
      { path: '/home/core/.config/x', user: { name: 'core' }, group: { name: 'core' }, contents: { source: text('x') } },
      { path: '/opt/empty' },
    ],
    directories: [{ path: '/srv/data', mode: 0o750 }, { path: '/srv/existing', overwrite: true }],
    links: [
      { path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' },
      { path: '/srv/hard', target: '/etc/app/a.conf', hard: true },
    ],
  },
  systemd: {
    units: [
      { name: 'app.service', contents: UNIT, enabled: true, dropins: [{ name: '10-env.conf', contents: '[Service]\nEnvironment=X=1\n' }] },
      { name: 'preexisting.service', enabled: false },
      { name: 'getty@tty1.service', enabled: true },
      { name: 'masked.service', mask: false },
      { name: 'noisy.service', mask: true },
    ],
  },
};

/** The result file's date differs between runs: manifests compare it without. */
export function normalize(path: string, data: Buffer): Buffer {
  if (path !== '/etc/.ignition-result.json') return data;
  const report = JSON.parse(data.toString()) as Record<string, unknown>;
  delete report.provisioningDate;
  return Buffer.from(JSON.stringify(report));
}
