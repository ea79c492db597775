#!/usr/bin/env node
// The `jpkigen` command: the compiled CLI in dist/ (built by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/generator/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('jpkigen: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
await import(cli.href);
