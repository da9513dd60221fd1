// Platforms read from local files and tools: file, metal, qemu fw_cfg (a tree laid out like
// /sys/firmware/qemu_fw_cfg), the s390x virtio disk, Hyper-V KVP, BlueField's boot FIFO,
// VMware guestinfo and VirtualBox guest properties (through stand-ins for their CLI tools).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { file } from '../../src/providers/file.ts';
import { hyperv, KVP_KEY_SIZE, KVP_VALUE_SIZE } from '../../src/providers/hyperv.ts';
import { getProvider, platformIds } from '../../src/providers/index.ts';
import { metal } from '../../src/providers/metal.ts';
import { nvidiabluefield } from '../../src/providers/nvidiabluefield.ts';
import { qemu, readFwCfg, readVirtioIgnition } from '../../src/providers/qemu.ts';
import { virtualbox } from '../../src/providers/virtualbox.ts';
import { ovfProperties, vmware } from '../../src/providers/vmware.ts';
import { CONFIG, startServer, testContext, tree, type MetadataServer, type TestContext } from './helpers.ts';

let t: TestContext | undefined;
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

const FW = 'sys/firmware/qemu_fw_cfg/by_name';

describe('file and metal', () => {
  test('file reads $IGNITION_CONFIG_FILE; a missing file is an error', async () => {
    const dir = tree({ 'my.ign': CONFIG });
    t = testContext({ env: { IGNITION_CONFIG_FILE: join(dir, 'my.ign') } });
    expect(await file.fetchConfig(t.ctx)).toEqual({ text: CONFIG, source: join(dir, 'my.ign') });
    t.ctx.env = { IGNITION_CONFIG_FILE: join(dir, 'missing.ign') };
    await expect(file.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'FILE_CONFIG_READ_FAILED' });
  });

  test('metal has no config of its own', async () => {
    t = testContext();
    expect(await metal.fetchConfig(t.ctx)).toBeUndefined();
  });
});

describe('qemu', () => {
  test('reads opt/com.coreos/config from fw_cfg, trimmed to its size file', async () => {
    const root = tree({ [`${FW}/opt/com.coreos/config/raw`]: `${CONFIG}\0\0\0`, [`${FW}/opt/com.coreos/config/size`]: `${CONFIG.length}\n` });
    t = testContext({ sysRoot: root });
    expect(await readFwCfg(t.ctx)).toEqual({ text: CONFIG, source: 'fw_cfg opt/com.coreos/config' });
  });

  test("Flatcar's opt/org.flatcar-linux/config is read too, and may be gzip", async () => {
    const root = tree({ [`${FW}/opt/org.flatcar-linux/config/raw`]: gzipSync(CONFIG) });
    t = testContext({ sysRoot: root });
    expect((await readFwCfg(t.ctx))?.text).toBe(CONFIG);
  });

  test('no key is no config', async () => {
    const root = tree({ [`${FW}/etc/boot-menu-wait/raw`]: 'x' });
    t = testContext({ sysRoot: root });
    expect(await readFwCfg(t.ctx)).toBeUndefined();
    if (process.arch === 'x64' || process.arch === 'arm64') expect(await qemu.fetchConfig(t.ctx)).toBeUndefined();
  });

  test('s390x/ppc64le virtio-ignition disk: waits for it, strips NUL padding', async () => {
    const root = tree({});
    t = testContext({ sysRoot: root });
    t.onSleep((n) => {
      if (n === 2) {
        const dir = join(root, 'dev/disk/by-id');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'virtio-ignition'), Buffer.concat([Buffer.from(CONFIG), Buffer.alloc(4096)]));
      }
    });
    expect((await readVirtioIgnition(t.ctx))?.text).toBe(CONFIG);
    expect(t.sleeps).toEqual([5000, 5000]);
  });
});


