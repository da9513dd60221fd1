// A deterministic, valid, roughly 1.4 MB Ignition config for the validation benchmark: 1000 files
// with inline data URLs (half base64, half percent-encoded text), 50 units and 5 users.
import { seededBytes } from '../seeded-bytes.ts';

const VERSION = '3.3.0';

const bytes = seededBytes;

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'kindle', 'spark', 'ember', 'flame', 'ash', 'smoke'];

function text(seed: number, length: number): string {
  const noise = bytes(seed, length);
  let out = '';
  for (let i = 0; out.length < length; i++) out += `${WORDS[(noise[i % noise.length] as number) % WORDS.length]}${i % 12 === 11 ? '\n' : ' '}`;
  return out.slice(0, length);
}

export function largeConfig(): string {
  const files = Array.from({ length: 1000 }, (_, i) => {
    const source =
      i % 2 === 0
        ? `data:;base64,${bytes(i + 1, 870).toString('base64')}`
        : `data:,${encodeURIComponent(text(i + 1, 1040))}`;
    return {
      path: `/var/lib/bench/dir${i % 40}/file-${i}.dat`,
      mode: i % 3 === 0 ? 384 : 420,
      overwrite: true,
      contents: { source },
      ...(i % 10 === 0 ? { user: { name: 'core' }, group: { id: 1000 } } : {}),
    };
  });
  const units = Array.from({ length: 50 }, (_, i) => ({
    name: `bench-${i}.service`,
    enabled: i % 2 === 0,
    contents: `[Unit]\nDescription=Benchmark unit ${i}\nAfter=network-online.target\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/echo ${i}\n\n[Install]\nWantedBy=multi-user.target\n`,
    ...(i % 5 === 0 ? { dropins: [{ name: '10-env.conf', contents: `[Service]\nEnvironment=N=${i}\n` }] } : {}),
  }));
  const users = Array.from({ length: 5 }, (_, i) => ({
    name: i === 0 ? 'core' : `user${i}`,
    uid: 1000 + i,
    groups: ['wheel'],
    sshAuthorizedKeys: [`ssh-ed25519 ${bytes(9000 + i, 32).toString('base64')} user${i}@bench`],
  }));
  const directories = Array.from({ length: 40 }, (_, i) => ({ path: `/var/lib/bench/dir${i}`, mode: 493 }));
  return JSON.stringify({
    ignition: { version: VERSION },
    storage: { directories, files },
    systemd: { units },
    passwd: { users },
  });
}
