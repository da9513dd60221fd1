// A real StageContext for tests: real exec, an in-memory log, and resources decoded from data:
// URLs (gunzipped when compressed) the way the fetch stage would hand them over.
import { gunzipSync } from 'node:zlib';
import { decodeDataUrl } from '../../../../src/config/data-url.ts';
import { createExec } from '../../../../src/system/exec.ts';
import { createLogger, memorySink } from '../../../../src/system/log.ts';
import { distroOptionsFromEnv, toolsFromEnv, type DistroOptions } from '../../../../src/system/distro.ts';
import type { Resource, ResourceContents, StageContext } from '../../../../src/stages/context.ts';

export function decodeResource(resource: Resource): Buffer {
  const source = resource.source ?? '';
  if (!source.startsWith('data:')) throw new Error(`test contexts only decode data: URLs, got ${source}`);
  const decoded = decodeDataUrl(source);
  if ('error' in decoded) throw new Error(decoded.error);
  return resource.compression === 'gzip' ? gunzipSync(decoded.data) : decoded.data;
}

export interface TestContext extends StageContext {
  lines: string[];
}

export function testContext(
  root: string,
  options: { distro?: Partial<DistroOptions>; readResource?: (r: Resource) => Promise<ResourceContents>; afterOp?: (n: number) => void } = {},
): TestContext {
  const { sink, lines } = memorySink();
  const log = createLogger({ stage: 'files', sink, afterOp: options.afterOp });
  return {
    root,
    log,
    exec: createExec(log),
    readResource: options.readResource ?? (async (resource) => decodeResource(resource)),
    tools: toolsFromEnv(),
    distro: { ...distroOptionsFromEnv({}), ...options.distro },
    userConfigProvided: true,
    lines,
  };
}
