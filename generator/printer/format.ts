import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GeneratedFile } from '../emitters/emitter.js';

/**
 * Fixed formatting options: generated output must be byte-identical on every machine, so no
 * .prettierrc of the surrounding project is consulted.
 */
const PRETTIER_OPTIONS = { singleQuote: true, printWidth: 120, trailingComma: 'all', endOfLine: 'lf' } as const;

const PARSERS = { typescript: 'typescript', javascript: 'babel', json: 'json' } as const;

/**
 * Formats files with prettier. Results are cached by content hash, because prettier dominates
 * the cost of a regeneration in which few files change.
 */
export async function formatFiles(files: readonly GeneratedFile[], cacheDirectory: string | undefined): Promise<GeneratedFile[]> {
  let prettier: typeof import('prettier') | undefined;
  return Promise.all(
    files.map(async (file) => {
      if (file.preformatted === true) return file;
      const key = createHash('sha256').update(`${FORMAT_VERSION}\0${file.language}\0${file.content}`).digest('hex');
      const cached = cacheDirectory === undefined ? undefined : await readCached(cacheDirectory, key);
      if (cached !== undefined) return { ...file, content: cached };
      prettier ??= await import('prettier');
      const content = await prettier.format(file.content, { ...PRETTIER_OPTIONS, parser: PARSERS[file.language] });
      if (cacheDirectory !== undefined) await writeCached(cacheDirectory, key, content);
      return { ...file, content };
    }),
  );
}

/** Changes whenever the formatting could: prettier's version and our options. */
const FORMAT_VERSION = JSON.stringify([PRETTIER_OPTIONS, await prettierVersion()]);

async function prettierVersion(): Promise<string> {
  const manifestPath = createRequire(import.meta.url).resolve('prettier/package.json');
  return (JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string }).version;
}

async function readCached(directory: string, key: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(directory, key), 'utf8');
  } catch {
    return undefined;
  }
}

async function writeCached(directory: string, key: string, content: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `${key}.${process.pid}.tmp`);
  await writeFile(temporary, content);
  await rename(temporary, path.join(directory, key));
}
