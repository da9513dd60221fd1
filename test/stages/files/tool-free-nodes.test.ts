// Nodes written while the shadow tools run (tool-free-nodes.ts), on a real root with the real tools
// behind stand-ins that first note which of the config's nodes exist and wait a little, so the
// early writer has time to run. Checked: which nodes are written before the last tool ends (and
// which wait), that the tree and the log equal those of a run with the tools at full speed, and
// that a failing useradd still rolls back the nodes written beside it.
import { lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Tools } from '../../../src/system/distro.ts';
import { canRun, hasCommand, isRoot } from '../../helpers/env.ts';
import { failure } from '../../helpers/failure.ts';
import { diffTrees, outsideManifest, snapshotTree } from '../../helpers/manifest.ts';
import { decodeResource, testContext, type TestContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles, text } from './support/run.ts';
import { writeStandIns } from './support/stand-ins.ts';
import { normalize } from './support/workload.ts';

const runnable = canRun('root and shadow-utils for the tool-free nodes test', isRoot && ['useradd', 'groupadd'].every(hasCommand));

/** Nodes no shadow tool touches: written while the tools run. */
const FREE = ['/var/lib/app/state', '/srv/free/a/b', '/opt/by-id', '/srv/link-to-free', '/srv/plain-dir'];
/** Nodes that wait for the tools, each for its own reason. */
const WAITING = [
  '/etc/app.conf', // read by the tools (everything in /etc is)
  '/home/core/notes', // in a home useradd makes
  '/srv/svc/data', // shares the missing parent /srv/svc with the home /srv/svc/home
  '/var/lib/app/by-name', // owned by a name, looked up after the tools
  '/srv/tree', // owned by a name
  '/srv/tree/inner', // below a node that waits
  '/srv/to-etc/through.conf', // resolves through a link this config makes into /etc
  '/srv/hard', // hard links always wait
  '/var/log/app.log', // the tools write logs there
  '/srv/remote', // a remote resource: fetching it would log out of order
];

const REMOTE = 'http://example.invalid/remote';

const BODY = {
  passwd: {
    groups: [{ name: 'team', gid: 4200 }],
    users: [
      { name: 'core', groups: ['team'], sshAuthorizedKeys: ['ssh-ed25519 AAAA core'] },
      { name: 'svc', homeDir: '/srv/svc/home' },
    ],
  },
  storage: {
    files: [
      { path: '/var/lib/app/state', mode: 0o600, contents: { source: text('s') } },
      { path: '/srv/free/a/b', contents: { source: text('b') } },
      { path: '/opt/by-id', user: { id: 4321 }, group: { id: 4322 }, contents: { source: text('id') } },
      { path: '/etc/app.conf', contents: { source: text('conf') } },
      { path: '/home/core/notes', contents: { source: text('n') } },
      { path: '/srv/svc/data', contents: { source: text('d') } },
      { path: '/var/lib/app/by-name', user: { name: 'core' }, group: { name: 'team' }, contents: { source: text('x') } },
      { path: '/srv/tree/inner', contents: { source: text('i') } },
      { path: '/srv/to-etc/through.conf', contents: { source: text('t') } },
      { path: '/var/log/app.log', contents: { source: text('l') } },
      { path: '/srv/remote', contents: { source: REMOTE } },
    ],
    directories: [
      { path: '/srv/tree', mode: 0o700, user: { name: 'core' } },
      { path: '/srv/plain-dir', mode: 0o750 },
    ],
    links: [
      { path: '/srv/link-to-free', target: '/srv/free/a/b' },
      { path: '/srv/to-etc', target: '/etc' },
      { path: '/srv/hard', target: '/srv/free/a/b', hard: true },
    ],
  },
};

let stubs: string;

/** A context whose resources are data URLs or REMOTE, which "fetches" as fixed bytes. */
function context(root: string): TestContext {
  return testContext(root, { readResource: async (resource) => (resource.source === REMOTE ? Buffer.from('remote\n') : decodeResource(resource)) });
}

/** Stand-ins that note the existing nodes of `paths` in the root, wait, then run (or fail as) the real tool. */
async function standIns(root: string, failLastUseradd: boolean): Promise<{ tools: Partial<Tools>; seen: string }> {
  const checks = [...FREE, ...WAITING].map((path) => `[ -e '${root}${path}' ] || [ -L '${root}${path}' ] && echo '${path}'`);
  let seen = '';
  const { tools } = await writeStandIns(stubs, ['groupadd', 'useradd'], (tool, _real, dir) => {
    seen = join(dir, 'seen');
    return [
      `: > '${seen}'`,
      ...checks.map((check) => `${check} >> '${seen}'`),
      'sleep 0.3',
      failLastUseradd && tool === 'useradd' ? `[ "$n" -eq 3 ] && { echo 'stand-in useradd: failing' >&2; exit 1; }` : ':',
    ];
  });
  return { tools, seen };
}

beforeAll(() => {
  if (runnable) stubs = mkdtempSync(join(tmpdir(), 'kindling-tool-free-'));
});

afterAll(() => {
  removeRoots();
  if (stubs !== undefined) rmSync(stubs, { recursive: true, force: true });
});

describe.runIf(runnable)('nodes written while the shadow tools run', () => {
  test('tool-free nodes are written before the last tool; the tree and the log equal a run at full speed', async () => {
    const root = newRoot();
    const { tools, seen } = await standIns(root, false);
    const ctx = context(root);
    Object.assign(ctx.tools, tools);
    await runFiles(root, BODY, ctx);
    // What existed when the last tool (the second useradd) started.
    const before = readFileSync(seen, 'utf8').split('\n').filter((line) => line !== '');
    expect(before.sort()).toEqual([...FREE].sort());

    const fast = newRoot();
    const fastCtx = await runFiles(fast, BODY, context(fast));
    expect(diffTrees(snapshotTree(fast, normalize), snapshotTree(root, normalize))).toEqual([]);
    const ops = (lines: string[]): string[] => lines.filter((line) => line.includes(': op('));
    expect(ops(ctx.lines)).toEqual(ops(fastCtx.lines));
    // The link's target is absolute: on the host it would lead out of the root.
    for (const path of [...FREE, ...WAITING].filter((p) => !p.startsWith('/srv/to-etc/'))) expect(lstatSync(join(root, path), { throwIfNoEntry: false }) !== undefined, path).toBe(true);
    expect(readFileSync(join(root, 'etc/through.conf'), 'utf8')).toBe('t');
  });

  test('a failing useradd rolls back the nodes written beside it', async () => {
    const root = newRoot();
    const before = snapshotTree(root);
    const outside = outsideManifest(root);
    const { tools, seen } = await standIns(root, true);
    const ctx = context(root);
    Object.assign(ctx.tools, tools);
    await failure(() => runFiles(root, BODY, ctx));
    // The early writer had made the tool-free nodes when the tool failed.
    expect(readFileSync(seen, 'utf8').split('\n').filter((line) => line !== '').sort()).toEqual([...FREE].sort());
    expect(diffTrees(before, snapshotTree(root))).toEqual([]);
    expect(diffTrees(outside, outsideManifest(root))).toEqual([]);
  });
});
