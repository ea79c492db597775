// Builds dist/: compiles the TypeScript, then copies the generated JavaScript modules that tsc
// does not emit itself (ajv standalone validators and their declarations).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
// tsc emits even when it reports errors; copy the generated modules anyway so a half-finished
// edit elsewhere does not leave dist/ without them, and fail the build afterwards.
let compiled = true;
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  compiled = false;
}

const generated = path.join(root, 'generated');
for (const entry of readdirSync(generated, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(js|d\.ts)$/.test(entry.name)) continue;
  const source = path.join(entry.parentPath, entry.name);
  cpSync(source, path.join(root, 'dist', 'generated', path.relative(generated, source)));
}
if (!compiled) process.exit(1);
