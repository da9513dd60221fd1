// File, directory and link rules (ignition-spec.md §4.4), including the storage-level checks
// against links and the version edges of link targets and setuid/setgid/sticky bits.
import { describe } from 'vitest';
import { runTable, storage, type Row } from './table.ts';

const rows: Row[] = [
  { name: 'plain file', version: '3.3.0', config: storage('files', { path: '/etc/hello', mode: 420 }), expect: [] },
  { name: 'file path missing', version: '3.3.0', config: storage('files', {}), expect: [['error', 'PATH_EMPTY', '$.storage.files.0.path']] },
  { name: 'relative file path', version: '3.0.0', config: storage('files', { path: 'etc/x' }), expect: [['error', 'PATH_NOT_ABSOLUTE', '$.storage.files.0.path']] },
  { name: 'double slash', version: '3.3.0', config: storage('files', { path: '/etc//x' }), expect: [['error', 'PATH_NOT_SIMPLIFIED', '$.storage.files.0.path']] },
  { name: 'dot dot', version: '3.3.0', config: storage('directories', { path: '/etc/../x' }), expect: [['error', 'PATH_NOT_SIMPLIFIED', '$.storage.directories.0.path']] },
  { name: 'trailing slash', version: '3.3.0', config: storage('links', { path: '/etc/x/', target: '/y' }), expect: [['error', 'PATH_NOT_SIMPLIFIED', '$.storage.links.0.path']] },
  { name: 'root directory itself', version: '3.3.0', config: storage('directories', { path: '/' }), expect: [] },
  { name: 'mode 07777 is legal', version: '3.6.0', config: storage('files', { path: '/f', mode: 0o7777 }), expect: [] },
  { name: 'mode too large', version: '3.6.0', config: storage('files', { path: '/f', mode: 0o10000 }), expect: [['error', 'ILLEGAL_MODE', '$.storage.files.0.mode']] },
  {
    name: 'negative mode is illegal and has every special bit',
    version: '3.3.0',
    config: storage('files', { path: '/f', mode: -1 }),
    expect: [
      ['error', 'ILLEGAL_MODE', '$.storage.files.0.mode'],
      ['warning', 'SPECIAL_MODE_BITS', '$.storage.files.0.mode'],
    ],
  },
  { name: 'setuid file in 3.0 warns', version: '3.0.0', config: storage('files', { path: '/f', mode: 0o4755 }), expect: [['warning', 'SPECIAL_MODE_BITS', '$.storage.files.0.mode']] },
  { name: 'sticky directory in 3.5 warns', version: '3.5.0', config: storage('directories', { path: '/d', mode: 0o1777 }), expect: [['warning', 'SPECIAL_MODE_BITS', '$.storage.directories.0.mode']] },
  { name: 'setgid directory in 3.6 is fine', version: '3.6.0', config: storage('directories', { path: '/d', mode: 0o2775 }), expect: [] },
  { name: 'setuid file in 3.7 is fine', version: '3.7.0-experimental', config: storage('files', { path: '/f', mode: 0o4755 }), expect: [] },
  {
    name: 'overwrite without a source',
    version: '3.3.0',
    config: storage('files', { path: '/f', overwrite: true }),
    expect: [['error', 'OVERWRITE_NEEDS_SOURCE', '$.storage.files.0.overwrite']],
  },
  { name: 'overwrite with an empty source counts as specified', version: '3.3.0', config: storage('files', { path: '/f', overwrite: true, contents: { source: '' } }), expect: [] },
  { name: 'overwrite with a source', version: '3.0.0', config: storage('files', { path: '/f', overwrite: true, contents: { source: 'data:,x' } }), expect: [] },
  {
    name: 'file checks: mode, special bits, overwrite, then group before user',
    version: '3.3.0',
    config: storage('files', { path: '/a', user: { id: 1, name: 'x' }, group: { id: 1, name: 'x' }, overwrite: true, mode: -1 }),
    expect: [
      ['error', 'ILLEGAL_MODE', '$.storage.files.0.mode'],
      ['warning', 'SPECIAL_MODE_BITS', '$.storage.files.0.mode'],
      ['error', 'OVERWRITE_NEEDS_SOURCE', '$.storage.files.0.overwrite'],
      ['error', 'BOTH_ID_AND_NAME', '$.storage.files.0.group'],
      ['error', 'BOTH_ID_AND_NAME', '$.storage.files.0.user'],
    ],
  },
  { name: 'id with an empty name', version: '3.3.0', config: storage('directories', { path: '/d', user: { id: 0, name: '' } }), expect: [] },
  {
    name: 'link owner with both',
    version: '3.3.0',
    config: storage('links', { path: '/l', target: '/t', user: { id: 1, name: 'core' } }),
    expect: [['error', 'BOTH_ID_AND_NAME', '$.storage.links.0.user']],
  },
  { name: 'link target missing (3.3+)', version: '3.3.0', config: storage('links', { path: '/l' }), expect: [['error', 'LINK_TARGET_REQUIRED', '$.storage.links.0.target']] },
  { name: 'link target empty (3.6)', version: '3.6.0', config: storage('links', { path: '/l', target: '' }), expect: [['error', 'LINK_TARGET_REQUIRED', '$.storage.links.0.target']] },
  { name: 'link target missing is fine before 3.3', version: '3.2.0', config: storage('links', { path: '/l' }), expect: [] },
  {
    name: 'file under a link',
    version: '3.3.0',
    config: { storage: { files: [{ path: '/a/b' }], links: [{ path: '/a', target: '/t' }] } },
    expect: [['error', 'FILE_UNDER_LINK', '$.storage.files.0']],
  },
  {
    name: 'a sibling with a common prefix is not under the link',
    version: '3.3.0',
    config: { storage: { files: [{ path: '/ab' }], links: [{ path: '/a', target: '/t' }] } },
    expect: [],
  },
  {
    name: 'directory under two links is reported twice',
    version: '3.3.0',
    config: { storage: { directories: [{ path: '/a/b/c' }], links: [{ path: '/a', target: '/t' }, { path: '/a/b', target: '/u' }] } },
    expect: [
      ['error', 'DIRECTORY_UNDER_LINK', '$.storage.directories.0'],
      ['error', 'DIRECTORY_UNDER_LINK', '$.storage.directories.0'],
      ['error', 'LINK_UNDER_LINK', '$.storage.links.1'],
    ],
  },
  {
    name: 'hard link to a configured directory (absolute target)',
    version: '3.3.0',
    config: { storage: { links: [{ path: '/l', target: '/d/', hard: true }], directories: [{ path: '/d' }] } },
    expect: [['error', 'HARD_LINK_TO_DIRECTORY', '$.storage.links.0']],
  },
  {
    name: 'hard link with a relative target resolves against the link path',
    version: '3.3.0',
    config: { storage: { links: [{ path: '/a/l', target: '../d', hard: true }], directories: [{ path: '/a/d' }] } },
    expect: [['error', 'HARD_LINK_TO_DIRECTORY', '$.storage.links.0']],
  },
  {
    name: 'symlink to a directory is fine',
    version: '3.3.0',
    config: { storage: { links: [{ path: '/l', target: '/d' }], directories: [{ path: '/d' }] } },
    expect: [],
  },
  {
    name: 'hard link without target in 3.2 resolves to its own path',
    version: '3.2.0',
    config: { storage: { links: [{ path: '/l', hard: true }], directories: [{ path: '/x' }] } },
    expect: [],
  },
  {
    name: 'hard link owner fields each warn, set to zero or empty too',
    version: '3.3.0',
    config: storage('links', { path: '/l', target: '/t', hard: true, user: { id: 0 }, group: { id: 5, name: '' } }),
    expect: [
      ['warning', 'HARD_LINK_OWNER_IGNORED', '$.storage.links.0.user.id'],
      ['warning', 'HARD_LINK_OWNER_IGNORED', '$.storage.links.0.group.id'],
      ['warning', 'HARD_LINK_OWNER_IGNORED', '$.storage.links.0.group.name'],
    ],
  },
  {
    name: 'missing target skips the hard-link checks',
    version: '3.4.0',
    config: { storage: { links: [{ path: '/l', hard: true, user: { id: 0 } }], directories: [{ path: '/l' }] } },
    expect: [
      ['error', 'LINK_TARGET_REQUIRED', '$.storage.links.0.target'],
      ['error', 'DUPLICATE', '$.storage.links.0'],
    ],
  },
  {
    name: 'storage cross-list checks come before the lists (spec §13 example)',
    version: '3.3.0',
    config: { storage: { files: [{ path: 'rel1' }, { path: 'rel2', mode: 99999 }], links: [{ path: '/l' }] } },
    expect: [
      ['error', 'LINK_TARGET_REQUIRED', '$.storage.links.0.target'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.files.0.path'],
      ['error', 'PATH_NOT_ABSOLUTE', '$.storage.files.1.path'],
      ['error', 'ILLEGAL_MODE', '$.storage.files.1.mode'],
      ['warning', 'SPECIAL_MODE_BITS', '$.storage.files.1.mode'],
    ],
  },
  {
    name: 'append fragments are validated before contents',
    version: '3.2.0',
    config: storage('files', { path: '/f', contents: { source: 'gs://b/o', verification: { hash: 'SHA512-00' } }, append: [{ source: 'tftp://x', verification: { hash: 'sha512-00' } }] }),
    expect: [
      ['error', 'HASH_SIZE_INVALID', '$.storage.files.0.append.0.verification.hash'],
      ['error', 'HASH_FUNCTION_UNKNOWN', '$.storage.files.0.contents.verification.hash'],
    ],
  },
];

describe('file, directory and link rules', () => runTable(rows));