describe('hyperv', () => {
  function pool(entries: [string, string][]): Buffer {
    return Buffer.concat(
      entries.map(([k, v]) => {
        const rec = Buffer.alloc(KVP_KEY_SIZE + KVP_VALUE_SIZE);
        rec.write(k, 0);
        rec.write(v, KVP_KEY_SIZE);
        return rec;
      }),
    );
  }

  test('ignition.config, or ignition.config.N pieces joined in order', async () => {
    const root = tree({ 'var/lib/hyperv/.kvp_pool_0': pool([['other', 'x'], ['ignition.config.1', CONFIG.slice(10)], ['ignition.config.0', CONFIG.slice(0, 10)]]) });
    t = testContext({ sysRoot: root });
    expect((await hyperv.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    const whole = tree({ 'var/lib/hyperv/.kvp_pool_0': pool([['ignition.config', CONFIG]]) });
    t.ctx.sysRoot = whole;
    expect((await hyperv.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    t.ctx.sysRoot = tree({});
    expect(await hyperv.fetchConfig(t.ctx)).toBeUndefined();
  });
});

describe('nvidiabluefield', () => {
  test('boot FIFO with NUL padding; empty FIFO is no config', async () => {
    const root = tree({ 'sys/bus/platform/devices/MLNXBF04:00/bootfifo': Buffer.concat([Buffer.from(CONFIG), Buffer.alloc(16)]) });
    t = testContext({ sysRoot: root });
    expect((await nvidiabluefield.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    t.ctx.sysRoot = tree({ 'sys/bus/platform/devices/MLNXBF04:00/bootfifo': Buffer.alloc(8) });
    expect(await nvidiabluefield.fetchConfig(t.ctx)).toBeUndefined();
  });
});

/** A stand-in for vmware-rpctool / VBoxControl backed by a directory with one file per key. */
function fakeTool(kind: 'vmware' | 'vbox', values: Record<string, string>): { path: string; store: string } {
  const encode = (key: string) => key.replace(/\//g, '%2F');
  const store = tree(Object.fromEntries(Object.entries(values).map(([k, v]) => [encode(k), v])));
  const path = join(store, kind === 'vmware' ? 'vmware-rpctool' : 'VBoxControl');
  const script =
    kind === 'vmware'
      ? `#!/bin/sh
cmd="\${1%% *}"; rest="\${1#* }"; key="\${rest%% *}"; key="\${key#guestinfo.}"
f="${store}/$key"
case "$cmd" in
  info-get) [ -f "$f" ] || { echo "No value found" >&2; exit 1; }; cat "$f"; echo;;
  info-set) printf %s "\${rest#* }" > "$f";;
esac
`
      : `#!/bin/sh
[ "$1" = --nologo ] && shift
f="${store}/$(printf %s "$3" | sed 's|/|%2F|g')"
case "$2" in
  get) [ -f "$f" ] || { echo "No value set!"; exit 2; }; printf 'Value: '; cat "$f"; echo;;
  delete) rm -f "$f";;
esac
`;
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return { path, store };
}

describe('vmware', () => {
  test.each([
    ['', CONFIG],
    ['base64', Buffer.from(CONFIG).toString('base64')],
    ['gzip+base64', gzipSync(CONFIG).toString('base64')],
  ])('guestinfo.ignition.config.data with encoding %j', async (encoding, data) => {
    const tool = fakeTool('vmware', { 'ignition.config.data': data, 'ignition.config.data.encoding': encoding });
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: tool.path } });
    expect(await vmware.fetchConfig(t.ctx)).toEqual({ text: CONFIG, source: 'guestinfo.ignition.config.data' });
  });

  test('an unknown encoding is an error', async () => {
    const tool = fakeTool('vmware', { 'ignition.config.data': CONFIG, 'ignition.config.data.encoding': 'rot13' });
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: tool.path } });
    await expect(vmware.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'USER_DATA_ENCODING_UNSUPPORTED' });
  });

  test('the OVF environment is used when no key is set; Flatcar coreos.config.data is accepted', async () => {
    const ovf = `<?xml version="1.0"?><Environment xmlns:oe="http://schemas.dmtf.org/ovf/environment/1"><PropertySection>
<Property oe:key="guestinfo.ignition.config.data" oe:value="${Buffer.from(CONFIG).toString('base64')}"/>
<Property oe:key="guestinfo.ignition.config.data.encoding" oe:value="base64"/></PropertySection></Environment>`;
    expect(ovfProperties(ovf)['guestinfo.ignition.config.data.encoding']).toBe('base64');
    let tool = fakeTool('vmware', { ovfEnv: ovf });
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: tool.path } });
    expect((await vmware.fetchConfig(t.ctx))?.source).toBe('OVF property guestinfo.ignition.config.data');
    tool = fakeTool('vmware', { 'coreos.config.data': CONFIG });
    t.ctx.env = { KINDLING_VMWARE_RPCTOOL: tool.path };
    expect((await vmware.fetchConfig(t.ctx))?.source).toBe('guestinfo.coreos.config.data');
  });

  test("Flatcar's guestinfo.ignition.config.url is fetched when there is no data", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      res.end(CONFIG);
    });
    const tool = fakeTool('vmware', { 'ignition.config.url': `${server.url}/cfg.ign` });
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: tool.path } });
    expect((await vmware.fetchConfig(t.ctx))?.text).toBe(CONFIG);
  });

  test('nothing set is no config; deleteConfig overwrites the data with {}', async () => {
    const empty = fakeTool('vmware', {});
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: empty.path } });
    expect(await vmware.fetchConfig(t.ctx)).toBeUndefined();
    const tool = fakeTool('vmware', { 'ignition.config.data': CONFIG });
    t.ctx.env = { KINDLING_VMWARE_RPCTOOL: tool.path };
    await vmware.deleteConfig!(t.ctx);
    expect((await vmware.fetchConfig(t.ctx))?.text).toBe('{}\n');
  });

  test('no vmware-rpctool: the platform is reported unsupported', async () => {
    t = testContext({ env: { KINDLING_VMWARE_RPCTOOL: '/nonexistent/vmware-rpctool' } });
    await expect(vmware.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'PLATFORM_UNSUPPORTED' });
  });
});

