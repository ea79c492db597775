import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TemporaryProjectOptions {
  /**
   * Copy only these spec kinds (and the meta-schemas) and generate their output: enough for a
   * test of the pipeline's behaviour, at a fraction of the cost of all five kinds.
   */
  readonly kinds?: readonly string[];
}

/** A throw-away copy of this repository's spec/ and generated/, for tests that change them. */
export function temporaryProject(options: TemporaryProjectOptions = {}): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'jpkigen-test-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  if (options.kinds === undefined) {
    cpSync(path.join(repositoryRoot, 'spec'), path.join(root, 'spec'), { recursive: true });
    cpSync(path.join(repositoryRoot, 'generated'), path.join(root, 'generated'), { recursive: true });
    return { root, remove };
  }
  for (const folder of ['meta', ...options.kinds]) cpSync(path.join(repositoryRoot, 'spec', folder), path.join(root, 'spec', folder), { recursive: true });
  const generation = spawnSync(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), 'generate', '--root', root], { encoding: 'utf8' });
  if (generation.status !== 0) throw new Error(`generating the temporary project failed: ${generation.stderr}`);
  return { root, remove };
}

/** Every file below a folder with its content, to compare a tree before and after. */
export function snapshotTree(folder: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const file = path.join(folder, name);
    if (statSync(file).isFile()) snapshot[name] = readFileSync(file, 'utf8');
  }
  return snapshot;
}

/** A temporary project per call, removed after the test that made it. */
export function useTemporaryProjects(options: TemporaryProjectOptions = {}): () => { root: string } {
  const projects: { remove(): void }[] = [];
  afterEach(() => projects.splice(0).forEach((project) => project.remove()));
  return () => {
    const created = temporaryProject(options);
    projects.push(created);
    return created;
  };
}

/** Rewrites one spec file of a project in place. */
export function editSpec(root: string, file: string, edit: (text: string) => string): void {
  const specFile = path.join(root, 'spec', file);
  writeFileSync(specFile, edit(readFileSync(specFile, 'utf8')));
}
