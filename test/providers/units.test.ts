// The systemd units in initrd/system/ stay in step with the CLI and the platform table: every
// ExecStart is a command line `kindling metadata` accepts, and every platform a unit is
// conditioned on is one Kindling knows (directly or through Flatcar's OEM id mapping).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseMetadataArgs } from '../../src/cli/metadata.ts';
import { platformForOemId } from '../../src/providers/cmdline.ts';
import { getProvider } from '../../src/providers/index.ts';

const DIR = resolve(import.meta.dirname, '../../initrd/system');
const units = readdirSync(DIR).filter((n) => /\.(service|target)$/.test(n));

describe.each(units)('%s', (name) => {
  const text = readFileSync(join(DIR, name), 'utf8');
  const lines = text.split('\n');

  test('has a description and only known sections', () => {
    expect(lines.some((l) => l.startsWith('Description='))).toBe(true);
    for (const l of lines.filter((x) => x.startsWith('['))) expect(['[Unit]', '[Service]', '[Install]']).toContain(l);
  });

  test('ExecStart is a valid `kindling metadata` command', () => {
    for (const l of lines.filter((x) => x.startsWith('ExecStart='))) {
      const [bin, sub, ...args] = l.slice('ExecStart='.length).split(/\s+/);
      expect([bin, sub]).toEqual(['/usr/bin/kindling', 'metadata']);
      expect(typeof parseMetadataArgs(args.map((a) => a.replace('%i', 'core')))).toBe('object');
    }
  });

  test('platform conditions name known platforms', () => {
    for (const l of lines.filter((x) => x.startsWith('ConditionKernelCommandLine='))) {
      const m = /=\|?(ignition\.platform\.id|flatcar\.oem\.id)=(.+)$/.exec(l);
      expect(m).not.toBeNull();
      const id = m![1] === 'flatcar.oem.id' ? platformForOemId(m![2]!) : m![2]!;
      expect(getProvider(id), `${id} in ${name}`).toBeDefined();
    }
  });
});

describe('units that need metadata', () => {
  test('the SSH key and hostname units only run where the provider has metadata', () => {
    for (const name of ['kindling-sshkeys@.service', 'kindling-hostname.service']) {
      const text = readFileSync(join(DIR, name), 'utf8');
      for (const m of text.matchAll(/\|(ignition\.platform\.id|flatcar\.oem\.id)=(\S+)/g)) {
        const id = m[1] === 'flatcar.oem.id' ? platformForOemId(m[2]!) : m[2]!;
        expect(getProvider(id)?.metadata, `${id} in ${name}`).toBeDefined();
      }
    }
  });
});
