// The files-stage benchmark workload, generated deterministically: 1000 files (inline data URLs,
// some owned by a created user), 50 units (half enabled), 20 drop-ins, 5 users with SSH keys and
// 2 groups, as a spec 3.3.0 config that Ignition 2.14 also runs.
import { seededBytes } from '../seeded-bytes.ts';

const bytes = seededBytes;

export function filesWorkload(): Record<string, unknown> {
  const files = Array.from({ length: 1000 }, (_, i) => ({
    path: `/var/lib/bench/dir${i % 40}/file-${i}.dat`,
    mode: i % 3 === 0 ? 384 : 420,
    contents: {
      source: i % 2 === 0 ? `data:;base64,${bytes(i + 1, 2048).toString('base64')}` : `data:,${encodeURIComponent(bytes(i + 1, 1024).toString('hex'))}`,
    },
    ...(i % 10 === 0 ? { user: { name: 'core' }, group: { name: 'bench' } } : {}),
  }));
  const units = Array.from({ length: 50 }, (_, i) => ({
    name: `bench-${i}.service`,
    contents: `[Unit]\nDescription=Benchmark unit ${i}\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/echo ${i}\n\n[Install]\nWantedBy=multi-user.target\n`,
    ...(i % 2 === 0 ? { enabled: true } : {}),
    ...(i < 20 ? { dropins: [{ name: '10-env.conf', contents: `[Service]\nEnvironment=N=${i}\n` }] } : {}),
  }));
  const groups = [{ name: 'bench', gid: 3000 }, { name: 'ops', gid: 3001 }];
  const users = Array.from({ length: 5 }, (_, i) => ({
    name: i === 0 ? 'core' : `user${i}`,
    uid: 1000 + i,
    groups: ['bench'],
    sshAuthorizedKeys: [`ssh-ed25519 ${bytes(9000 + i, 32).toString('base64')} user${i}@bench`],
  }));
  return { ignition: { version: '3.3.0' }, passwd: { groups, users }, storage: { files }, systemd: { units } };
}
