// The library entry point: what transpile() hands back besides the serialised output.
import { describe, expect, test } from 'vitest';
import { transpile } from '../../transpiler/index.ts';

const openshift = 'variant: openshift\nversion: 4.19.0\nmetadata:\n  name: x\n  labels:\n    machineconfiguration.openshift.io/role: worker\nopenshift:\n  fips: true\n';

describe('transpile()', () => {
  test('returns the Ignition config as an object and the flavor it was built for', () => {
    const result = transpile('variant: flatcar\nversion: 1.1.0\npasswd:\n  users:\n    - name: core\n');
    expect(result.config).toEqual({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core' }] } });
    expect(result.flavor).toMatchObject({ variant: 'flatcar', version: '1.1.0', spec: '3.4.0' });
    expect(result.machineConfig).toBeUndefined();
  });

  test('openshift yields a MachineConfig around the config, or only the config in raw mode', () => {
    const wrapped = transpile(openshift);
    expect(wrapped.machineConfig).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { labels: { 'machineconfiguration.openshift.io/role': 'worker' }, name: 'x' },
      spec: { config: { ignition: { version: '3.5.0' } }, fips: true },
    });
    const raw = transpile(openshift, { raw: true });
    expect(raw.machineConfig).toBeUndefined();
    expect(raw.output).toBe('{"ignition":{"version":"3.5.0"}}');
    expect(raw.report.map((e) => [e.code, e.path, e.pos])).toEqual([['RAW_MODE_IGNORED', ['openshift', 'fips'], { line: 8, col: 9 }]]);
  });

  test('a failed translation has an error, a positioned report and no config', () => {
    const result = transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: rel\n');
    expect(result.config).toBeUndefined();
    expect(result.output).toBeUndefined();
    expect(result.error?.code).toBe('BUTANE_OUTPUT_INVALID');
    expect(result.report.map((e) => [e.code, e.path, e.pos])).toEqual([['PATH_NOT_ABSOLUTE', ['storage', 'files', 0, 'path'], { line: 5, col: 13 }]]);
  });

  test('generated parts map back to the sugar that produced them', () => {
    const result = transpile('variant: fcos\nversion: 1.6.0\nboot_device:\n  layout: x86_64\n  mirror:\n    devices: [/dev/vda, /dev/vdb]\nstorage:\n  filesystems:\n    - device: /dev/md/md-boot\n      format: vfat\n      label: this-label-is-too-long\n');
    expect(result.error?.code).toBe('BUTANE_OUTPUT_INVALID');
    expect(result.report.map((e) => [e.code, e.path])).toEqual([['FILESYSTEM_LABEL_TOO_LONG', ['storage', 'filesystems', 0, 'label']]]);
  });
});

describe('YAML errors in the pass where upstream meets them', () => {
  test('duplicate root keys fail while variant and version are read (Error unmarshaling yaml)', () => {
    expect(transpile('variant: fcos\nversion: 1.6.0\nvariant: fcos\n').error?.message).toBe(
      'Error unmarshaling yaml: yaml: unmarshal errors:\n  line 3: mapping key "variant" already defined at line 1',
    );
  });

  test('nested duplicates and resolve failures fail while the config is decoded', () => {
    expect(transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /a\n      path: /b\n').error?.message).toBe(
      'yaml: unmarshal errors:\n  line 6: mapping key "path" already defined at line 5',
    );
    expect(transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: /a\n      overwrite: !!bool yes\n').error?.message).toBe(
      'yaml: cannot decode !!str `yes` as a !!bool',
    );
  });

  test('an unknown anchor fails while parsing', () => {
    expect(transpile('variant: fcos\nversion: 1.6.0\nstorage:\n  files:\n    - path: *p\n').error?.message).toBe("Error unmarshaling yaml: yaml: unknown anchor 'p' referenced");
  });
});

describe('grub.users on openshift', () => {
  const config = (version: string) =>
    `variant: openshift\nversion: ${version}\nmetadata:\n  name: x\n  labels:\n    machineconfiguration.openshift.io/role: worker\ngrub:\n  users:\n    - name: root\n      password_hash: grub.pbkdf2.sha512.10000.AAAA\n`;

  test.each(['4.14.0', '4.18.0', '4.22.0'])('%s refuses it as an append, at grub.users', (version) => {
    const result = transpile(config(version));
    expect(result.error?.code).toBe('BUTANE_SOURCE_INVALID');
    expect(result.report.map((e) => [e.severity, e.path, e.message, e.pos])).toEqual([
      ['error', ['grub', 'users'], 'appending to files is not supported in this spec version', { line: 9, col: 5 }],
    ]);
  });

  test('4.23.0-experimental writes the file with whole contents instead', () => {
    const result = transpile(config('4.23.0-experimental'));
    expect(result.error).toBeUndefined();
    const files = (result.config?.storage?.files ?? []) as { path: string; append?: unknown; contents?: unknown }[];
    expect(files.map((f) => [f.path, f.append === undefined, f.contents !== undefined])).toEqual([['/boot/grub2/user.cfg', true, true]]);
  });
});

describe('the CEX kernel argument on openshift', () => {
  const config = (version: string, body: string) =>
    `variant: openshift\nversion: ${version}\nmetadata:\n  name: x\n  labels:\n    machineconfiguration.openshift.io/role: worker\n${body}`;
  const rootLuks = 'storage:\n  luks:\n    - name: root\n      device: /dev/dasda2\n      cex:\n        enabled: true\n';
  const paths = (text: string) => transpile(text).report.filter((e) => e.code === 'CEX_KARG_REQUIRED').map((e) => e.path);

  test('a root volume with CEX needs it from 4.22, reported once at openshift.kernel_arguments', () => {
    expect(paths(config('4.21.0', rootLuks))).toEqual([]);
    expect(paths(config('4.22.0', rootLuks))).toEqual([['openshift', 'kernel_arguments']]);
    const both = `${rootLuks}boot_device:\n  layout: s390x-eckd\n  luks:\n    device: /dev/dasda\n    cex:\n      enabled: true\n`;
    expect(paths(config('4.23.0-experimental', both))).toEqual([['openshift', 'kernel_arguments']]);
    expect(paths(config('4.22.0', `${rootLuks}openshift:\n  kernel_arguments: [rd.luks.key=/etc/luks/cex.key]\n`))).toEqual([]);
  });
});
