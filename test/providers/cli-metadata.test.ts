// `kindling metadata` end to end against a metadata service on 127.0.0.1: the attributes file in
// Afterburn's and Flatcar's naming, SSH keys into a user's authorized_keys.d below a test root,
// the hostname file, check-ins, and the warnings for actions a platform does not have.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { runMetadata } from '../../src/cli/metadata.ts';
import { attributesFile, flatcarName, truncateHostname } from '../../src/providers/afterburn.ts';
import { routes, startServer, tree, type MetadataServer } from './helpers.ts';

let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on('data', (c: Buffer) => chunks.push(c));
  const code = await runMetadata(argv, { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, env);
  return { code, stderr: Buffer.concat(chunks).toString('utf8') };
}

const DO = JSON.stringify({ hostname: 'droplet-1', region: 'fra1', public_keys: ['ssh-ed25519 AAAA one', 'ssh-rsa AAAA two'], interfaces: { public: [{ ipv4: { ip_address: '1.2.3.4' } }] } });

describe('kindling metadata', () => {
  test('attributes, SSH keys and hostname for a provider', async () => {
    server = await startServer(routes({ '/metadata/v1.json': [200, DO] }));
    const root = tree({ 'etc/passwd': 'root:x:0:0::/root:/bin/sh\ncore:x:500:500::/home/core:/bin/bash\n' });
    const out = tree({});
    const env = { KINDLING_TEST_ENDPOINT_DIGITALOCEAN_METADATA: server.url };
    const r = await run(
      ['--provider', 'digitalocean', `--attributes=${join(out, 'afterburn')}`, '--ssh-keys', 'core', '--hostname', join(out, 'hostname'), '--root', root],
      env,
    );
    expect(r).toMatchObject({ code: 0 });
    expect(readFileSync(join(out, 'afterburn'), 'utf8')).toBe(
      'AFTERBURN_DIGITALOCEAN_HOSTNAME=droplet-1\nAFTERBURN_DIGITALOCEAN_IPV4_PUBLIC_0=1.2.3.4\nAFTERBURN_DIGITALOCEAN_REGION=fra1\n',
    );
    const keys = join(root, 'home/core/.ssh/authorized_keys.d/afterburn');
    expect(readFileSync(keys, 'utf8')).toBe('ssh-ed25519 AAAA one\nssh-rsa AAAA two\n');
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'home/core/.ssh')).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(statSync(keys).uid).toBe(500);
    expect(readFileSync(join(out, 'hostname'), 'utf8')).toBe('droplet-1\n');
  });

  test('--flatcar: COREOS_* names with EC2 spelling, platform from flatcar.oem.id on the command line', async () => {
    const m = '/2021-01-03/meta-data/';
    server = await startServer(routes({ '/latest/api/token': [404, ''], [`${m}instance-id`]: [200, 'i-1'], [`${m}local-ipv4`]: [200, '10.0.0.1'] }));
    const dir = tree({ cmdline: 'root=/dev/sda flatcar.oem.id=ec2\n' });
    const env = { KINDLING_TEST_ENDPOINT_AWS_METADATA: server.url, IGNITION_KERNEL_CMDLINE_PATH: join(dir, 'cmdline') };
    expect((await run(['--cmdline', '--flatcar', '--attributes', join(dir, 'flatcar')], env)).code).toBe(0);
    expect(readFileSync(join(dir, 'flatcar'), 'utf8')).toBe('COREOS_EC2_INSTANCE_ID=i-1\nCOREOS_EC2_IPV4_LOCAL=10.0.0.1\n');
  });

  test('--check-in runs the platform check-in; unsupported actions only warn', async () => {
    const r = await run(['--provider', 'qemu', '--check-in', '--attributes', join(tree({}), 'a')], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('check-in requested, but not supported on qemu');
    expect(r.stderr).toContain('metadata requested, but not supported on qemu');
  });

  test('usage errors and unknown providers exit 1', async () => {
    expect((await run([], {})).code).toBe(1);
    expect((await run(['--provider', 'aws', '--cmdline'], {})).code).toBe(1);
    const r = await run(['--provider', 'nope'], {});
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toContain('unknown platform "nope"');
  });

  test('a failing metadata service fails the command', async () => {
    server = await startServer(routes({}));
    const r = await run(['--provider', 'digitalocean', '--attributes', join(tree({}), 'a')], { KINDLING_TEST_ENDPOINT_DIGITALOCEAN_METADATA: server.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('digitalocean metadata');
  });
});

describe('afterburn formats', () => {
  test('Flatcar names', () => {
    expect(flatcarName('GCP_IP_EXTERNAL_0')).toBe('COREOS_GCE_IP_EXTERNAL_0');
    expect(flatcarName('AWS_IPV4_LOCAL')).toBe('COREOS_EC2_IPV4_LOCAL');
    expect(flatcarName('AZURE_VMSIZE')).toBe('COREOS_AZURE_VMSIZE');
    expect(attributesFile({ B: '2', A: '1' }, false)).toBe('AFTERBURN_A=1\nAFTERBURN_B=2\n');
  });

  test('hostnames longer than 64 bytes are cut to 64, then at the first dot (Afterburn)', () => {
    const long = 'helloworld'.repeat(20);
    // A long GCP name keeps only its first label.
    expect(truncateHostname(`instance-${'a'.repeat(40)}.us-central1-a.c.my-project-123456.internal`)).toBe(`instance-${'a'.repeat(40)}`);
    expect(truncateHostname(long.slice(0, 74))).toBe(long.slice(0, 64));
    expect(truncateHostname(`${long.slice(0, 69)}.example.com`)).toBe(long.slice(0, 64));
    // The first dot, even where a later one would keep more.
    expect(truncateHostname(`${long.slice(0, 54)}.example.com`)).toBe(long.slice(0, 54));
    expect(truncateHostname(`${long.slice(0, 20)}.${long.slice(0, 50)}.example.com`)).toBe(long.slice(0, 20));
    // 64 bytes or fewer: kept whole, dots and all.
    expect(truncateHostname(`${long.slice(0, 52)}.example.com`)).toBe(`${long.slice(0, 52)}.example.com`);
    expect(truncateHostname('short.example.com')).toBe('short.example.com');
  });
});
