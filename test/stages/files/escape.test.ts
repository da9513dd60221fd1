// Escape attempts: a root whose symlinks point outside it (absolute, relative with too many `..`,
// through a real /proc's magic links) and configs with unclean paths. The stage may fail, but
// nothing outside the root may be created or changed.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../../src/stages/context.ts';
import { filesStage } from '../../../src/stages/files/index.ts';
import { canRun, isRoot } from '../../helpers/env.ts';
import { testContext } from './support/context.ts';
import { mustRun } from './support/run.ts';
import { makeTemplateRoot } from './support/template-root.ts';
import { snapshotTree } from '../../helpers/manifest.ts';

const text = (s: string): string => `data:,${encodeURIComponent(s)}`;
const marker = `kindling-escape-${process.pid}`;

// Made at collection time: the attempts below name the outside directory.
const work = mkdtempSync(join(tmpdir(), 'kindling-escape-'));
const outside = join(work, 'outside');
let mounted = false;
const roots = new Set<string>();

function makeRoot(name: string): string {
  const root = join(work, name);
  roots.add(`/${name}`);
  mkdirSync(root);
  makeTemplateRoot(root);
  symlinkSync(outside, join(root, 'abs'));
  symlinkSync(`${'../'.repeat(12)}${outside.slice(1)}`, join(root, 'rel'));
  symlinkSync('/', join(root, 'slash'));
  symlinkSync('/proc/self/root', join(root, 'selfroot'));
  symlinkSync(`../${relative(join(root, '..'), outside)}`, join(root, 'sibling'));
  return root;
}

/** Everything under `work` except the roots, plus host places a magic link could reach. */
function outsideState(): unknown {
  return {
    outside: snapshotTree(outside),
    work: snapshotTree(work, undefined, (path) => roots.has(path)),
    host: [`/${marker}`, `/etc/${marker}`, join(process.cwd(), marker), join(tmpdir(), marker)].map((p) => [p, existsSync(p)]),
  };
}

beforeAll(() => {
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'do not touch\n');
});

afterAll(async () => {
  // Never recurse into a still-mounted /proc: leave the directory behind instead.
  if (mounted) await mustRun('umount', [join(work, 'proc-root/proc')]);
  rmSync(work, { recursive: true, force: true });
});

const f = (path: string, extra: Record<string, unknown> = {}) => ({ path, contents: { source: text('x') }, ...extra });

const ATTEMPTS: [string, Omit<Config, 'ignition'>][] = [
  ['absolute link', { storage: { files: [f(`/abs/${marker}`)], directories: [{ path: `/abs/d-${marker}` }] } }],
  ['relative link with too many ..', { storage: { files: [f(`/rel/${marker}`)], links: [{ path: `/rel/l-${marker}`, target: '/etc/passwd' }] } }],
  ['link to /', { storage: { files: [f(`/slash/etc/${marker}`)] } }],
  ['/proc/self/root link', { storage: { files: [f(`/selfroot/${marker}`)] } }],
  ['relative link to a sibling of the root', { storage: { files: [f(`/sibling/${marker}`)] } }],
  ['unclean paths', { storage: { files: [f(`/../../${marker}`), f(`/etc/../../../../etc/${marker}`)], directories: [{ path: `/../d-${marker}` }] } }],
  ['overwrite through a link', { storage: { files: [f('/abs/secret', { overwrite: true }), f('/rel/secret', { overwrite: true })] } }],
  ['hard link to a file outside', { storage: { links: [{ path: `/h-${marker}`, target: `/abs/secret`, hard: true }] } }],
  ['hard link with unclean target', { storage: { links: [{ path: `/h2-${marker}`, target: `/../../../..${outside}/secret`, hard: true }] } }],
  ['unit and drop-in names with ..', { systemd: { units: [{ name: `../../../../../${marker}.service`, contents: '[Unit]\n', dropins: [{ name: `../../../../../../${marker}.conf`, contents: '' }] }] } }],
  ['home directory through a link', { passwd: { users: [{ name: 'esc', homeDir: '/abs/home', noCreateHome: true, sshAuthorizedKeys: ['k'] }] } }],
];

const asRoot = canRun('root for useradd and mount in the escape test', isRoot);

describe('nothing escapes the root', () => {
  test.each(ATTEMPTS.filter(([, body]) => asRoot || body.passwd === undefined))('%s', async (name, body) => {
    const root = makeRoot(name.replace(/\W+/g, '-'));
    const before = outsideState();
    await filesStage({ ignition: { version: '3.7.0-experimental' }, ...body }, testContext(root)).catch(() => undefined);
    expect(outsideState()).toEqual(before);
  });

  test.runIf(asRoot)('a real /proc in the root: magic links are re-rooted, not followed', async () => {
    const root = makeRoot('proc-root');
    mkdirSync(join(root, 'proc'), { recursive: true });
    await mustRun('mount', ['--bind', '/proc', join(root, 'proc')]);
    mounted = true;
    // Read-only, so even a stage that did escape could not write into the host's /proc.
    await mustRun('mount', ['-o', 'remount,bind,ro', join(root, 'proc')]);
    const before = outsideState();
    await filesStage(
      {
        ignition: { version: '3.7.0-experimental' },
        storage: {
          files: [f(`/proc/self/root/${marker}`), f(`/proc/self/cwd/${marker}`)],
          directories: [{ path: `/proc/thread-self/root/tmp/${marker}` }],
        },
      },
      testContext(root),
    );
    expect(existsSync(join(root, marker))).toBe(true);
    expect(existsSync(join(root, process.cwd(), marker))).toBe(true);
    expect(existsSync(join(root, 'tmp', marker))).toBe(true);
    expect(outsideState()).toEqual(before);
  });
});
