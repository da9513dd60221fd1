// Configs only a whole runner can show: contents and child configs served over HTTP, base configs
// from the system config directory, and configs that must fail before anything is written.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Served } from './support/server.ts';

export interface RunnerCase {
  name: string;
  /** The user config (object or raw text); `url(name)` addresses one of the case's routes. */
  config: (url: (name: string) => string) => Record<string, unknown> | string;
  serve?: (url: (name: string) => string) => Record<string, Served>;
  /** Files of the system config directory by relative path (`base.d/10.ign`, `user.ign`). */
  system?: Record<string, Record<string, unknown> | string>;
  /**
   * `fetch`: both runners fail, Kindling already in its fetch stage, leaving the root untouched;
   * `any`: both fail, in whichever stage (files-stage errors may leave partial writes on both sides).
   */
  fails?: 'fetch' | 'any';
  upstreamDiffers?: string[];
}

const hash = (algorithm: 'sha256' | 'sha512', data: string | Buffer): string => `${algorithm}-${createHash(algorithm).update(data).digest('hex')}`;
const v = (version: string, body: Record<string, unknown>): Record<string, unknown> => ({ ignition: { version }, ...body });
const files = (...f: unknown[]): Record<string, unknown> => ({ storage: { files: f } });

const motd = 'served over http\n';
const big = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i} of a larger remote file\n`).join(''));
const unzipped = 'gzip over http\n'.repeat(200);
const zipped = gzipSync(Buffer.from(unzipped));
const child = (version: string, path: string, text: string): string => JSON.stringify(v(version, files({ path, contents: { source: `data:,${encodeURIComponent(text)}` } })));

export const RUNNER_CASES: RunnerCase[] = [
  {
    name: 'http contents',
    config: (url) => v('3.0.0', files({ path: '/etc/motd.d/http', contents: { source: url('motd') } })),
    serve: () => ({ motd }),
  },
  {
    name: 'http contents with sha512 and mode',
    config: (url) => v('3.3.0', files({ path: '/srv/remote', mode: 416, contents: { source: url('motd'), verification: { hash: hash('sha512', motd) } } })),
    serve: () => ({ motd }),
  },
  {
    name: 'http contents with sha256',
    config: (url) => v('3.2.0', files({ path: '/srv/remote256', contents: { source: url('motd'), verification: { hash: hash('sha256', motd) } } })),
    serve: () => ({ motd }),
  },
  {
    // The hash covers the decompressed contents (both runners agree).
    name: 'http gzip contents with hash of the contents',
    config: (url) => v('3.3.0', files({ path: '/etc/gz-remote', contents: { source: url('z'), compression: 'gzip', verification: { hash: hash('sha512', unzipped) } } })),
    serve: () => ({ z: zipped }),
  },
  {
    name: 'http gzip contents without hash',
    config: (url) => v('3.1.0', files({ path: '/etc/gz-plain', contents: { source: url('z'), compression: 'gzip' } })),
    serve: () => ({ z: zipped }),
  },
  {
    name: 'http appends onto http contents',
    config: (url) => v('3.3.0', files({ path: '/etc/joined', contents: { source: url('a') }, append: [{ source: url('b') }, { source: 'data:,inline%0A' }, { source: url('a') }] })),
    serve: () => ({ a: 'first\n', b: 'second\n' }),
  },
  {
    name: 'http append to a template file',
    config: (url) => v('3.3.0', files({ path: '/etc/motd', append: [{ source: url('b'), verification: { hash: hash('sha512', 'second\n') } }] })),
    serve: () => ({ b: 'second\n' }),
  },
  {
    name: 'one URL for many files, with a query string',
    config: (url) => v('3.3.0', files(...Array.from({ length: 12 }, (_, i) => ({ path: `/srv/many/f${i}`, mode: 384 + (i % 2) * 36, contents: { source: `${url('motd')}?n=${i % 3}` } })))),
    serve: () => ({ motd }),
  },
  {
    name: 'larger http file',
    config: (url) => v('3.3.0', files({ path: '/var/lib/big', contents: { source: url('big'), verification: { hash: hash('sha512', big) } } })),
    serve: () => ({ big }),
  },
  {
    name: 'redirected http contents',
    config: (url) => v('3.3.0', files({ path: '/etc/redirected', contents: { source: url('old') } })),
    serve: (url) => ({ old: { redirect: url('new') }, new: 'moved here\n' }),
  },
  {
    name: 'http headers',
    config: (url) => v('3.2.0', files({ path: '/etc/with-header', contents: { source: url('h'), httpHeaders: [{ name: 'X-Kindling-Test', value: 'yes' }] } })),
    serve: () => ({ h: { body: 'header seen\n', header: ['X-Kindling-Test', 'yes'] } }),
  },
  {
    name: 'http contents owned by a created user',
    config: (url) => ({
      ...v('3.3.0', { passwd: { users: [{ name: 'web', homeDir: '/srv/web' }] } }),
      storage: { files: [{ path: '/srv/web/index.html', user: { name: 'web' }, group: { name: 'web' }, mode: 420, contents: { source: url('motd') } }] },
    }),
    serve: () => ({ motd }),
  },
  {
    name: 'merge child over http',
    config: (url) => ({ ignition: { version: '3.3.0', config: { merge: [{ source: url('child.ign') }] } }, ...files({ path: '/etc/parent', contents: { source: 'data:,parent' } }) }),
    serve: () => ({ 'child.ign': child('3.3.0', '/etc/child', 'from child\n') }),
  },
  {
    name: 'merge child with hash overrides a parent file',
    config: (url) => ({
      ignition: { version: '3.3.0', config: { merge: [{ source: url('child.ign'), verification: { hash: hash('sha512', child('3.3.0', '/etc/same', 'child wins\n')) } }] } },
      ...files({ path: '/etc/same', mode: 384, contents: { source: 'data:,parent%20loses' } }),
    }),
    serve: () => ({ 'child.ign': child('3.3.0', '/etc/same', 'child wins\n') }),
  },
  {
    name: 'two merge children in order, older spec child',
    config: (url) => ({ ignition: { version: '3.3.0', config: { merge: [{ source: url('one.ign') }, { source: url('two.ign') }] } } }),
    serve: () => ({ 'one.ign': child('3.1.0', '/etc/order', 'one\n'), 'two.ign': child('3.3.0', '/etc/order', 'two\n') }),
  },
  {
    name: 'merge child that merges a grandchild with remote contents',
    config: (url) => ({ ignition: { version: '3.3.0', config: { merge: [{ source: url('child.ign') }] } } }),
    serve: (url) => ({
      'child.ign': JSON.stringify({ ignition: { version: '3.3.0', config: { merge: [{ source: url('grandchild.ign') }] } }, ...files({ path: '/etc/from-child', contents: { source: url('motd') } }) }),
      'grandchild.ign': child('3.3.0', '/etc/from-grandchild', 'deep\n'),
      motd,
    }),
  },
  {
    name: 'replace with a child over http',
    config: (url) => ({ ignition: { version: '3.3.0', config: { replace: { source: url('new.ign') } } }, ...files({ path: '/etc/replaced-away', contents: { source: 'data:,gone' } }) }),
    serve: () => ({ 'new.ign': child('3.3.0', '/etc/replacement', 'only this\n') }),
  },
  {
    name: 'replace with a gzip child and hash',
    config: (url) => ({ ignition: { version: '3.3.0', config: { replace: { source: url('new.ign.gz'), compression: 'gzip', verification: { hash: hash('sha512', child('3.3.0', '/etc/unzipped', 'gz child\n')) } } } } }),
    serve: () => ({ 'new.ign.gz': gzipSync(child('3.3.0', '/etc/unzipped', 'gz child\n')) }),
  },
  {
    name: 'base config only',
    config: () => v('3.3.0', {}),
    system: { 'base.d/10-base.ign': v('3.3.0', files({ path: '/etc/from-base', contents: { source: 'data:,base' } })) },
  },
  {
    name: 'base configs merged in name order under the user config',
    config: () => v('3.3.0', { ...files({ path: '/etc/b', overwrite: true, contents: { source: 'data:,user' } }), passwd: { users: [{ name: 'core', gecos: 'from user' }] } }),
    system: {
      'base.d/20-second.ign': v('3.2.0', { ...files({ path: '/etc/a', contents: { source: 'data:,second' } }), passwd: { users: [{ name: 'core', shell: '/bin/sh' }] } }),
      'base.d/10-first.ign': v('3.3.0', files({ path: '/etc/a', contents: { source: 'data:,first' } }, { path: '/etc/b', contents: { source: 'data:,base' } })),
    },
  },
  {
    name: 'base config with a unit and remote user contents',
    config: (url) => v('3.3.0', files({ path: '/etc/remote-with-base', contents: { source: url('motd') } })),
    serve: () => ({ motd }),
    system: { 'base.d/units.ign': v('3.3.0', { systemd: { units: [{ name: 'base.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' }] } }) },
  },
  {
    name: 'base.platform.d/file on top of base.d',
    config: () => v('3.3.0', {}),
    system: {
      'base.d/10.ign': v('3.3.0', files({ path: '/etc/layer', contents: { source: 'data:,base.d' } }, { path: '/etc/only-base', contents: { source: 'data:,b' } })),
      'base.platform.d/file/10.ign': v('3.3.0', files({ path: '/etc/layer', mode: 384, contents: { source: 'data:,platform' } })),
    },
  },
  {
    name: 'user.ign in the system config directory wins over the platform',
    config: () => v('3.3.0', files({ path: '/etc/from-platform', contents: { source: 'data:,p' } })),
    system: { 'user.ign': v('3.3.0', files({ path: '/etc/from-user-ign', contents: { source: 'data:,u' } })) },
  },
  { name: 'empty user config', config: () => '' },
  { name: 'empty user config with a base config', config: () => '', system: { 'base.d/a.ign': v('3.3.0', files({ path: '/etc/base-only', contents: { source: 'data:,b' } })) } },
  { name: 'contents 404', fails: 'fetch', config: (url) => v('3.3.0', files({ path: '/etc/first', contents: { source: 'data:,ok' } }, { path: '/etc/missing', contents: { source: url('nothing') } })) },
  {
    name: 'contents hash mismatch',
    fails: 'fetch',
    config: (url) => v('3.3.0', files({ path: '/etc/ok', contents: { source: url('motd') } }, { path: '/etc/bad', contents: { source: url('motd'), verification: { hash: hash('sha512', 'something else') } } })),
    serve: () => ({ motd }),
  },
  {
    name: 'append 404 after written contents',
    fails: 'fetch',
    config: (url) => v('3.3.0', { ...files({ path: '/etc/partial', contents: { source: url('motd') }, append: [{ source: url('gone') }] }), passwd: { users: [{ name: 'never' }] } }),
    serve: () => ({ motd }),
  },
  { name: 'contents 403 (missing header)', fails: 'fetch', config: (url) => v('3.3.0', files({ path: '/etc/h', contents: { source: url('h') } })), serve: () => ({ h: { body: 'x', header: ['X-Need', '1'] } }) },
  { name: 'merge child 404', fails: 'fetch', config: (url) => ({ ignition: { version: '3.3.0', config: { merge: [{ source: url('absent.ign') }] } }, ...files({ path: '/etc/p', contents: { source: 'data:,p' } }) }) },
  {
    name: 'replace child hash mismatch',
    fails: 'fetch',
    config: (url) => ({ ignition: { version: '3.3.0', config: { replace: { source: url('new.ign'), verification: { hash: hash('sha512', '{}') } } } } }),
    serve: () => ({ 'new.ign': child('3.3.0', '/etc/never', 'x') }),
  },
  {
    name: 'invalid merge child',
    fails: 'fetch',
    config: (url) => ({ ignition: { version: '3.3.0', config: { merge: [{ source: url('bad.ign') }] } } }),
    serve: () => ({ 'bad.ign': JSON.stringify(v('3.3.0', files({ path: 'relative/path' }))) }),
  },
  { name: 'invalid JSON', fails: 'fetch', config: () => '{"ignition": {"version": "3.3.0"}, "storage": {' },
  { name: 'relative file path', fails: 'fetch', config: () => v('3.3.0', files({ path: 'etc/relative', contents: { source: 'data:,x' } })) },
  { name: 'unknown spec version', fails: 'fetch', config: () => v('3.9.0', files({ path: '/etc/x' })) },
  {
    name: 'hash of the compressed bytes instead of the contents',
    fails: 'fetch',
    config: (url) => v('3.3.0', files({ path: '/etc/gz-bad', contents: { source: url('z'), compression: 'gzip', verification: { hash: hash('sha512', zipped) } } })),
    serve: () => ({ z: zipped }),
  },
  { name: 'bad hash on a data URL', fails: 'fetch', config: () => v('3.3.0', files({ path: '/etc/d', contents: { source: 'data:,abc', verification: { hash: hash('sha512', 'abd') } } })) },
];
