import path from 'node:path';

/** Where a project keeps its specs, its generated output and the generator's caches. */
export interface ProjectLayout {
  readonly root: string;
  readonly specDir: string;
  readonly outDir: string;
  /** Formatting and no-change caches; `undefined` disables caching. */
  readonly cacheDir: string | undefined;
}

export function projectLayout(root: string, options: { specDir?: string; outDir?: string; cache?: boolean } = {}): ProjectLayout {
  const absoluteRoot = path.resolve(root);
  return {
    root: absoluteRoot,
    specDir: path.resolve(absoluteRoot, options.specDir ?? 'spec'),
    outDir: path.resolve(absoluteRoot, options.outDir ?? 'generated'),
    cacheDir: options.cache === false ? undefined : path.join(absoluteRoot, 'node_modules', '.cache', 'jpkigen'),
  };
}

/** A path relative to the project root with forward slashes, as errors and the manifest show it. */
export function displayPath(layout: ProjectLayout, absolutePath: string): string {
  return path.relative(layout.root, absolutePath).split(path.sep).join('/');
}
