// The kargs stage (ignition-spec.md §10.2): hands kernelArguments to the distro's helper, which
// edits the boot loader configuration (and may reboot). Kindling only computes the arguments.

import type { Stage } from './context.ts';

/** The helper's argv: every shouldExist first, then every shouldNotExist, in config order. */
export function kargsHelperArgs(config: Parameters<Stage>[0]): string[] {
  const args: string[] = [];
  for (const arg of config.kernelArguments?.shouldExist ?? []) args.push('--should-exist', arg);
  for (const arg of config.kernelArguments?.shouldNotExist ?? []) args.push('--should-not-exist', arg);
  return args;
}

export const kargsStage: Stage = async (config, ctx) => {
  const args = kargsHelperArgs(config);
  if (args.length === 0) return;
  await ctx.log.op('updating kernel arguments', '', () => ctx.exec(ctx.tools.kargsHelper, args, { path: ['kernelArguments'] }));
};
