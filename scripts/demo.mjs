// The README's first command: transpile every examples/*.bu with the built executable and
// validate each result, printing one line per example. Exits non-zero if any step fails.
import { execaSync } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const bin = join('dist', 'kindling.cjs');
let failed = 0;
for (const name of readdirSync('examples').filter((n) => n.endsWith('.bu')).sort()) {
  const file = join('examples', name);
  try {
    const json = execaSync(process.execPath, [bin, 'transpile', '--strict', '--files-dir', 'examples', file], { stripFinalNewline: false }).stdout;
    execaSync(process.execPath, [bin, 'validate', '-'], { input: json, stdout: 'inherit', stderr: 'inherit' });
    const config = JSON.parse(json);
    const files = config.storage?.files?.length ?? 0;
    const units = config.systemd?.units?.length ?? 0;
    process.stdout.write(`ok   ${file}: Ignition ${config.ignition.version}, ${files} files, ${units} units, ${json.length} bytes\n`);
  } catch (error) {
    failed++;
    process.stdout.write(`FAIL ${file}: ${error.stderr ?? error.message}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
