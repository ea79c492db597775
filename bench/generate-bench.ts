/**
 * The generator's speed: whole CLI runs in fresh processes, against the targets and against the
 * bare start-up of Node (the floor no CLI run can go below).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageRoot } from '../generator/package-root.js';
import { timeCommand } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const RUNS = 7;

export async function runGenerateBench(): Promise<BenchReport> {
  const cli = path.join(packageRoot, 'bin', 'jpkigen.js');
  const project = mkdtempSync(path.join(tmpdir(), 'jpkigen-bench-'));
  cpSync(path.join(packageRoot, 'spec'), path.join(project, 'spec'), { recursive: true });
  const clean = () => {
    rmSync(path.join(project, 'generated'), { recursive: true, force: true });
    rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
  };
  const anchor = 'node -e "" start-up';
  const nodeStartup = timeCommand(['-e', ''], RUNS).medianMs;
  const row = (task: string, args: string[], target?: number, before?: () => void): BenchRow => {
    const { medianMs } = timeCommand(args, RUNS, before);
    return {
      task,
      value: medianMs,
      unit: 'ms',
      anchor,
      ratio: round(medianMs / nodeStartup),
      ...(target === undefined ? {} : { target, meetsTarget: medianMs <= target }),
    };
  };
  try {
    return {
      suite: 'generate',
      rows: [
        { task: 'node start-up (anchor)', value: nodeStartup, unit: 'ms', anchor, ratio: 1 },
        row('jpkigen --version', [cli, '--version']),
        row('generate, cold (no output, no cache)', [cli, 'generate', '--root', project], 2000, clean),
        row('generate --force, format cache warm', [cli, 'generate', '--force', '--root', project]),
        row('generate, no change', [cli, 'generate', '--root', project], 500),
        row('check (full in-memory regeneration)', [cli, 'check', '--root', project]),
      ],
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
