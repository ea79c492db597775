import type { Argv } from 'yargs';
import { projectLayout, type ProjectLayout } from '../../pipeline/project-layout.js';

export interface LayoutOptions {
  readonly root: string;
  readonly spec: string;
  readonly out: string;
  readonly json: boolean;
}

/** Options every spec-reading command takes. */
export function withLayoutOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('root', { type: 'string', default: '.', describe: 'project folder' })
    .option('spec', { type: 'string', default: 'spec', describe: 'spec folder, relative to --root' })
    .option('out', { type: 'string', default: 'generated', describe: 'output folder, relative to --root' });
}

export function layoutFrom(options: LayoutOptions): ProjectLayout {
  return projectLayout(options.root, { specDir: options.spec, outDir: options.out });
}
