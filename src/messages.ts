// Every message Kindling reports, keyed by a stable code. The code is for machines and tests;
// the text is data and matches upstream Ignition's wording verbatim where upstream has one
// (ignition-spec.md §4.11), because users grep for those strings.

export const messages = {
  // Parse failures: no path, printed as `couldn't parse config: <message>`.
  EMPTY_CONFIG: () => 'not a config (empty)',
  VERSION_UNPARSEABLE: () => "invalid config version (couldn't parse)",
  VERSION_UNSUPPORTED: () => 'unsupported config version',
  // JSON syntax and type errors: one positioned entry without a path, in Go's wording.
  JSON_SYNTAX: (detail: string) => detail,
  JSON_TYPE: (detail: string) => detail,

  UNUSED_KEY: (key: string) => `unused key ${key}`,
  CONTEXT_TREE_MISMATCH: (path: string) =>
    `context tree does not match content tree at ${path}. Line and column reporting may be inconsistent. Unused keys may not be reported.`,
  DUPLICATE: () => 'duplicate entry defined',
  PATH_CONFLICTS_SYSTEMD: () => 'path conflicts with systemd unit or dropin',

  // Paths and devices
  PATH_EMPTY: () => 'path not specified',
  PATH_NOT_ABSOLUTE: () => 'path not absolute',
  PATH_NOT_SIMPLIFIED: () => 'path is not fully simplified',
  DISK_DEVICE_REQUIRED: () => 'disk device is required',
  DEVICE_NOT_SPECIFIED: () => 'device not specified',
  VIRTIOFS_TAG_TOO_LONG: () => 'virtiofs device tag cannot be longer than 36 bytes',

  // Files, directories, links
  ILLEGAL_MODE: () => 'illegal file mode',
  SPECIAL_MODE_BITS: () => 'setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0',
  OVERWRITE_NEEDS_SOURCE: () => 'overwrite must be false if source is unspecified',
  BOTH_ID_AND_NAME: () => 'cannot set both id and name',
  FILE_UNDER_LINK: () => 'file path includes link in config',
  DIRECTORY_UNDER_LINK: () => 'directory path includes link in config',
  LINK_UNDER_LINK: () => 'link path includes link in config',
  LINK_TARGET_REQUIRED: () => 'link target is required',
  HARD_LINK_TO_DIRECTORY: () => 'hard link target is a directory',
  HARD_LINK_OWNER_IGNORED: () => 'user/group ignored for hard link',

  // Resources
  URL_UNPARSEABLE: () => 'unable to parse url',
  URL_SCHEME_INVALID: () => 'invalid url scheme',
  S3_VERSION_ID_INVALID: () => 'invalid S3 object VersionId',
  S3_ARN_INVALID: () => 'invalid S3 ARN format',
  DATA_URL_INVALID: (detail: string) => detail,
  SOURCE_REQUIRED: () => 'source is required',
  COMPRESSION_INVALID: () => 'invalid compression method',
  VERIFICATION_NEEDS_SOURCE: () => 'source must be specified if verification is specified',
  HASH_MALFORMED: () => 'malformed hash specifier',
  HASH_FUNCTION_UNKNOWN: () => 'unrecognized hash function',
  HASH_SIZE_INVALID: () => 'incorrect size for hash sum',
  HEADER_NAME_EMPTY: () => "HTTP header name can't be empty",
  HEADER_UNPARSEABLE: () => 'unable to parse HTTP header',
  HEADERS_SCHEME_INVALID: () => 'cannot use HTTP headers with this source scheme',
  PROXY_SCHEME_INVALID: () => 'proxies must be http(s)',
  PROXY_INSECURE_HTTPS: () => 'insecure plaintext HTTP proxy specified for HTTPS resources',

  // Resources: fetching at run time (src/resource/). The fetcher appends the redacted URL and,
  // where useful, the underlying cause to these texts.
  FETCH_FAILED: () => 'failed to fetch resource',
  NOT_FOUND: () => 'resource not found',
  NEED_NET: () => 'resource requires networking',
  TIMEOUT: () => 'unable to fetch resource in time',
  HASH_MISMATCH: (calculated: string, expected: string) =>
    `hash verification failed (calculated ${calculated} but expected ${expected})`,
  COMPRESSION_UNSUPPORTED_SCHEME: () => 'compression is not supported with that scheme',
  DECOMPRESS_FAILED: () => 'failed to decompress resource',
  HEADER_VALUE_MISSING: () => 'unable to parse HTTP header',
  REDIRECT_LOOP: (max: number) => `stopped after ${max} redirects`,
  TLS_UNTRUSTED: () => 'TLS certificate verification failed; add the issuing CA to ignition.security.tls.certificateAuthorities',
  TLS_CA_INVALID: () => 'unable to parse certificate authority (expected PEM certificates)',
  TFTP_ERROR: (code: number, detail: string) => `tftp error ${code}: ${detail}`,
  S3_CREDENTIALS_REQUIRED: () => 'S3 access points need instance credentials (IAM role); none were found',

  // Disks and partitions
  PARTITION_NUMBER_OR_LABEL: () => 'a partition number >= 1 or a label must be specified',
  PARTITION_SHOULD_EXIST_FALSE_OPTIONS: () => 'shouldExist specified false with other options also specified',
  PARTITION_LABEL_TOO_LONG: () => 'partition labels may not exceed 36 characters',
  PARTITION_LABEL_COLON: () => 'partition label will be truncated to text before the colon',
  GUID_INVALID: () => 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"',
  PARTITION_NUMBERS_COLLIDE: () => 'partition numbers collide',
  PARTITION_LABELS_COLLIDE: () => 'cannot use the same partition label twice',
  PARTITIONS_OVERLAP: () => 'partitions overlap',
  PARTITION_ZEROES_WITH_SHOULD_NOT_EXIST: () =>
    'shouldExist is false for a partition and other partition(s) has start or size 0',

  // Filesystems
  FILESYSTEM_FORMAT_INVALID: () => 'invalid filesystem format',
  FILESYSTEM_FORMAT_REQUIRED: () =>
    'format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified',
  FILESYSTEM_LABEL_NEEDS_FORMAT: () => 'filesystem must specify format if label is specified',
  FILESYSTEM_LABEL_TOO_LONG: (max: number, format: string) =>
    `filesystem labels cannot be longer than ${max} characters when using ${format}`,
  VIRTIOFS_LABEL: () => 'filesystem labels cannot be set when using virtiofs',
  VIRTIOFS_UUID: () => 'filesystem uuid cannot be set for non-block-device filesystems',
  VIRTIOFS_WIPE: () => 'wipeFilesystem cannot be set for non-block-device filesystems',
  VIRTIOFS_OPTIONS: () => 'filesystem options (mkfs) cannot be set for non-block-device filesystems',
  FILESYSTEM_OVERWRITES_PARTITIONED: () => 'filesystem overwrites partitioned device',
  FILESYSTEM_ON_WIPED_DISK: () => 'device matches disk with wipeTable enabled; filesystem will be wiped',

  // RAID
  RAID_LEVEL_REQUIRED: () => 'raid level is required',
  RAID_LEVEL_UNKNOWN: () => 'unrecognized raid level',
  RAID_SPARES_UNSUPPORTED: () => 'spares unsupported for linear and raid0 arrays',
  RAID_DEVICES_REQUIRED: () => 'raid devices required',

  // LUKS, clevis, CEX
  LUKS_NAME_SLASH: () => 'device names cannot contain slashes',
  LUKS_LABEL_TOO_LONG: () => 'luks device labels cannot be longer than 47 characters',
  LUKS_KEYFILE_INVALID: () => 'invalid key-file source',
  CLEVIS_CUSTOM_EXCLUSIVE: () => 'cannot use custom clevis config with tpm2, tang, or threshold',
  CLEVIS_PIN_REQUIRED: () => 'missing required custom clevis pin',
  CLEVIS_PIN_UNSUPPORTED: () => 'unsupported clevis pin',
  CLEVIS_CONFIG_REQUIRED: () => 'missing required custom clevis config',
  TANG_THUMBPRINT_REQUIRED: () => 'thumbprint is required',
  TANG_ADVERTISEMENT_INVALID: () => 'advertisement is not valid JSON',
  CEX_WITH_CLEVIS: () => 'cannot use cex with clevis',
  CEX_WITH_KEYFILE: () => 'cannot use key file with cex',

  // systemd
  UNIT_EXTENSION_INVALID: () => 'invalid systemd unit extension',
  DROPIN_EXTENSION_INVALID: () => 'invalid systemd drop-in extension',
  UNIT_CONTENT_INVALID: (detail: string) => `invalid unit content: ${detail}`,
  UNIT_NO_INSTALL: (name: string) => `unit "${name}" is enabled, but has no install section so enable does nothing`,
  TEMPLATE_NO_INSTALL: (template: string, instance: string) =>
    `template unit "${template}" for "${instance}" doesn't have Install section`,

  // Version translation and merging
  TRANSLATE_UNSUPPORTED: (field: string, version: string) =>
    `${field} is not supported in spec version ${version}`,
  MERGE_INVALID: () => 'merging configs resulted in an invalid config',

  // Runner: commands and the files stage
  COMMAND_FAILED: (command: string, detail: string) => `failed to run ${command}: ${detail}`,
  PATH_ESCAPES_ROOT: (path: string) => `path "${path}" escapes the target root`,
  FILE_EXISTS: (path: string) => `error creating file "${path}": A file exists there already and overwrite is false`,
  NON_REGULAR_FILE_EXISTS: (path: string) =>
    `error creating file "${path}": A non regular file exists there already and overwrite is false`,
  NON_DIRECTORY_EXISTS: (path: string) =>
    `error creating directory ${path}: A non-directory already exists and overwrite is false`,
  LINK_EXISTS: (path: string) => `error creating link "${path}": A different node exists there already and overwrite is false`,
  APPEND_NON_REGULAR: () => 'can only append to files',
  NO_SUCH_USER: (name: string) => `no such user "${name}"`,
  NO_SUCH_GROUP: (name: string) => `no such group "${name}"`,
  RESOLVED_CONFLICT: (path: string, resolved: string, other: string) =>
    `file at ${path} resolved to ${resolved} after symlink chasing, but another entry with path ${other} also resolves there`,
  FILES_STEP_FAILED: (step: string, detail: string) => `${step}: ${detail}`,
  // The files stage's plan step: failures the config and the root decide before anything is written.
  PARENT_NOT_DIRECTORY: (path: string, parent: string) => `error creating "${path}": parent ${parent} is not a directory`,
  HARD_LINK_TARGET_MISSING: (path: string, target: string) => `error creating hard link "${path}": target "${target}" does not exist`,
  HARD_LINK_TARGET_DIRECTORY: (path: string, target: string) => `error creating hard link "${path}": target "${target}" is a directory`,
  RESULT_FILE_IS_DIRECTORY: (path: string) => `error writing "${path}": a directory exists there`,
  GROUP_IS_PRIMARY: (group: string, user: string) =>
    `cannot delete group "${group}": it is the primary group of user "${user}", and groupdel refuses that`,
  HOME_NOT_OWNED: (user: string, home: string) =>
    `cannot delete user "${user}": home directory ${home} is not owned by the user, and userdel --remove fails on that`,
  UID_IN_USE: (user: string, uid: number) => `cannot create or modify user "${user}": UID ${uid} is not unique`,
  GID_IN_USE: (group: string, gid: number) => `cannot create or modify group "${group}": GID ${gid} already exists`,
  USER_GROUP_MISSING: (user: string, group: string) => `cannot create or modify user "${user}": group "${group}" does not exist`,
  USER_GROUP_EXISTS: (user: string) =>
    `cannot create user "${user}": a group named "${user}" exists; set primaryGroup or noUserGroup to use it`,
  ALREADY_RAN: () =>
    'Ignition has already run on this system. Unexpected behavior may occur. Ignition is not designed to run more than once per system.',
  LUKS_NOT_RECORDED: (name: string) => `the disks stage left no record of luks device "${name}" in the state file`,
  LUKS_KEY_NOT_RECORDED: (name: string) => `the disks stage left no key for luks device "${name}" in the state file`,

  // Runner: the disks, mount and umount stages (src/stages/disks/, mount.ts, umount.ts)
  DISKS_STEP_FAILED: (step: string, detail: string) => `${step}: ${detail}`,
  DEVICE_TIMEOUT: (device: string, seconds: number) => `device "${device}" did not appear within ${seconds} seconds`,
  PARTITION_EXISTS_NOT_WIPED: (n: number) =>
    `partition ${n} exists but is specified as nonexistant and wipePartitionEntry is false`,
  PARTITION_MISMATCH: (n: number, reason: string) => `partition ${n} didn't match: ${reason}`,
  PARTITION_KERNEL_MISMATCH: (n: number, device: string) =>
    `the kernel's view of partition ${n} on "${device}" does not match the partition table after partitioning`,
  DISK_ACTIVE: (device: string) => `refusing to operate on directly active disk "${device}"`,
  DISK_WIPE_ACTIVE: (device: string) => `refusing to wipe active disk "${device}"`,
  PARTITION_ACTIVE: (n: number, device: string) => `refusing to modify active partition ${n} on "${device}"`,
  FILESYSTEM_MISMATCH: (device: string, type: string, label: string, uuid: string) =>
    `filesystem at "${device}" is not of the correct type, label, or UUID (found ${type}, "${label}", ${uuid}) and a filesystem wipe was not requested`,
  LUKS_WRONG_TYPE: (device: string, type: string) =>
    `volume at "${device}" is not of the correct type (found ${type}) and a volume wipe was not requested`,
  CLEVIS_NOT_INSTALLED: (name: string) => `luks device "${name}" needs clevis, which is not installed`,
  LUKS_CEX_UNSUPPORTED: (name: string) => `luks device "${name}" uses cex secure keys, which Kindling does not support`,
  MOUNT_NON_DIRECTORY: (path: string, component: string) =>
    `mount path "${path}" contains non-directory component "${component}"`,

  // Transpiler (transpiler/, Butane's wording from butane.md §9)
  BUTANE_YAML: (detail: string) => `Error unmarshaling yaml: ${detail}`,
  BUTANE_YAML_TYPE: (detail: string) => detail,
  BUTANE_VARIANT_MISSING: () => 'error parsing variant; must be specified',
  BUTANE_VERSION_INVALID: () => 'error parsing version; must be a valid semver',
  BUTANE_NO_TRANSLATOR: (variant: string, version: string) =>
    `No translator exists for variant ${variant} with version ${version}`,
  BUTANE_RHCOS_REMOVED: () =>
    'rhcos variant has been removed; use openshift variant instead: https://coreos.github.io/butane/upgrading-openshift/',
  BUTANE_SOURCE_INVALID: () => 'source config is invalid',
  BUTANE_OUTPUT_INVALID: () => 'config generated was invalid',
  BUTANE_STRICT: () => 'Config produced warnings and --strict was specified',
  BUTANE_INPUT_FAILED: (detail: string) => detail,
  RESOURCE_TOO_MANY_SOURCES: () => 'only one of the following can be set: inline, local, source',
  CONTENTS_TOO_MANY_SOURCES: () => 'only one of the following can be set: contents, contents_local',
  FILES_DIR_REQUIRED: () =>
    'local file paths are relative to a files directory that must be specified with -d/--files-dir',
  FILES_DIR_ESCAPE: () => 'local file path traverses outside the files directory',
  LOCAL_READ_FAILED: (detail: string) => detail,
  LOCAL_REQUIRED: () => 'local is required',
  TREE_ROOT_NOT_DIRECTORY: () => 'root of tree must be a directory',
  TREE_BAD_FILE_TYPE: () => 'trees may only contain files, directories, and symlinks',
  NODE_CONFLICT: () => 'matching filesystem node has existing contents or different type',
  DECIMAL_MODE: () => 'unreasonable mode would be reasonable if specified in octal; remember to add a leading zero',
  QUADLET_EXTENSION: () =>
    'unsupported file extension for quadlet: must be one of .container, .volume, .network, .kube, .image, .build, .pod, or .artifact',
  QUADLET_TEMPLATE_CONTENTS: () => 'template instances cannot have contents or contents_local',
  MOUNT_UNIT_PATH_REQUIRED: () => 'path is required if with_mount_unit is true and format is not swap',
  MOUNT_UNIT_FORMAT_REQUIRED: () => 'format is required if with_mount_unit is true',
  MOUNT_UNIT_PATH_LOCATION: () => 'path must be under /etc or /var if with_mount_unit is true',
  BOOT_LAYOUT_INVALID: (layouts: string) => `layout must be one of: ${layouts}`,
  MIRROR_TOO_FEW_DEVICES: () => 'mirroring requires at least two devices',
  MIRROR_LAYOUT_MISSING: () => 'boot_device.layout should be specified when boot_device.mirror is specified',
  BOOT_LUKS_DEVICE_REQUIRED: () => 'device is required for layouts: s390x-eckd, s390x-zfcp',
  MIRROR_S390X: () => 'mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt',
  BOOT_LUKS_DEVICE_PREFIX: () =>
    'device name must start with /dev/dasd on s390x-eckd layout or /dev/sd on s390x-zfcp layout',
  CEX_ARCH: () => 'when using cex the targeted architecture must match s390x',
  CEX_UNSUPPORTED: () => 'cex is not currently supported on the target platform',
  BOOT_LUKS_NO_METHOD: () => 'no method specified for luks',
  PARTITION_REUSE_BY_LABEL: () =>
    'partitions cannot be reused by label; number must be specified except on boot disk (/dev/disk/by-id/coreos-boot-disk) or when wipe_table is true',
  PARTITION_RESERVED_NUMBER: () => 'incorrect partition number; a new partition will be created using reserved label',
  ROOT_TOO_SMALL: () => 'root should have 8GiB of space assigned',
  ROOT_CANNOT_EXPAND: () =>
    'root partition cannot expand; it is set to fill available space but is followed by an auto-positioned partition',
  RAW_MODE_IGNORED: () => 'field ignored in raw mode',
  METADATA_NAME_REQUIRED: () => 'metadata.name is required',
  METADATA_ROLE_REQUIRED: () => 'machineconfiguration.openshift.io/role label is required',
  KERNEL_TYPE_INVALID: () => 'must be empty, "default", or "realtime"',
  FIELD_UNSUPPORTED: (subject: string) => `${subject} in this spec version`,
  KARGS_USE_OPENSHIFT: () =>
    'this section cannot be used for kernel arguments in this spec version; use openshift.kernel_arguments instead',
  CEX_KARG_REQUIRED: () =>
    "'rd.luks.key=/etc/luks/cex.key' must be set as kernel argument when CEX is enabled for the boot device",
  FIELD_REQUIRED: (field: string) => `field "${field}" is required`,
  CHILD_CONFIG_UNKNOWN_VERSION: () =>
    'skipping validation for the merge/replace ignition config due to an unkown version',

  // Platforms, config sources and cloud metadata (src/providers/, src/cli/metadata.ts)
  PLATFORM_UNKNOWN: (id: string) => `unknown platform "${id}"`,
  PLATFORM_UNSUPPORTED: (id: string, detail: string) => `platform "${id}" is not supported here: ${detail}`,
  USER_DATA_NOT_IGNITION: (source: string, kind: string) =>
    `user data from ${source} is ${kind}, not an Ignition config; treating it as no config (it is left to coreos-cloudinit)`,
  USER_DATA_DECODE_FAILED: (source: string, detail: string) => `failed to decode user data from ${source}: ${detail}`,
  USER_DATA_ENCODING_UNSUPPORTED: (source: string, encoding: string) =>
    `unsupported encoding "${encoding}" for the config in ${source}`,
  FILE_CONFIG_READ_FAILED: (file: string, detail: string) => `couldn't read config "${file}": ${detail}`,
  CONFIG_DRIVE_FAILED: (label: string, detail: string) => `reading config drive "${label}": ${detail}`,
  SYSTEM_CONFIG_READ_FAILED: (file: string, detail: string) => `reading system config "${file}": ${detail}`,
  CMDLINE_DEVICE_INCOMPLETE: () => 'ignition.config.device and ignition.config.path must be given together',
  CMDLINE_DEVICE_LABEL_INVALID: (label: string) => `ignition.config.device "${label}" must be a single path component`,
  METADATA_FAILED: (provider: string, detail: string) => `${provider} metadata: ${detail}`,
  METADATA_ACTION_UNSUPPORTED: (action: string, provider: string) => `${action} requested, but not supported on ${provider}`,
  CHECK_IN_FAILED: (provider: string, detail: string) => `${provider} check-in failed: ${detail}`,

  // Runner engine (src/engine/): acquiring the config and handing it between stages.
  CONFIG_INVALID: (source: string) => `config from ${source} is not valid`,
  CONFIG_UNPARSEABLE: (source: string, detail: string) => `couldn't parse config from ${source}: ${detail}`,
  CONFIG_CACHE_MISSING: (file: string) => `no config cache at ${file}: the fetch stage has not run`,
  STAGE_UNKNOWN: (stage: string) => `unknown stage "${stage}"`,
  ALREADY_PROVISIONED: (file: string) => `${file} exists: this root was provisioned already (use --force to run again)`,

  // Terraform provider (src/terraform/): ct_config, in terraform-provider-ct's wording where it has one.
  CT_SNIPPET_VARIANT_MISSING: (detail: string) => `Butane snippets require \`variant\`: ${detail}`,
  CT_STRICT: (where: string) => `strict parsing error: ${where} produced warnings and strict is set`,
  CT_VALUE_INVALID: (detail: string) => `invalid value: ${detail}`,
  CT_TYPE_UNKNOWN: (kind: string, name: string) => `unknown ${kind} type "${name}"`,

  // Anything Kindling did not expect: a bug, reported rather than thrown.
  INTERNAL: (detail: string) => `internal error: ${detail}; please report this`,
} as const;

export type ErrorCode = keyof typeof messages;
export type MessageArgs<C extends ErrorCode> = Parameters<(typeof messages)[C]>;

export function messageFor<C extends ErrorCode>(code: C, ...args: MessageArgs<C>): string {
  return (messages[code] as (...a: MessageArgs<C>) => string)(...args);
}
