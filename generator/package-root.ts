import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the jpkigen package itself (it holds templates/ and spec/meta/), found by
 * walking up from this module: the same answer from the TypeScript sources and from dist/.
 */
export const packageRoot: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

export const generatorVersion: string = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The folder holding the running generator code (generator/ or dist/generator/). */
export const generatorCodeRoot: string = path.dirname(fileURLToPath(import.meta.url));

function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = path.dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === 'jpkigen') return folder;
    } catch {
      // no package.json here; keep walking up
    }
    if (path.dirname(folder) === folder) throw new Error(`jpkigen package root not found above ${start}`);
  }
}
