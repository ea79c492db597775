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

/**
 * Operations per second of `operation`, called with 0, 1, 2 … in batches for at least
 * `durationMs` after `warmUp` calls: long enough for the JIT to settle, short enough to repeat.
 */
export function operationsPerSecond(operation: (index: number) => unknown, options: { warmUp?: number; batch?: number; durationMs?: number } = {}): number {
  const { warmUp = 2_000, batch = 500, durationMs = 1_000 } = options;
  for (let index = 0; index < warmUp; index += 1) operation(index);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let index = 0; index < batch; index += 1) operation(count + index);
    count += batch;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}
