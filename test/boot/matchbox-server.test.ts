// The Matchbox stand-in the network-boot suite relies on, checked over HTTP against what
// poseidon/matchbox does: label parsing, group precedence, the iPXE script text, configs served
// byte for byte, assets, and 404s. No QEMU: these run everywhere in milliseconds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BOOTSTRAP_IPXE, labelsOf, parseMac, selectGroup, startMatchbox, type Group, type Matchbox } from '../helpers/matchbox.ts';

let data: string;
let matchbox: Matchbox;
const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${matchbox.port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
};
const json = (path: string, value: unknown) => writeFileSync(join(data, path), JSON.stringify(value));
// A config whose bytes a re-serialising server would change: key order, spacing, a 3.0.0 version.
const RAW_CONFIG = '{ "ignition": {"version": "3.0.0"},\n  "storage": {} }\n';

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'kindling-matchbox-'));
  for (const dir of ['profiles', 'groups', 'ignition', 'assets/sub']) mkdirSync(join(data, dir), { recursive: true });
  const profile = (id: string, ignition: string) => ({
    id,
    boot: { kernel: '/assets/vmlinuz', initrd: ['/assets/a.cpio', '--name b /assets/b.cpio'], args: ['initrd=a.cpio', `p=${id}`] },
    ignition_id: ignition,
  });
  json('profiles/one.json', profile('one', 'one.ign'));
  json('profiles/two.json', profile('two', 'two.ign'));
  json('profiles/default.json', profile('default', 'missing.ign'));
  json('profiles/butane.json', profile('butane', 'worker.yaml'));
  json('groups/default.json', { id: 'default', profile: 'default' });
  json('groups/by-mac.json', { id: 'by-mac', profile: 'one', selector: { mac: '52-54-00-AA-BB-01' } });
  json('groups/by-mac-and-os.json', { id: 'by-mac-and-os', profile: 'two', selector: { mac: '52:54:00:aa:bb:01', os: 'installed' } });
  json('groups/tie-a.json', { id: 'tie-a', profile: 'one', selector: { region: 'a' } });
  json('groups/tie-b.json', { id: 'tie-b', profile: 'two', selector: { zone: 'b' } });
  json('groups/butane.json', { id: 'butane', profile: 'butane', selector: { os: 'butane' } });
  json('groups/no-profile.json', { id: 'no-profile', profile: 'absent', selector: { os: 'nowhere' } });
  writeFileSync(join(data, 'groups', 'broken.json'), '{ "id": "broken", "profile": "two", "selector": {} ');
  writeFileSync(join(data, 'ignition', 'one.ign'), RAW_CONFIG);
  writeFileSync(join(data, 'ignition', 'two.ign'), '{"ignition":{"version":"3.4.0"}}');
  writeFileSync(join(data, 'ignition', 'worker.yaml'), 'variant: fcos\nversion: 1.5.0\n');
  writeFileSync(join(data, 'assets', 'sub', 'file.txt'), 'an asset\n');
  writeFileSync(join(data, 'secret.txt'), 'outside the assets\n');
  matchbox = await startMatchbox({ data });
});

afterAll(async () => {
  await matchbox?.close();
  rmSync(data, { recursive: true, force: true });
});

