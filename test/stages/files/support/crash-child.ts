// Child process for the kill and rollback campaigns: runs the files stage on ROOT with CONFIG and
// SIGKILLs itself after operation KILL_AFTER_OP, inside the write of resource KILL_IN_READ (the
// temp file exists, the rename has not happened), or after operation KILL_IN_ROLLBACK of the
// rollback of a failed run. KINDLING_SELINUX_RELABEL=true with KINDLING_SETFILES pointing at a
// failing command makes the stage fail at its very end, so the rollback undoes everything.
// Prints the op and read counts of a run that survives, and the rollback's op count on failure.
import { readFileSync } from 'node:fs';
import { filesStage } from '../../../../src/stages/files/index.ts';
import type { Config } from '../../../../src/stages/context.ts';
import { decodeResource, testContext } from './context.ts';

const [root, configFile] = process.argv.slice(2) as [string, string];
const killAfterOp = Number(process.env.KILL_AFTER_OP ?? 0);
const killInRead = Number(process.env.KILL_IN_READ ?? 0);
const killInRollback = Number(process.env.KILL_IN_ROLLBACK ?? 0);
let reads = 0;
let rollbackOps = 0;

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

const ctx = testContext(root, {
  distro: { selinuxRelabel: process.env.KINDLING_SELINUX_RELABEL === 'true' },
  afterOp: (n) => {
    if (n === killAfterOp) die();
    if (ctx.lines.at(-1)?.includes('rolling back') === true && ++rollbackOps === killInRollback) die();
  },
  readResource: async (resource) => {
    if (++reads === killInRead) die();
    return decodeResource(resource);
  },
});
const config = JSON.parse(readFileSync(configFile, 'utf8')) as Config;
try {
  await filesStage(config, ctx);
} catch (error) {
  process.stdout.write(JSON.stringify({ rollbackOps }));
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({ ops: ctx.log.opCount, reads }));
