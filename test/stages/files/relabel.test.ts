// The SELinux relabel step: setfiles gets every created path, and a root without a usable
// /etc/selinux/config fails with upstream's wording after everything was written.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { testContext } from './support/context.ts';
import { newRoot, removeRoots, runFiles, text } from './support/run.ts';

afterEach(removeRoots);

const stubDir = mkdtempSync(join(tmpdir(), 'kindling-setfiles-'));
afterAll(() => rmSync(stubDir, { recursive: true, force: true }));

function setfilesStub(): { path: string; argv: string; stdin: string } {
  const path = join(stubDir, 'setfiles');
  const out = { path, argv: join(stubDir, 'argv'), stdin: join(stubDir, 'stdin') };
  writeFileSync(path, `#!/bin/sh\necho "$@" > ${out.argv}\ncat > ${out.stdin}\n`);
  chmodSync(path, 0o755);
  return out;
}

describe('relabel', () => {
  test('setfiles runs over the created paths with the root\'s policy', async () => {
    const root = newRoot();
    const stub = setfilesStub();
    const ctx = testContext(root, { distro: { selinuxRelabel: true } });
    ctx.tools.setfiles = stub.path;
    await runFiles(root, { storage: { files: [{ path: '/new/dir/f', contents: { source: text('x') } }] } }, ctx);
    expect(readFileSync(stub.argv, 'utf8').trim()).toBe(`-vF0 -r ${root} ${root}/etc/selinux/targeted/contexts/files/file_contexts -f -`);
    const paths = readFileSync(stub.stdin, 'utf8').split('\0').filter(Boolean);
    expect(paths).toEqual(expect.arrayContaining([join(root, 'new'), join(root, 'new/dir'), join(root, 'new/dir/f'), join(root, 'etc/.ignition-result.json')]));
  });

  test('without SELINUXTYPE the stage fails in the plan step, having written nothing', async () => {
    const root = newRoot();
    writeFileSync(join(root, 'etc/selinux/config'), 'SELINUX=enforcing\n');
    const ctx = testContext(root, { distro: { selinuxRelabel: true } });
    ctx.tools.setfiles = setfilesStub().path;
    await expect(runFiles(root, { storage: { files: [{ path: '/f' }] } }, ctx)).rejects.toThrow("didn't find SELINUXTYPE in /etc/selinux/config");
    expect(existsSync(join(root, 'f'))).toBe(false);
    expect(existsSync(join(root, 'etc/.kindling-files-journal'))).toBe(false);
  });

  test('without /etc/selinux/config it fails with upstream wording', async () => {
    const root = newRoot();
    rmSync(join(root, 'etc/selinux'), { recursive: true });
    const ctx = testContext(root, { distro: { selinuxRelabel: true } });
    await expect(runFiles(root, { storage: { files: [{ path: '/f' }] } }, ctx)).rejects.toThrow('failed to handle relabeling: failed to open /etc/selinux/config');
  });
});
