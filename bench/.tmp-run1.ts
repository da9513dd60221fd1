import { transpile } from '/work/main/transpiler/index.ts';
import { readFileSync } from 'node:fs';
const f = process.argv[2]!;
const r = transpile(readFileSync(f, 'utf8'), { filesDir: '/work/shared/conformance/butane-docs/files', pretty: true });
console.log(r.output ?? '');
for (const e of r.report) console.log(e.severity, e.code, e.path, e.pos, e.message);
if (r.error) console.log('ERROR', r.error.message);
