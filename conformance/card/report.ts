/** Console lines, JSON and JUnit for the card conformance suites. */
import type { JunitSuite } from '../report/junit.js';
import { summarizeChecks, type CheckResult } from './check.js';

export interface SuiteReport {
  /** 'jpki-ap' or 'gp-se'. */
  readonly suite: string;
  /** What was tested: "in-process reference (gpse)", "vpcd 127.0.0.1:35963", a reader name. */
  readonly target: string;
  /** Facts the suite learnt about the card (token profile, SCP03 "i", levels offered …). */
  readonly facts: Readonly<Record<string, string>>;
  readonly results: readonly CheckResult[];
}

export function formatCheckLine(result: CheckResult): string {
  const status = result.status.toUpperCase();
  const parts = [
    result.command === undefined || result.command === '' ? undefined : `command ${result.command}`,
    result.expected === undefined ? undefined : `expected ${result.expected}`,
    result.got === undefined ? undefined : `got ${result.got}`,
  ].filter((part): part is string => part !== undefined);
  const evidence = parts.length === 0 ? '' : ` [${parts.join('; ')}]`;
  if (result.status === 'skip') return `${status} ${result.id} — ${result.description}: skipped, ${result.reason ?? 'no reason given'}`;
  if (result.status === 'fail') return `${status} ${result.id} — ${result.description}: ${result.reason ?? 'failed'}${evidence}`;
  return `${status} ${result.id} — ${result.description}${evidence}`;
}

/** The closing lines: skips (if any) on their own line, then exactly `N passed, M failed`. */
export function formatSummaryLines(results: readonly CheckResult[]): string[] {
  const { passed, failed, skipped } = summarizeChecks(results);
  return [...(skipped === 0 ? [] : [`${skipped} skipped`]), `${passed} passed, ${failed} failed`];
}

export function toJunitSuites(report: SuiteReport): JunitSuite[] {
  return [
    {
      name: `${report.suite}: ${report.target}`,
      cases: report.results.map((result) => ({
        name: `${result.id} — ${result.description}`,
        ...(result.status === 'fail' ? { failure: formatCheckLine(result) } : {}),
        ...(result.status === 'skip' ? { skipped: result.reason ?? 'skipped' } : {}),
      })),
    },
  ];
}

export function toJsonReport(report: SuiteReport): unknown {
  const summary = summarizeChecks(report.results);
  return { ok: summary.failed === 0, suite: report.suite, target: report.target, facts: report.facts, ...summary, checks: report.results };
}