describe('labels and selection, as Matchbox parses and orders them', () => {
  test('MACs in colon, hyphen or dotted form normalise to lower-case colons; others are not MACs', () => {
    expect(parseMac('52-54-00-AA-BB-01')).toBe('52:54:00:aa:bb:01');
    expect(parseMac('5254.00aa.bb01')).toBe('52:54:00:aa:bb:01');
    expect(parseMac('52:54-00:aa:bb:01')).toBeUndefined();
    expect(parseMac('52:54:00:aa:bb')).toBeUndefined();
  });

  test('an unparseable mac label is dropped, other keys keep their first value as given', () => {
    expect(labelsOf(new URLSearchParams('mac=nonsense&os=a&os=b&UUID=X'))).toEqual({ os: 'a', UUID: 'X' });
    expect(labelsOf(new URLSearchParams('MAC=52-54-00-aa-bb-01'))).toEqual({ MAC: '52:54:00:aa:bb:01' });
  });

  test('most selectors first; ties go to the reverse-sorted k=v string; no selectors is the default', () => {
    const groups: Group[] = [
      { id: 'default', profile: 'p', selector: {} },
      { id: 'a', profile: 'p', selector: { region: 'a' } },
      { id: 'b', profile: 'p', selector: { zone: 'b' } },
      { id: 'ab', profile: 'p', selector: { region: 'a', zone: 'b' } },
    ];
    expect(selectGroup(groups, { region: 'a', zone: 'b' })?.id).toBe('ab');
    expect(selectGroup(groups, { region: 'a', zone: 'c' })?.id).toBe('a');
    expect(selectGroup(groups.slice(0, 3), { region: 'a', zone: 'b' })?.id).toBe('b');
    expect(selectGroup(groups, { other: '1' })?.id).toBe('default');
    expect(selectGroup(groups.slice(1), {})).toBeUndefined();
  });
});

describe('the HTTP API', () => {
  test('/ and /boot.ipxe answer as Matchbox does', async () => {
    expect(await get('/')).toMatchObject({ status: 200, body: 'matchbox\n' });
    expect((await get('/boot.ipxe')).body).toBe(BOOTSTRAP_IPXE);
    expect((await get('/boot.ipxe.0')).body).toBe(BOOTSTRAP_IPXE);
    expect(BOOTSTRAP_IPXE).toContain('chain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&');
  });

  test('/ipxe renders kernel, args and one initrd line per entry, for the most specific group', async () => {
    expect((await get('/ipxe?mac=52-54-00-aa-bb-01')).body).toBe(
      '#!ipxe\nkernel /assets/vmlinuz initrd=a.cpio p=one\ninitrd /assets/a.cpio\ninitrd --name b /assets/b.cpio\nboot\n',
    );
    expect((await get('/ipxe?mac=52:54:00:aa:bb:01&os=installed')).body).toContain('p=two');
    // Equal counts: "zone=b" sorts after "region=a", so it is tried first.
    expect((await get('/ipxe?region=a&zone=b')).body).toContain('p=two');
  });

  test('/ignition serves a .ign file byte for byte as application/json', async () => {
    expect(await get('/ignition?mac=52-54-00-aa-bb-01')).toEqual({ status: 200, type: 'application/json', body: RAW_CONFIG });
    expect((await get('/ignition?mac=52-54-00-aa-bb-01&os=installed')).body).toBe('{"ignition":{"version":"3.4.0"}}');
  });

  test('a missing config, a missing profile or a template this stand-in does not render is a 404, with the reason logged', async () => {
    expect((await get('/ignition?mac=52-54-00-ff-ff-ff')).status).toBe(404);
    expect(matchbox.log).toContain('Profile default: no Ignition config named missing.ign');
    expect((await get('/ipxe?os=nowhere')).status).toBe(404);
    expect(matchbox.log).toContain('Group no-profile: no profile named absent');
    expect((await get('/ignition?os=butane')).status).toBe(404);
    // The unparseable group was skipped, not taken as a second default.
    expect(matchbox.log.some((line) => line.startsWith('Group "broken":'))).toBe(true);
  });

  test('without a default group an unknown machine gets 404 from /ipxe', async () => {
    rmSync(join(data, 'groups', 'default.json'));
    try {
      expect((await get('/ipxe?mac=52-54-00-ff-ff-ff')).status).toBe(404);
      expect(matchbox.log.at(-1)).toBe('No matching group for {"mac":"52:54:00:ff:ff:ff"}');
    } finally {
      json('groups/default.json', { id: 'default', profile: 'default' });
    }
  });

  test('/assets serves files under the assets directory and nothing outside it', async () => {
    expect(await get('/assets/sub/file.txt')).toMatchObject({ status: 200, body: 'an asset\n' });
    expect((await get('/assets/sub')).status).toBe(404);
    expect((await get('/assets/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/assets/..%2fsecret.txt')).status).toBe(404);
    expect(matchbox.requests.at(-1)).toEqual({ path: '/assets/..%2fsecret.txt', query: '', status: 404 });
  });
});
