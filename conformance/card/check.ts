/**
 * The check runner shared by the card conformance suites (jpki-ap, gp-se): a suite is an ordered
 * list of checks, each talking to one card; every check ends PASS, FAIL or SKIP with the command
 * it judged and what was expected against what came back.
 */
import { JpkigenError } from '../../runtime/errors.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** What a check looked at last: the command (hex or name), the expectation and the card's answer. */
export interface CheckEvidence {
  readonly command?: string;
  readonly expected?: string;
  readonly got?: string;
}

export interface CheckResult extends CheckEvidence {
  readonly id: string;
  readonly description: string;
  readonly status: CheckStatus;
  /** Why a check failed (beyond expected/got) or was skipped. */
  readonly reason?: string;
}

/** A check found the card wrong. */
export class CheckFailure extends JpkigenError {
  readonly evidence: CheckEvidence;

  constructor(message: string, evidence: CheckEvidence = {}, options?: ErrorOptions) {
    super('CHECK_FAILED', message, options);
    this.evidence = evidence;
  }
}

/** A check cannot run on this card or with these options (nothing was judged). */
export class CheckSkipped extends JpkigenError {
  constructor(reason: string) {
    super('CHECK_SKIPPED', reason);
  }
}

export interface Check<C> {
  readonly id: string;
  readonly description: string;
  /** Resolves to the evidence of a pass; throws CheckFailure or CheckSkipped otherwise. */
  run(context: C): Promise<CheckEvidence | undefined>;
}

/**
 * Something each check's context offers so that the runner can name the last exchange in a FAIL
 * line even when the failure came from a transport error rather than a CheckFailure.
 */
export interface EvidenceSource {
  lastEvidence(): CheckEvidence;
  /** Forget the previous check's exchanges. */
  clearEvidence(): void;
}

export interface RunChecksOptions {
  /** Ids (or id prefixes ending in '.') to run; all when absent. */
  readonly only?: readonly string[];
  /** Called after each check, e.g. to print a line as soon as it is known. */
  readonly onResult?: (result: CheckResult) => void;
}

/**
 * Runs checks in order. A failing check never stops the suite: later checks start from whatever
 * state it left, which is why every check that changes the card restores it in a finally block.
 */
export async function runChecks<C extends EvidenceSource>(checks: readonly Check<C>[], context: C, options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (options.only !== undefined && !options.only.some((wanted) => matchesCheckId(wanted, check.id))) continue;
    context.clearEvidence();
    const result = await runOneCheck(check, context);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

function matchesCheckId(wanted: string, id: string): boolean {
  return wanted.endsWith('.') ? id.startsWith(wanted) : wanted === id;
}

async function runOneCheck<C extends EvidenceSource>(check: Check<C>, context: C): Promise<CheckResult> {
  const base = { id: check.id, description: check.description };
  try {
    const evidence = (await check.run(context)) ?? context.lastEvidence();
    return { ...base, status: 'pass', ...evidence };
  } catch (error) {
    if (error instanceof CheckSkipped) return { ...base, status: 'skip', reason: error.message };
    if (error instanceof CheckFailure) return { ...base, status: 'fail', ...context.lastEvidence(), ...error.evidence, reason: error.message };
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...base, status: 'fail', ...context.lastEvidence(), reason: message };
  }
}

export interface CheckSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarizeChecks(results: readonly CheckResult[]): CheckSummary {
  return {
    passed: results.filter((result) => result.status === 'pass').length,
    failed: results.filter((result) => result.status === 'fail').length,
    skipped: results.filter((result) => result.status === 'skip').length,
  };
}
