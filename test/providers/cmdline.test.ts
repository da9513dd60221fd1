import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cmdlinePath, defaultPlatform, parseKernelParams, readKernelParams, splitCmdline } from '../../src/providers/cmdline.ts';
import { tree } from './helpers.ts';

describe('kernel command line', () => {
  test('splits on whitespace and keeps quoted values together', () => {
    expect(splitCmdline('a=1  b="two words" "c=x y"\n')).toEqual(['a=1', 'b=two words', 'c=x y']);
  });

  test('upstream parameters: platform, config URL with a Matchbox query, bare firstboot', () => {
    const p = parseKernelParams(
      'console=ttyS0 ignition.firstboot ignition.platform.id=metal ignition.config.url=http://matchbox:8080/ignition?mac=52-54-00-aa-bb-cc&uuid=1234',
    );
    expect(p.platformId).toBe('metal');
    expect(p.configUrl).toBe('http://matchbox:8080/ignition?mac=52-54-00-aa-bb-cc&uuid=1234');
    expect(p.firstBoot).toBe(true);
  });

  test.each([
    ['ignition.firstboot=0', false],
    ['ignition.firstboot=no', false],
    ['ignition.firstboot=off', false],
    ['ignition.firstboot=', false],
    ['ignition.firstboot=1', true],
    ['ignition.firstboot=1 ignition.firstboot=0', false],
    ['ignition.firstboot=0 ignition.firstboot', true],
    ['', false],
  ])('firstboot %j -> %s (last occurrence wins)', (text, expected) => {
    expect(parseKernelParams(text).firstBoot).toBe(expected);
  });

  test.each([
    ['flatcar.oem.id=ec2', 'aws'],
    ['flatcar.oem.id=gce', 'gcp'],
    ['flatcar.oem.id=pxe', 'metal'],
    ['coreos.oem.id=ec2', 'aws'],
    ['flatcar.oem.id=azure', 'azure'],
    ['coreos.oem.id=gce flatcar.oem.id=digitalocean', 'digitalocean'],
    ['flatcar.oem.id=ec2 ignition.platform.id=openstack', 'openstack'],
  ])('Flatcar OEM id %j -> platform %s', (text, platform) => {
    expect(parseKernelParams(text).platformId).toBe(platform);
  });

  test('flatcar.oem.id is preferred to coreos.oem.id and kept raw as the OEM id', () => {
    const p = parseKernelParams('coreos.oem.id=gce flatcar.oem.id=ec2');
    expect(p.oemId).toBe('ec2');
    expect(p.platformId).toBe('aws');
  });

  test('Flatcar config URL aliases, ignition.config.url first', () => {
    expect(parseKernelParams('coreos.config.url=http://a/c').configUrl).toBe('http://a/c');
    expect(parseKernelParams('flatcar.config.url=http://b/f coreos.config.url=http://a/c').configUrl).toBe('http://b/f');
    expect(parseKernelParams('flatcar.config.url=http://b/f ignition.config.url=tftp://t/i').configUrl).toBe('tftp://t/i');
  });

  test('flatcar.first_boot: detected and other non-empty values mean first boot', () => {
    expect(parseKernelParams('flatcar.first_boot=detected')).toMatchObject({ firstBoot: true, firstBootDetected: true });
    expect(parseKernelParams('flatcar.first_boot=yes')).toMatchObject({ firstBoot: true, firstBootDetected: false });
    expect(parseKernelParams('coreos.first_boot=1').firstBoot).toBe(true);
    expect(parseKernelParams('flatcar.first_boot=0').firstBoot).toBe(false);
  });

  test('words after a lone -- belong to init and are ignored', () => {
    expect(parseKernelParams('quiet -- ignition.platform.id=aws').platformId).toBeUndefined();
  });

  test('config device and path (2.27)', () => {
    const p = parseKernelParams('ignition.config.device=CFG ignition.config.path=/c.ign');
    expect([p.configDevice, p.configPath]).toEqual(['CFG', '/c.ign']);
  });

  test('default platform: qemu under KVM/QEMU, else metal', () => {
    expect(defaultPlatform('kvm')).toBe('qemu');
    expect(defaultPlatform('qemu')).toBe('qemu');
    expect(defaultPlatform('none')).toBe('metal');
    expect(defaultPlatform(undefined)).toBe('metal');
  });

  test('reads the file named by IGNITION_KERNEL_CMDLINE_PATH', async () => {
    const dir = tree({});
    const file = join(dir, 'cmdline');
    writeFileSync(file, 'flatcar.oem.id=gce flatcar.first_boot=detected\n');
    expect(cmdlinePath({ IGNITION_KERNEL_CMDLINE_PATH: file })).toBe(file);
    expect(cmdlinePath({})).toBe('/proc/cmdline');
    const p = await readKernelParams(cmdlinePath({ IGNITION_KERNEL_CMDLINE_PATH: file }));
    expect(p).toMatchObject({ platformId: 'gcp', firstBoot: true, firstBootDetected: true });
  });
});
