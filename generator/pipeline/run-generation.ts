/**
 * `generate` and `check` as library calls. The no-change path reads and hashes inputs and
 * outputs only; the generator proper (ts-morph, ajv, prettier) is loaded when something changed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from '../emitters/emitter.js';
import { isUpToDate, planOutput, type OutputPlan } from '../writer/output-plan.js';
import { writeOutput } from '../writer/write-output.js';
import type { GenerationSummary } from './generate.js';
import { collectInputs, listFiles, sha256 } from './inputs.js';
import type { ProjectLayout } from './project-layout.js';

export interface GenerateResult {
  /** True when nothing had to be written. */
  readonly upToDate: boolean;
  readonly written: readonly string[];
  readonly removed: readonly string[];
  /** Absent when the no-change path answered without generating. */
  readonly summary: GenerationSummary | undefined;
}

export interface CheckResult {
  readonly upToDate: boolean;
  readonly plan: OutputPlan;
  readonly summary: GenerationSummary;
}

/** Brings generated/ up to date with spec/. Throws SpecError, leaving generated/ untouched, on a bad spec. */
export async function generate(layout: ProjectLayout, options: { force?: boolean } = {}): Promise<GenerateResult> {
  const inputs = await collectInputs(layout);
  if (options.force !== true && (await matchesLastRun(layout, inputs.fingerprint))) {
    return { upToDate: true, written: [], removed: [], summary: undefined };
  }
  const { generateFromInputs } = await import('./generate.js');
  const generation = await generateFromInputs(layout, inputs);
  const plan = await planOutput(layout.outDir, generation.files);
  await writeOutput(layout.outDir, generation.files, plan);
  await recordLastRun(layout, inputs.fingerprint, generation.files);
  return { upToDate: isUpToDate(plan), written: [...plan.stale, ...plan.missing], removed: plan.extra, summary: generation.summary };
}

/** Compares generated/ with what spec/ gives, in full, writing nothing. */
export async function check(layout: ProjectLayout): Promise<CheckResult> {
  const inputs = await collectInputs(layout);
  const { generateFromInputs } = await import('./generate.js');
  const generation = await generateFromInputs(layout, inputs);
  const plan = await planOutput(layout.outDir, generation.files);
  return { upToDate: isUpToDate(plan), plan, summary: generation.summary };
}

/**
 * The record of the last successful generation: its fingerprint and the hash of each output.
 * It lives in the cache folder, never in generated/, so it does not depend on where the
 * generator runs from.
 */
interface LastRun {
  readonly fingerprint: string;
  readonly outputs: Readonly<Record<string, string>>;
}

async function matchesLastRun(layout: ProjectLayout, fingerprint: string): Promise<boolean> {
  if (layout.cacheDir === undefined) return false;
  let lastRun: LastRun;
  try {
    lastRun = JSON.parse(await readFile(path.join(layout.cacheDir, 'last-run.json'), 'utf8')) as LastRun;
  } catch {
    return false;
  }
  if (lastRun.fingerprint !== fingerprint) return false;
  const onDisk = (await listFiles(layout.outDir)).map((file) => path.relative(layout.outDir, file).split(path.sep).join('/'));
  if (onDisk.length !== Object.keys(lastRun.outputs).length) return false;
  for (const file of onDisk) {
    const expected = lastRun.outputs[file];
    if (expected === undefined || sha256(await readFile(path.join(layout.outDir, file))) !== expected) return false;
  }
  return true;
}

async function recordLastRun(layout: ProjectLayout, fingerprint: string, files: readonly GeneratedFile[]): Promise<void> {
  if (layout.cacheDir === undefined) return;
  const lastRun: LastRun = { fingerprint, outputs: Object.fromEntries(files.map((file) => [file.path, sha256(file.content)])) };
  await mkdir(layout.cacheDir, { recursive: true });
  const target = path.join(layout.cacheDir, 'last-run.json');
  await writeFile(`${target}.${process.pid}.tmp`, JSON.stringify(lastRun));
  await rename(`${target}.${process.pid}.tmp`, target);
}
