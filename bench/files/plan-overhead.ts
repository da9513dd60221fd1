// CPU of the files stage's plan step on bench/files/workload.ts (1000 files, 50 units, 5 users),
// in a fresh root made from the test template: the first call (a cold process, as at boot) and
// the median of the warm calls after it. Usage: node scripts/run-ts.mjs bench/files/plan-overhead.ts [calls]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/stages/context.ts';
import { forgetKnownDirs } from '../../src/stages/files/atomic-write.ts';
import { planFilesStage } from '../../src/stages/files/plan.ts';
import { testContext } from '../../test/stages/files/support/context.ts';
import { makeTemplateRoot } from '../../test/stages/files/support/template-root.ts';
import { filesWorkload } from './workload.ts';

const calls = Number(process.argv[2] ?? 9);
const work = mkdtempSync(join(tmpdir(), 'kindling-bench-plan-'));
try {
  const root = join(work, 'root');
  mkdirSync(root);
  makeTemplateRoot(root);
  const config = filesWorkload() as unknown as Config;
  const cpuMs: number[] = [];
  for (let i = 0; i < calls; i++) {
    // Each call resolves every path again, as a stage process does once.
    forgetKnownDirs();
    const start = process.cpuUsage();
    await planFilesStage(root, config, testContext(root));
    const used = process.cpuUsage(start);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const warm = cpuMs.slice(1).sort((a, b) => a - b);
  console.log(`plan step CPU: first call ${cpuMs[0]?.toFixed(1)} ms, warm median ${warm[warm.length >> 1]?.toFixed(1)} ms (${calls} calls)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