describe('virtualbox', () => {
  test('guest property /Ignition/Config; deleteConfig removes it', async () => {
    const tool = fakeTool('vbox', { '/Ignition/Config': CONFIG });
    t = testContext({ env: { KINDLING_VBOXCONTROL: tool.path } });
    expect((await virtualbox.fetchConfig(t.ctx))?.text).toBe(CONFIG);
    await virtualbox.deleteConfig!(t.ctx);
    expect(await virtualbox.fetchConfig(t.ctx)).toBeUndefined();
  });

  test('a non-empty /Ignition/Config/Encoding fails the fetch', async () => {
    const tool = fakeTool('vbox', { '/Ignition/Config': CONFIG, '/Ignition/Config/Encoding': 'gzip' });
    t = testContext({ env: { KINDLING_VBOXCONTROL: tool.path } });
    await expect(virtualbox.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'USER_DATA_ENCODING_UNSUPPORTED' });
  });
});

describe('the platform table', () => {
  test("upstream's ids plus Flatcar's no-op OEM ids", () => {
    for (const id of ['aws', 'gcp', 'azure', 'azurestack', 'openstack', 'brightbox', 'qemu', 'metal', 'file', 'vmware', 'kubevirt', 'proxmoxve', 'hetzner', 'akamai', 'scaleway', 'cloudstack']) {
      expect(getProvider(id)?.id).toBe(id);
    }
    expect(platformIds()).toContain('rackspace-onmetal');
    expect(getProvider('ec2')).toBeUndefined();
    expect(getProvider('toString')).toBeUndefined();
  });

  test('applehv and zvm fail clearly', async () => {
    t = testContext();
    await expect(getProvider('zvm')!.fetchConfig(t.ctx)).rejects.toMatchObject({ code: 'PLATFORM_UNSUPPORTED' });
  });
});
