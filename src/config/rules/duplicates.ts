// The duplicate check (ignition-spec.md §4.3): a second walk after the rules, visiting each object
// before its children; per object its list fields in field order, files/directories/links and the
// two kernel-argument lists sharing one key space. The later entry of a pair is reported.

import type { ConfigPath } from '../../report.ts';
import { atLeast } from '../versions.ts';
import { error, items, num, obj, plainStr, str, type Obj, type RuleContext } from './context.ts';

type KeyOf = (item: unknown) => string;

interface ListField {
  field: string;
  key: KeyOf;
  /** Lists with the same space share their seen keys (upstream's MergedKeys). */
  space?: string;
}

const byString: KeyOf = (item) => (typeof item === 'string' ? item : '');
const byField =
  (field: string): KeyOf =>
  (item) =>
    plainStr(obj(item)[field]);
const bySource: KeyOf = (item) => str(obj(item).source) ?? '';

function partitionKey(item: unknown): string {
  const partition = obj(item);
  const number = num(partition.number) ?? 0;
  if (number !== 0) return `number:${number}`;
  const label = str(partition.label);
  return label === undefined ? '' : `label:${label}`;
}

/** One object's duplicate check over its list fields, in the given order. */
function checkLists(ctx: RuleContext, owner: Obj, path: ConfigPath, fields: ListField[]): void {
  const spaces = new Map<string, Set<string>>();
  for (const { field, key, space } of fields) {
    const name = space ?? field;
    const seen = spaces.get(name) ?? new Set<string>();
    spaces.set(name, seen);
    items(owner[field]).forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) error(ctx, 'DUPLICATE', [...path, field, i]);
      seen.add(k);
    });
  }
}

function checkResourceLists(ctx: RuleContext, resource: Obj, path: ConfigPath): void {
  if (atLeast(ctx.version, '3.1.0')) checkLists(ctx, resource, path, [{ field: 'httpHeaders', key: byField('name') }]);
}

function checkIgnition(ctx: RuleContext, ignition: Obj): void {
  const config = obj(ignition.config);
  const configPath = ['ignition', 'config'];
  checkLists(ctx, config, configPath, [{ field: 'merge', key: bySource }]);
  items(config.merge).forEach((reference, i) => checkResourceLists(ctx, obj(reference), [...configPath, 'merge', i]));
  checkResourceLists(ctx, obj(config.replace), [...configPath, 'replace']);
  checkLists(ctx, obj(ignition.proxy), ['ignition', 'proxy'], [{ field: 'noProxy', key: byString }]);
  const tls = obj(obj(ignition.security).tls);
  const tlsPath = ['ignition', 'security', 'tls'];
  checkLists(ctx, tls, tlsPath, [{ field: 'certificateAuthorities', key: bySource }]);
  items(tls.certificateAuthorities).forEach((ca, i) =>
    checkResourceLists(ctx, obj(ca), [...tlsPath, 'certificateAuthorities', i]),
  );
}

function checkPasswd(ctx: RuleContext, passwd: Obj): void {
  checkLists(ctx, passwd, ['passwd'], [
    { field: 'groups', key: byField('name') },
    { field: 'users', key: byField('name') },
  ]);
  items(passwd.users).forEach((user, i) =>
    checkLists(ctx, obj(user), ['passwd', 'users', i], [
      { field: 'groups', key: byString },
      { field: 'sshAuthorizedKeys', key: byString },
    ]),
  );
}

function checkStorage(ctx: RuleContext, storage: Obj): void {
  const node = byField('path');
  checkLists(ctx, storage, ['storage'], [
    { field: 'directories', key: node, space: 'node' },
    { field: 'disks', key: byField('device') },
    { field: 'files', key: node, space: 'node' },
    { field: 'filesystems', key: byField('device') },
    { field: 'links', key: node, space: 'node' },
    { field: 'luks', key: byField('name') },
    { field: 'raid', key: byField('name') },
  ]);
  items(storage.disks).forEach((disk, i) =>
    checkLists(ctx, obj(disk), ['storage', 'disks', i], [{ field: 'partitions', key: partitionKey }]),
  );
  items(storage.files).forEach((value, i) => {
    const file = obj(value);
    const path = ['storage', 'files', i];
    items(file.append).forEach((fragment, j) => checkResourceLists(ctx, obj(fragment), [...path, 'append', j]));
    checkResourceLists(ctx, obj(file.contents), [...path, 'contents']);
  });
  items(storage.luks).forEach((value, i) => {
    const luks = obj(value);
    const path = ['storage', 'luks', i];
    checkLists(ctx, luks, path, [{ field: 'openOptions', key: byString }]);
    checkLists(ctx, obj(luks.clevis), [...path, 'clevis'], [{ field: 'tang', key: byField('url') }]);
    checkResourceLists(ctx, obj(luks.keyFile), [...path, 'keyFile']);
  });
  items(storage.raid).forEach((raid, i) =>
    checkLists(ctx, obj(raid), ['storage', 'raid', i], [{ field: 'devices', key: byString }]),
  );
}

/** Every duplicate in the config, in upstream's walk order. */
export function checkDuplicates(ctx: RuleContext, config: Obj): void {
  checkIgnition(ctx, obj(config.ignition));
  checkLists(ctx, obj(config.kernelArguments), ['kernelArguments'], [
    { field: 'shouldExist', key: byString, space: 'kargs' },
    { field: 'shouldNotExist', key: byString, space: 'kargs' },
  ]);
  checkPasswd(ctx, obj(config.passwd));
  checkStorage(ctx, obj(config.storage));
  const systemd = obj(config.systemd);
  checkLists(ctx, systemd, ['systemd'], [{ field: 'units', key: byField('name') }]);
  items(systemd.units).forEach((unit, i) =>
    checkLists(ctx, obj(unit), ['systemd', 'units', i], [{ field: 'dropins', key: byField('name') }]),
  );
}
