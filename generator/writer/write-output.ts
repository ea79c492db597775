import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from '../emitters/emitter.js';
import type { OutputPlan } from './output-plan.js';

/**
 * Applies a plan: writes only the files whose content changed and removes the ones no spec gives.
 * Every new content goes to a temporary file first; only when all are written are they renamed
 * into place, so a failure half-way never leaves a mix of old and new files.
 */
export async function writeOutput(outDir: string, files: readonly GeneratedFile[], plan: OutputPlan): Promise<void> {
  const toWrite = new Set([...plan.stale, ...plan.missing]);
  const pending = files.filter((file) => toWrite.has(file.path));
  const temporaries: { temporary: string; target: string }[] = [];
  try {
    for (const file of pending) {
      const target = path.join(outDir, file.path);
      const temporary = `${target}.${process.pid}.jpkigen-tmp`;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temporary, file.content);
      temporaries.push({ temporary, target });
    }
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  for (const { temporary, target } of temporaries) await rename(temporary, target);
  for (const extra of plan.extra) await rm(path.join(outDir, extra), { force: true });
}
