// The Butane editor schemas through a real editor's language server: yaml-language-server spoken
// to over LSP on stdio, with the `# yaml-language-server: $schema=` modeline a user writes at the
// top of a Butane file. No schema store (no network): only the modeline's schema applies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lspClient, type LspClient } from '../helpers/lsp.ts';
import { start, stopAll, type Child } from '../helpers/process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
const SETTINGS = { yaml: { validate: true, completion: true, hover: true, format: { enable: false }, schemaStore: { enable: false } } };

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}

const schemaUrl = (name: string): string => pathToFileURL(join(ROOT, 'schemas/butane', `${name}.json`)).href;

describe('Butane schemas in yaml-language-server', () => {
  let child: Child;
  let lsp: LspClient;
  let version = 0;
  const dir = mkdtempSync(join(tmpdir(), 'kindling-lsp-'));

  /** Opens a document as an editor does and returns its URI. */
  const open = (name: string, text: string): string => {
    const uri = pathToFileURL(join(dir, name)).href;
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
    return uri;
  };

  const labels = async (uri: string, line: number, character: number): Promise<string[]> => {
    const result = (await lsp.request('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as
      | { items: { label: string }[] }
      | { label: string }[];
    return (Array.isArray(result) ? result : result.items).map((i) => i.label).sort();
  };

  beforeAll(async () => {
    child = start(process.execPath, [SERVER, '--stdio'], { env: { NO_PROXY: '*' } });
    lsp = lspClient(child, SETTINGS);
    await lsp.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          publishDiagnostics: { relatedInformation: false },
          completion: { completionItem: { snippetSupport: false } },
          synchronization: { didSave: false },
        },
      },
    });
    lsp.notify('initialized', {});
    lsp.notify('workspace/didChangeConfiguration', { settings: SETTINGS });
  });

  afterAll(async () => {
    await lsp.request('shutdown', null).catch(() => undefined);
    lsp.notify('exit', null);
    await child.done();
    expect(await stopAll()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a wrong type and an unknown key are reported on their lines; a valid file has no diagnostics', async () => {
    const text = [
      `# yaml-language-server: $schema=${schemaUrl('fcos-1.5.0')}`,
      'variant: fcos',
      'version: 1.5.0',
      'storage:',
      '  files:',
      '    - path: /etc/motd',
      '      overwrite: [yes]',
      '      bogus: 1',
      'passwd:',
      '  users:',
      '    - name: core',
      '      uid: 0o1750',
      '',
    ].join('\n');
    const uri = open('wrong.bu', text);
    const { diagnostics } = await lsp.notification<{ uri: string; diagnostics: Diagnostic[] }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.diagnostics.length > 0,
    );
    const found = diagnostics.map((d) => [d.range.start.line, d.range.start.character]).sort();
    expect(found).toEqual([
      [6, 17],
      [7, 6],
    ]);
    expect(diagnostics.find((d) => d.range.start.line === 6)?.message).toMatch(/Incorrect type/);
    expect(diagnostics.find((d) => d.range.start.line === 7)?.message).toMatch(/bogus.*not allowed/);

    const valid = open('valid.bu', text.replace('      overwrite: [yes]\n      bogus: 1\n', '      overwrite: yes\n      mode: 0644\n'));
    const clean = await lsp.notification<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === valid);
    expect(clean.diagnostics).toEqual([]);
  });

  test('completion offers the keys of the variant and version the modeline names', async () => {
    const body = (schema: string, variant: string, version: string) =>
      `# yaml-language-server: $schema=${schemaUrl(schema)}\nvariant: ${variant}\nversion: ${version}\n\nstorage:\n  \n`;
    const fcos = open('fcos.bu', body('fcos-1.5.0', 'fcos', '1.5.0'));
    const flatcar = open('flatcar.bu', body('flatcar-1.0.0', 'flatcar', '1.0.0'));
    const openshift = open('openshift.bu', body('openshift-4.14.0', 'openshift', '4.14.0'));

    const fcosRoot = await labels(fcos, 3, 0);
    expect(fcosRoot).toEqual(expect.arrayContaining(['boot_device', 'grub', 'kernel_arguments', 'passwd', 'systemd']));
    const flatcarRoot = await labels(flatcar, 3, 0);
    expect(flatcarRoot).toEqual(expect.arrayContaining(['kernel_arguments', 'passwd', 'systemd']));
    expect(flatcarRoot).not.toContain('boot_device');
    expect(flatcarRoot).not.toContain('grub');
    const openshiftRoot = await labels(openshift, 3, 0);
    expect(openshiftRoot).toEqual(expect.arrayContaining(['metadata', 'openshift', 'boot_device', 'grub']));
    expect(openshiftRoot).not.toContain('kernel_arguments');

    expect(await labels(fcos, 5, 2)).toEqual(['directories', 'disks', 'files', 'filesystems', 'links', 'luks', 'raid', 'trees']);
  });
});
