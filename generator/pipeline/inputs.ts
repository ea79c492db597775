/**
 * Everything a generation depends on, read and hashed cheaply: the project's specs, the
 * generator's templates and meta-schemas, and the generator itself. No heavy module is loaded
 * here, so a no-change run can stop after this step.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compareText } from '../compare-text.js';
import { generatorCodeRoot, generatorVersion, packageRoot } from '../package-root.js';
import { displayPath, type ProjectLayout } from './project-layout.js';
import { SPEC_KINDS, type SpecKind } from './spec-kinds.js';

export interface InputFile {
  /** Path as the manifest records it: relative to the project (specs) or to the package (templates, meta). */
  readonly path: string;
  readonly absolutePath: string;
  readonly text: string;
  readonly sha256: string;
}

export interface GenerationInputs {
  readonly specs: ReadonlyMap<SpecKind, readonly InputFile[]>;
  readonly templates: readonly InputFile[];
  readonly metaSchemas: readonly InputFile[];
  /** Changes whenever the output could: any input, the generator's code or its version. */
  readonly fingerprint: string;
}

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml']);

export async function collectInputs(layout: ProjectLayout): Promise<GenerationInputs> {
  const specs = new Map<SpecKind, InputFile[]>();
  for (const kind of SPEC_KINDS) {
    const folder = path.join(layout.specDir, kind.folder);
    const extensions = kind.extensions === undefined ? SPEC_EXTENSIONS : new Set(kind.extensions);
    const files = (await listFiles(folder)).filter((file) => extensions.has(path.extname(file)));
    specs.set(kind, await Promise.all(files.map((file) => readInput(file, displayPath(layout, file)))));
  }
  const templates = await readPackageFolder('templates');
  const metaSchemas = await readPackageFolder(path.join('spec', 'meta'));
  const codeHash = await hashFolder(generatorCodeRoot);
  const all = [...[...specs.values()].flat(), ...templates, ...metaSchemas];
  const fingerprint = sha256(JSON.stringify([generatorVersion, codeHash, all.map((file) => [file.path, file.sha256])]));
  return { specs, templates, metaSchemas, fingerprint };
}

/** The input hashes the manifest records, sorted by path. */
export function inputHashes(inputs: GenerationInputs): Record<string, string> {
  const all = [...[...inputs.specs.values()].flat(), ...inputs.templates, ...inputs.metaSchemas];
  return Object.fromEntries(all.map((file) => [file.path, file.sha256]).sort(([a], [b]) => compareText(a ?? '', b ?? '')));
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Every file below a folder, sorted; an absent folder has none. */
export async function listFiles(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort(compareText);
}

async function readPackageFolder(relativeFolder: string): Promise<InputFile[]> {
  const files = await listFiles(path.join(packageRoot, relativeFolder));
  return Promise.all(files.map((file) => readInput(file, path.relative(packageRoot, file).split(path.sep).join('/'))));
}

async function readInput(absolutePath: string, recordedPath: string): Promise<InputFile> {
  const text = await readFile(absolutePath, 'utf8');
  return { path: recordedPath, absolutePath, text, sha256: sha256(text) };
}

async function hashFolder(folder: string): Promise<string> {
  const files = await listFiles(folder);
  const contents = await Promise.all(files.map(async (file) => `${path.relative(folder, file)}\0${sha256(await readFile(file))}`));
  return sha256(contents.join('\n'));
}
