// The ct_config render against terraform-provider-ct's own expectations (its acceptance tests'
// rendered strings, at the Ignition 3.4.0 that v0.14 emits: v3_4's Luks has no `cex` yet), Go's
// encoding rules, snippet merge order, strict, files_dir, and what Kindling adds beyond ct.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { renderCtConfig, renderedId, type RenderInput } from '../../src/terraform/render.ts';

const render = (input: Partial<RenderInput> & { content: string }) =>
  renderCtConfig({ snippets: [], strict: false, prettyPrint: false, ...input });

const IGNITION_34 = '"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"}';

const withLuks = (version: string): string =>
  `---\nvariant: fcos\nversion: ${version}\nstorage:\n  luks:\n    - name: data\n      device: /dev/vdb\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys:\n        - key\n`;
const core = (version: string): string =>
  `---\nvariant: fcos\nversion: ${version}\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys:\n        - key\n`;
const dockerSnippet = (version: string): string =>
  `---\nvariant: fcos\nversion: ${version}\nsystemd:\n  units:\n    - name: docker.service\n      enabled: true\n`;

// ct's expectation for the luks config, pretty printed, at 3.4.0.
const LUKS_PRETTY = `{
  "ignition": {
    "config": {
      "replace": {
        "verification": {}
      }
    },
    "proxy": {},
    "security": {
      "tls": {}
    },
    "timeouts": {},
    "version": "3.4.0"
  },
  "kernelArguments": {},
  "passwd": {
    "users": [
      {
        "name": "core",
        "sshAuthorizedKeys": [
          "key"
        ]
      }
    ]
  },
  "storage": {
    "luks": [
      {
        "clevis": {
          "custom": {}
        },
        "device": "/dev/vdb",
        "keyFile": {
          "verification": {}
        },
        "name": "data"
      }
    ]
  },
  "systemd": {}
}`;

const SNIPPETS_COMPACT = `{${IGNITION_34},"kernelArguments":{},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"storage":{},"systemd":{"units":[{"enabled":true,"name":"docker.service"}]}}`;

describe('ct_config render, as terraform-provider-ct v0.14', () => {
  test.each(['1.2.0', '1.3.0', '1.4.0', '1.5.0'])('fcos %s with luks renders ct’s pretty 3.4.0 text', (version) => {
    const result = render({ content: withLuks(version), strict: true, prettyPrint: true });
    expect(result.findings).toEqual([]);
    expect(result.rendered).toBe(LUKS_PRETTY);
  });

  test.each(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'])('fcos %s content plus snippet, compact and pretty', (version) => {
    const compact = render({ content: core(version), snippets: [dockerSnippet(version)], strict: true });
    expect(compact.rendered).toBe(SNIPPETS_COMPACT);
    const pretty = render({ content: core(version), snippets: [dockerSnippet(version)], strict: true, prettyPrint: true });
    expect(pretty.rendered).toBe(JSON.stringify(JSON.parse(SNIPPETS_COMPACT), null, 2));
  });

  test('snippets at other versions than the content translate to 3.4.0 (ct’s version skew)', () => {
    expect(render({ content: core('1.4.0'), snippets: [dockerSnippet('1.2.0')] }).rendered).toBe(SNIPPETS_COMPACT);
    expect(render({ content: core('1.1.0'), snippets: [dockerSnippet('1.5.0')] }).rendered).toBe(SNIPPETS_COMPACT);
  });

  test('files carry Go’s zero values; strings get Go’s HTML escaping; no trailing newline', () => {
    const content = 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: "<a & b>"\n';
    const rendered = render({ content }).rendered as string;
    expect(rendered).toContain('"files":[{"group":{},"path":"/etc/motd","user":{},"contents":{"compression":"","source":"data:,%3Ca%20%26%20b%3E","verification":{}}}]');
    const user = 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: core\n      gecos: "<x> & y"\n';
    expect(render({ content: user }).rendered).toContain('"gecos":"\\u003cx\\u003e \\u0026 y"');
    expect(rendered.endsWith('}')).toBe(true);
    expect(render({ content, prettyPrint: true }).rendered?.endsWith('\n}')).toBe(true);
  });

  test('an empty config is every top-level struct, empty', () => {
    expect(render({ content: 'variant: fcos\nversion: 1.5.0\n' }).rendered).toBe(
      `{${IGNITION_34},"kernelArguments":{},"passwd":{},"storage":{},"systemd":{}}`,
    );
  });

  test('id is the decimal CRC-32/IEEE of rendered', () => {
    expect(renderedId('The quick brown fox jumps over the lazy dog')).toBe(String(0x414fa339));
    expect(renderedId('')).toBe('0');
    const result = render({ content: core('1.5.0') });
    expect(result.id).toBe(renderedId(result.rendered as string));
  });
});

