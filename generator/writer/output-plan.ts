import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from '../emitters/emitter.js';
import { listFiles } from '../pipeline/inputs.js';

/** How generated/ on disk differs from what the specs give. */
export interface OutputPlan {
  /** Files whose content must change. */
  readonly stale: readonly string[];
  /** Files the specs give that are not on disk. */
  readonly missing: readonly string[];
  /** Files on disk that the specs do not give. */
  readonly extra: readonly string[];
  readonly unchanged: readonly string[];
}

export function isUpToDate(plan: OutputPlan): boolean {
  return plan.stale.length === 0 && plan.missing.length === 0 && plan.extra.length === 0;
}

export async function planOutput(outDir: string, files: readonly GeneratedFile[]): Promise<OutputPlan> {
  const onDisk = new Set((await listFiles(outDir)).map((file) => path.relative(outDir, file).split(path.sep).join('/')));
  const stale: string[] = [];
  const missing: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    if (!onDisk.has(file.path)) missing.push(file.path);
    else if ((await readFile(path.join(outDir, file.path), 'utf8')) === file.content) unchanged.push(file.path);
    else stale.push(file.path);
    onDisk.delete(file.path);
  }
  return { stale, missing, extra: [...onDisk].sort(), unchanged };
}
