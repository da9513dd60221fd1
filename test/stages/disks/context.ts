// A real StageContext for disks-stage tests: real exec and tools, an in-memory log, and key
// files served from a map keyed by source (the fetch stage's job, not the one under test).
import { createExec } from '../../../src/system/exec.ts';
import { createLogger, memorySink } from '../../../src/system/log.ts';
import { distroOptionsFromEnv, toolsFromEnv } from '../../../src/system/distro.ts';
import type { Resource, StageContext } from '../../../src/stages/context.ts';

export function testContext(root = '/', resources: Record<string, Buffer> = {}): StageContext & { lines: string[] } {
  const { sink, lines } = memorySink();
  const log = createLogger({ stage: 'disks', sink });
  return {
    lines,
    root,
    log,
    exec: createExec(log),
    tools: toolsFromEnv(),
    distro: distroOptionsFromEnv(),
    userConfigProvided: true,
    readResource: async (resource: Resource) => {
      const found = resources[resource.source ?? ''];
      if (found === undefined) throw new Error(`no test resource ${resource.source}`);
      return found;
    },
  };
}
