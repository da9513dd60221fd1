// Rules on the config root and the `ignition` section (ignition-spec.md §4.1 and §4.5): nodes
// that would overwrite a systemd unit or drop-in, and the merge/replace/CA references and proxy.

import { atLeast } from '../versions.ts';
import { error, items, obj, plainStr, report, type Obj, type RuleContext } from './context.ts';
import {
  checkCaReference30,
  checkConfigReference30,
  checkProxy,
  checkResource,
  requiredSourceProblem,
} from './resources.ts';
import { systemdPaths } from './systemd.ts';

/** Config.Validate: files, then directories, then links whose path is a unit or drop-in's. */
export function checkSystemdConflicts(ctx: RuleContext, config: Obj): void {
  const taken = systemdPaths(obj(config.systemd));
  if (taken.size === 0) return;
  const storage = obj(config.storage);
  for (const list of ['files', 'directories', 'links']) {
    items(storage[list]).forEach((node, i) => {
      if (taken.has(plainStr(obj(node).path))) error(ctx, 'PATH_CONFLICTS_SYSTEMD', ['storage', list, i, 'path']);
    });
  }
}

/** The `ignition` section in field order: config (merge, replace), proxy, security. */
export function checkIgnition(ctx: RuleContext, ignition: Obj): void {
  const modern = atLeast(ctx.version, '3.1.0');
  const config = obj(ignition.config);
  const merge = items(config.merge).map(obj);
  const base = ['ignition', 'config'];
  if (modern) merge.forEach((reference, i) => report(ctx, requiredSourceProblem(reference, ctx.version), [...base, 'merge', i]));
  const checkReference = modern ? checkResource : checkConfigReference30;
  merge.forEach((reference, i) => checkReference(ctx, reference, [...base, 'merge', i]));
  checkReference(ctx, obj(config.replace), [...base, 'replace']);

  if (modern) checkProxy(ctx, obj(ignition.proxy), ['ignition', 'proxy']);

  const authorities = items(obj(obj(ignition.security).tls).certificateAuthorities).map(obj);
  const tls = ['ignition', 'security', 'tls', 'certificateAuthorities'];
  if (modern) authorities.forEach((ca, i) => report(ctx, requiredSourceProblem(ca, ctx.version), [...tls, i]));
  authorities.forEach((ca, i) => (modern ? checkResource : checkCaReference30)(ctx, ca, [...tls, i]));
}