describe('snippet merge', () => {
  const motd = (text: string): string =>
    `variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      overwrite: true\n      contents:\n        inline: ${text}\n`;
  const source = (rendered: string | undefined): unknown =>
    (JSON.parse(rendered as string) as { storage: { files: { contents: { source: string } }[] } }).storage.files.map((f) => f.contents.source);

  test('snippets merge onto content in order: a later one wins for the same path', () => {
    expect(source(render({ content: motd('base'), snippets: [motd('one'), motd('two')] }).rendered)).toEqual(['data:,two']);
    expect(source(render({ content: motd('base'), snippets: [motd('two'), motd('one')] }).rendered)).toEqual(['data:,one']);
  });

  test('entries with different keys accumulate, parent first', () => {
    const unit = (name: string): string => `variant: fcos\nversion: 1.5.0\nsystemd:\n  units:\n    - name: ${name}\n      enabled: true\n`;
    const rendered = render({ content: unit('a.service'), snippets: [unit('c.service'), unit('b.service')] }).rendered as string;
    const units = (JSON.parse(rendered) as { systemd: { units: { name: string }[] } }).systemd.units.map((u) => u.name);
    expect(units).toEqual(['a.service', 'c.service', 'b.service']);
  });
});

describe('findings', () => {
  test('warnings come back without failing the render, with the argument they belong to', () => {
    const result = render({ content: core('1.5.0'), snippets: [`${dockerSnippet('1.5.0')}bogus: 1\n`] });
    expect(result.rendered).toBeDefined();
    expect(result.findings.map((f) => [f.argument, f.entry.severity, f.entry.message, f.entry.pos])).toEqual([
      [{ name: 'snippets', index: 0 }, 'warning', 'unused key bogus', { line: 8, col: 1 }],
    ]);
  });

  test('strict fails on any warning of content or any snippet', () => {
    const result = render({ content: core('1.5.0'), snippets: [`${dockerSnippet('1.5.0')}bogus: 1\n`], strict: true });
    expect(result.rendered).toBeUndefined();
    expect(result.findings.map((f) => [f.entry.severity, f.entry.code])).toEqual([
      ['warning', 'UNUSED_KEY'],
      ['error', 'CT_STRICT'],
    ]);
    expect(render({ content: `${core('1.5.0')}bogus: 1\n`, strict: true }).findings.at(-1)?.argument).toEqual({ name: 'content' });
  });

  test('a snippet without variant is an error naming that snippet', () => {
    const result = render({ content: core('1.5.0'), snippets: [dockerSnippet('1.5.0'), 'version: 1.5.0\n'] });
    expect(result.rendered).toBeUndefined();
    expect(result.findings.map((f) => [f.argument, f.entry.message])).toEqual([
      [{ name: 'snippets', index: 1 }, 'Butane snippets require `variant`: error parsing variant; must be specified'],
    ]);
  });

  test('invalid YAML and invalid configs report every error with line:col, content and snippets alike', () => {
    const result = render({
      content: 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: relative\n',
      snippets: ['variant: fcos\nversion: 1.5.0\nsystemd: [\n'],
    });
    expect(result.rendered).toBeUndefined();
    const content = result.findings.filter((f) => f.argument.name === 'content');
    expect(content.map((f) => [f.entry.message, f.entry.pos?.line])).toEqual([['path not absolute', 5]]);
    const snippet = result.findings.filter((f) => f.argument.name === 'snippets');
    expect(snippet).toHaveLength(1);
    expect(snippet[0]?.entry.code).toBe('BUTANE_YAML');
  });
});

describe('files_dir', () => {
  const root = mkdtempSync(join(tmpdir(), 'kindling-ct-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const filesDir = join(root, 'files');
  mkdirSync(filesDir);
  writeFileSync(join(filesDir, 'motd'), 'hello\n');
  writeFileSync(join(root, 'secret'), 'outside\n');
  const local = (name: string): string => `variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        local: ${name}\n`;

  test('local files are read below files_dir', () => {
    expect(render({ content: local('motd'), filesDir }).rendered).toContain('"source":"data:,hello%0A"');
  });

  test('a path that leaves files_dir, or any local file without files_dir, is an error', () => {
    const escape = render({ content: local('../secret'), filesDir });
    expect(escape.rendered).toBeUndefined();
    expect(escape.findings.map((f) => f.entry.code)).toContain('FILES_DIR_ESCAPE');
    const none = render({ content: local('motd') });
    expect(none.findings.map((f) => f.entry.code)).toContain('FILES_DIR_REQUIRED');
  });
});

describe('beyond ct', () => {
  test('a part newer than 3.4.0 lifts everything to its spec', () => {
    const rendered = render({ content: withLuks('1.6.0'), snippets: [dockerSnippet('1.5.0')] }).rendered as string;
    const config = JSON.parse(rendered) as { ignition: { version: string }; storage: { luks: object[] }; systemd: { units: object[] } };
    expect(config.ignition.version).toBe('3.5.0');
    expect(rendered).toContain('"luks":[{"cex":{},"clevis":{"custom":{}}');
    expect(config.systemd.units).toHaveLength(1);
    const flatcar = render({ content: core('1.5.0'), snippets: ['variant: flatcar\nversion: 1.2.0-experimental\n'] });
    expect(JSON.parse(flatcar.rendered as string).ignition.version).toBe('3.7.0-experimental');
  });

  test('setuid bits survive below 3.6.0 and are masked when a part lifts the output to 3.6.0', () => {
    const suid = 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /usr/local/bin/x\n      mode: 04755\n';
    expect(render({ content: suid }).rendered).toContain('"mode":2541');
    const lifted = render({ content: suid, snippets: ['variant: fcos\nversion: 1.7.0\n'] }).rendered as string;
    expect(lifted).toContain('"mode":493');
    expect(lifted).toContain('"version":"3.6.0"');
  });
});
