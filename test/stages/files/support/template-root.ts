// A minimal target root for the files stage: the account databases useradd --root needs
// (architecture.md §7), a skeleton directory, and the SELinux config Ignition 2.14 insists on.
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
olduser:x:1500:1500:Old User:/home/olduser:/bin/sh
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
wheel:x:10:
users:x:100:
nogroup:x:65534:
olduser:x:1500:
oldgroup:x:1600:
`;
const LOGIN_DEFS = `UID_MIN 1000
UID_MAX 60000
SYS_UID_MIN 100
SYS_UID_MAX 999
GID_MIN 1000
GID_MAX 60000
SYS_GID_MIN 100
SYS_GID_MAX 999
USERGROUPS_ENAB yes
ENCRYPT_METHOD SHA512
CREATE_HOME yes
UMASK 022
`;

function put(root: string, path: string, text: string, mode: number): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  chmodSync(full, mode);
}

/** Fills `root` (which must exist) with the template tree. */
export function makeTemplateRoot(root: string): void {
  put(root, 'etc/passwd', PASSWD, 0o644);
  put(root, 'etc/group', GROUP, 0o644);
  put(root, 'etc/shadow', PASSWD.split('\n').filter(Boolean).map((l) => `${l.split(':')[0]}:*:19000:0:99999:7:::`).join('\n') + '\n', 0o640);
  put(root, 'etc/gshadow', GROUP.split('\n').filter(Boolean).map((l) => `${l.split(':')[0]}:*::`).join('\n') + '\n', 0o640);
  put(root, 'etc/login.defs', LOGIN_DEFS, 0o644);
  put(root, 'etc/default/useradd', 'SHELL=/bin/sh\n', 0o644);
  put(root, 'etc/skel/.profile', '# skeleton profile\n', 0o644);
  put(root, 'etc/selinux/config', 'SELINUX=permissive\nSELINUXTYPE=targeted\n', 0o644);
  put(root, 'etc/hostname', 'template\n', 0o644);
  put(root, 'etc/motd', 'welcome\n', 0o644);
  put(root, 'etc/systemd/system/preexisting.service', '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n', 0o644);
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  symlinkSync('/etc/systemd/system/preexisting.service', join(root, 'etc/systemd/system/multi-user.target.wants/preexisting.service'));
  mkdirSync(join(root, 'home/olduser'), { recursive: true });
  put(root, 'home/olduser/.profile', '# old\n', 0o644);
  if (process.getuid?.() === 0) {
    chownSync(join(root, 'home/olduser'), 1500, 1500);
    chownSync(join(root, 'home/olduser/.profile'), 1500, 1500);
  }
  symlinkSync('/dev/null', join(root, 'etc/systemd/system/masked.service'));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  mkdirSync(join(root, 'usr/local'), { recursive: true });
  symlinkSync('/etc', join(root, 'usr/local/etc'));
  mkdirSync(join(root, 'srv/existing'), { recursive: true });
  chmodSync(join(root, 'srv/existing'), 0o750);
  mkdirSync(join(root, 'root'), { recursive: true });
  chmodSync(join(root, 'root'), 0o700);
  mkdirSync(join(root, 'var/lib'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
}
