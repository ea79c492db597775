/** Console lines for `jpkigen conformance scp03`: one per file, then the `N passed, M failed` summary. */
import path from 'node:path';
import type { Scp03ReplayResult } from './replay.js';

/** How many failing checks a FAIL line spells out before summarising the rest. */
const DETAILS_PER_LINE = 2;

export function formatScp03ReplayLine(result: Scp03ReplayResult): string {
  const label = result.file === undefined ? (result.name ?? '(unnamed)') : path.basename(result.file);
  const context = [result.side, result.protocol].filter((part) => part !== undefined).join(', ');
  const passedChecks = result.checks.filter((check) => check.ok).length;
  if (result.passed) return `PASS ${label} (${context}; ${passedChecks} checks)`;
  const failures = result.checks.filter((check) => !check.ok);
  const shown = failures.slice(0, DETAILS_PER_LINE).map((check) => `${check.step}: ${check.detail ?? 'failed'}`);
  const more = failures.length > DETAILS_PER_LINE ? `; and ${failures.length - DETAILS_PER_LINE} more` : '';
  const detail = shown.length === 0 ? 'no checks ran' : shown.join('; ');
  return `FAIL ${label} (${context}; ${passedChecks}/${result.checks.length} checks): ${detail}${more}`;
}

export function summarizeScp03Results(results: readonly Scp03ReplayResult[]): { readonly passed: number; readonly failed: number } {
  const passed = results.filter((result) => result.passed).length;
  return { passed, failed: results.length - passed };
}

/** One line per file and the closing `N passed, M failed` line. */
export function formatScp03ReplayLines(results: readonly Scp03ReplayResult[]): string[] {
  const { passed, failed } = summarizeScp03Results(results);
  return [...results.map(formatScp03ReplayLine), `${passed} passed, ${failed} failed`];
}
