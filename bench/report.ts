/**
 * What every benchmark suite returns: rows measured against a named anchor in the same run.
 * `bench/run.ts` prints them as tables and writes them to bench/results/<suite>.json.
 */
export interface BenchRow {
  readonly task: string;
  /** The figure, in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** What the figure is compared with, measured in the same run (e.g. "node -e '' start-up"). */
  readonly anchor?: string;
  /** value / anchor value, or anchor value / value for rates, so that < 1 or > 1 reads as the row says. */
  readonly ratio?: number;
  /** The target, in `unit`, and whether this row meets it. */
  readonly target?: number;
  readonly meetsTarget?: boolean;
  readonly note?: string;
}

export interface BenchReport {
  /** File name under bench/results/ (without .json) and the table's heading. */
  readonly suite: string;
  readonly rows: readonly BenchRow[];
}
