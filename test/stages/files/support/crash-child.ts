// Child process for the crash test: runs the files stage on ROOT with CONFIG and SIGKILLs itself
// after operation KILL_AFTER_OP, or inside the write of resource KILL_IN_READ (the temp file
// exists, the rename has not happened). Prints the op and read counts of a run that survives.
import { readFileSync } from 'node:fs';
import { filesStage } from '../../../../src/stages/files/index.ts';
import type { Config } from '../../../../src/stages/context.ts';
import { decodeResource, testContext } from './context.ts';

const [root, configFile] = process.argv.slice(2) as [string, string];
const killAfterOp = Number(process.env.KILL_AFTER_OP ?? 0);
const killInRead = Number(process.env.KILL_IN_READ ?? 0);
let reads = 0;

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

const ctx = testContext(root, {
  afterOp: (n) => {
    if (n === killAfterOp) die();
  },
  readResource: async (resource) => {
    if (++reads === killInRead) die();
    return decodeResource(resource);
  },
});
const config = JSON.parse(readFileSync(configFile, 'utf8')) as Config;
await filesStage(config, ctx);
process.stdout.write(JSON.stringify({ ops: ctx.log.opCount, reads }));
