// A deterministic ~1.5 MB Butane config for the transpiler benchmark: 2000 files with inline
// contents (prose, config-like text and hex dumps, so every encoding wins somewhere), 200 units
// and 20 users. Same seed, same bytes.

const WORDS = ['kindling', 'ignition', 'butane', 'config', 'storage', 'systemd', 'unit', 'mount', 'disk', 'file', 'network', 'provision', 'boot', 'first', 'root', 'var'];

/** A small linear congruential generator, so the text never depends on Math.random. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function indentBlock(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n');
}

export function largeButane(): string {
  const rand = lcg(20260630);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const out: string[] = ['variant: fcos', 'version: 1.6.0', 'passwd:', '  users:'];
  for (let u = 0; u < 20; u++) {
    out.push(`    - name: user${u}`, `      uid: ${2000 + u}`, '      groups: [wheel]', '      ssh_authorized_keys:');
    for (let k = 0; k < 3; k++) out.push(`        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Math.floor(rand() * 1e12).toString(36)} user${u}@host${k}`);
  }
  out.push('storage:', '  files:');
  for (let f = 0; f < 2000; f++) {
    out.push(`    - path: /etc/kindling/bench/${pick(WORDS)}/${f}.conf`, `      mode: 0${pick(['644', '600', '640', '755'])}`, '      contents:');
    const kind = f % 3;
    let text: string;
    if (kind === 0) {
      text = Array.from({ length: 145 }, () => pick(WORDS)).join(' ') + '\n';
    } else if (kind === 1) {
      text = Array.from({ length: 23 }, (_v, i) => `${pick(WORDS)}_${i}=${Math.floor(rand() * 1e6)}`).join('\n') + '\n';
    } else {
      text = Array.from({ length: 38 }, () => Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0')).join('') + '\n';
    }
    out.push('        inline: |', indentBlock(text, '          '));
  }
  out.push('systemd:', '  units:');
  for (let s = 0; s < 200; s++) {
    out.push(`    - name: bench-${s}.service`, '      enabled: true', '      contents: |');
    const unit = `[Unit]\nDescription=Benchmark unit ${s} for ${pick(WORDS)}\nAfter=network-online.target\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/echo ${pick(WORDS)} ${s}\nRemainAfterExit=yes\n\n[Install]\nWantedBy=multi-user.target\n`;
    out.push(indentBlock(unit, '        '));
  }
  return `${out.join('\n')}\n`;
}
