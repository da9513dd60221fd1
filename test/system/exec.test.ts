// exec against real programs: output and exit codes, one ProvisionError on failure, and
// redacted arguments that never appear in logs, messages or causes.
import { describe, expect, test } from 'vitest';
import { createExec, displayCommand } from '../../src/system/exec.ts';
import { createLogger, memorySink } from '../../src/system/log.ts';
import { ProvisionError } from '../../src/report.ts';

function setup() {
  const { sink, lines } = memorySink();
  return { exec: createExec(createLogger({ stage: 'files', sink })), lines };
}

describe('createExec', () => {
  test('returns stdout and logs the command', async () => {
    const { exec, lines } = setup();
    const result = await exec('sh', ['-c', 'printf "%s" "$1"', 'sh', 'hi']);
    expect(result).toEqual({ exitCode: 0, stdout: 'hi', stderr: '' });
    expect(lines).toEqual(['<7>files: executing: "sh" "-c" "printf \\"%s\\" \\"$1\\"" "sh" "hi"']);
  });

  test('feeds standard input', async () => {
    const { exec } = setup();
    expect((await exec('cat', [], { input: 'abc' })).stdout).toBe('abc');
  });

  test('a non-zero exit throws one ProvisionError with the config path', async () => {
    const { exec } = setup();
    const error = await exec('sh', ['-c', 'echo oops >&2; exit 3'], { path: ['passwd', 'users', 0] }).catch((e: unknown) => e);
    expect(ProvisionError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', path: ['passwd', 'users', 0] });
    expect((error as Error).message).toContain('exit status 3: oops');
  });

  test('reject: false returns the failure instead', async () => {
    const { exec } = setup();
    expect((await exec('sh', ['-c', 'exit 4'], { reject: false })).exitCode).toBe(4);
  });

  test('a missing program is a ProvisionError too', async () => {
    const { exec } = setup();
    await expect(exec('/nonexistent/tool', [])).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });

  test('a missing program names the reason, and reject: false returns it as exit code -1', async () => {
    const { exec } = setup();
    await expect(exec('/nonexistent/tool', [])).rejects.toThrow(/ENOENT/);
    expect((await exec('/nonexistent/tool', [], { reject: false })).exitCode).toBe(-1);
  });

  test('extra variables extend the inherited environment', async () => {
    const { exec } = setup();
    const result = await exec('sh', ['-c', 'printf "%s %s" "$KINDLING_EXEC_TEST" "${PATH:+has-path}"'], { env: { KINDLING_EXEC_TEST: 'extra' } });
    expect(result.stdout).toBe('extra has-path');
  });

  test('output is decoded as UTF-8 only once complete, and kept with its final newline', async () => {
    const { exec } = setup();
    // Two writes split the 3-byte character; the decoded text must not show replacement characters.
    const result = await exec('sh', ['-c', "printf '\\342'; sleep 0.05; printf '\\202\\254 euro\\n'; printf 'warn\\n' >&2"]);
    expect(result).toEqual({ exitCode: 0, stdout: '€ euro\n', stderr: 'warn\n' });
  });

  test('a command past its timeout is killed and fails', async () => {
    const { exec } = setup();
    const error = await exec('sleep', ['30'], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(ProvisionError.is(error)).toBe(true);
    expect((error as Error).message).toContain('SIGTERM');
  });

  test('a tool that exits without reading its input still returns its result', async () => {
    const { exec } = setup();
    expect(await exec('true', [], { input: Buffer.alloc(1 << 20) })).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  test('secrets are redacted from the log, the message and the cause', async () => {
    const { exec, lines } = setup();
    const secret = '$6$salt$verysecrethash';
    const error = await exec('sh', ['-c', 'echo "bad $1" >&2; exit 1', 'sh', secret], { redact: [3] }).catch((e: unknown) => e);
    const everything = JSON.stringify([lines, (error as Error).message, (error as Error).cause, String(error)]);
    expect(everything).not.toContain('verysecrethash');
    expect(everything).toContain('<redacted>');
  });
});

describe('displayCommand', () => {
  test('quotes every word and hides redacted ones', () => {
    expect(displayCommand('useradd', ['--password', 'h', 'core'], [1])).toBe('"useradd" "--password" "<redacted>" "core"');
  });
});
