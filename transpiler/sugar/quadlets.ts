// systemd.quadlets (butane.md §4.10, fcos 1.8-exp and its siblings): Podman quadlet files under
// /etc/containers/systemd, template instances as links to their template.

import { entry, type ConfigPath } from '../../src/report.ts';
import { readLocal, type Context } from '../context.ts';
import { encodeContent } from '../data-url.ts';
import type { SourceObject } from '../decode.ts';
import type { Tracked } from '../merge-generated.ts';
import { record } from '../translation-set.ts';

const EXTENSIONS = ['.container', '.volume', '.network', '.kube', '.image', '.build', '.pod', '.artifact'];
type Obj = Record<string, unknown>;

const quadlets = (systemd: SourceObject | undefined): SourceObject[] =>
  Array.isArray(systemd?.quadlets) ? (systemd.quadlets as SourceObject[]) : [];

/** `foo@bar.container` is an instance of the template `foo@.container`. */
function templateOf(name: string): string | undefined {
  const m = /^([^@]+)@(.+)(\.[^.]+)$/.exec(name);
  return m === null ? undefined : `${m[1]}@${m[3]}`;
}

export function validateQuadlets(systemd: SourceObject | undefined, ctx: Context): void {
  quadlets(systemd).forEach((q, i) => {
    const at: ConfigPath = ['systemd', 'quadlets', i];
    const name = typeof q.name === 'string' ? q.name : '';
    if (!EXTENSIONS.some((ext) => name.endsWith(ext))) {
      ctx.report.push(entry('error', 'QUADLET_EXTENSION', [...at, 'name']));
      return;
    }
    // A template instance becomes a symlink, so it cannot carry contents of its own.
    if (templateOf(name) !== undefined) {
      for (const key of ['contents', 'contents_local']) {
        if (q[key] !== undefined) ctx.report.push(entry('error', 'QUADLET_TEMPLATE_CONTENTS', [...at, key]));
      }
    } else if (q.contents !== undefined && q.contents_local !== undefined) {
      ctx.report.push(entry('error', 'CONTENTS_TOO_MANY_SOURCES', [...at, 'contents_local']));
    }
    const dropins = Array.isArray(q.dropins) ? (q.dropins as SourceObject[]) : [];
    dropins.forEach((d, j) => {
      if (d.contents !== undefined && d.contents_local !== undefined) {
        ctx.report.push(entry('error', 'CONTENTS_TOO_MANY_SOURCES', [...at, 'dropins', j, 'contents_local']));
      }
    });
  });
}

export function applyQuadlets(systemd: SourceObject | undefined, user: Tracked, ctx: Context): void {
  const list = quadlets(systemd);
  if (list.length === 0) return;
  const storage = (user.config.storage ??= {}) as Obj;
  const files = (storage.files ??= []) as Obj[];
  const links = (storage.links ??= []) as Obj[];
  const taken = new Set<string>();
  for (const kind of ['files', 'directories', 'links']) {
    for (const node of (storage[kind] as Obj[] | undefined) ?? []) taken.add(String(node.path));
  }
  const text = (item: SourceObject, at: ConfigPath): Buffer | undefined => {
    if (typeof item.contents === 'string') return Buffer.from(item.contents, 'utf8');
    if (typeof item.contents_local === 'string') return readLocal(ctx, item.contents_local, [...at, 'contents_local']);
    return undefined;
  };
  const encode = (bytes: Buffer): Obj =>
    ({ ...encodeContent(bytes, { userCompression: undefined, allowGzip: true, legacy: false }) }) as Obj;
  const addFile = (path: string, bytes: Buffer | undefined, at: ConfigPath): void => {
    if (taken.has(path)) {
      ctx.report.push(entry('error', 'NODE_CONFLICT', at));
      return;
    }
    taken.add(path);
    record(user.set, ['storage', 'files', files.length], at);
    files.push({ path, ...(bytes === undefined ? {} : { contents: encode(bytes) }), mode: 0o644 });
  };
  list.forEach((q, i) => {
    const at: ConfigPath = ['systemd', 'quadlets', i];
    const name = typeof q.name === 'string' ? q.name : '';
    const dir = q.rootful === true ? '/etc/containers/systemd' : '/etc/containers/systemd/users';
    const path = `${dir}/${name}`;
    const template = templateOf(name);
    if (template !== undefined) {
      if (taken.has(path)) ctx.report.push(entry('error', 'NODE_CONFLICT', at));
      else {
        taken.add(path);
        record(user.set, ['storage', 'links', links.length], at);
        links.push({ path, target: template });
      }
    } else addFile(path, text(q, at), at);
    const dropins = Array.isArray(q.dropins) ? (q.dropins as SourceObject[]) : [];
    dropins.forEach((d, j) => {
      const dat: ConfigPath = [...at, 'dropins', j];
      addFile(`${path}.d/${String(d.name ?? '')}`, text(d, dat), dat);
    });
  });
  if (files.length === 0) delete storage.files;
  if (links.length === 0) delete storage.links;
}
