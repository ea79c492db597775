import { spawnSync } from 'node:child_process';

export interface Measurement {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** Times a whole command in a fresh process, as a user meets it: Node start-up included. */
export function timeCommand(args: readonly string[], runs: number, before?: () => void): Measurement {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    before?.();
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'pipe', encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${String(result.status)}: ${result.stderr}`);
    samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return {
    medianMs: round(samples[Math.floor(samples.length / 2)] ?? 0),
    minMs: round(samples[0] ?? 0),
    maxMs: round(samples[samples.length - 1] ?? 0),
    runs,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
