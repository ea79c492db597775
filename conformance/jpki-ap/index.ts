/**
 * `jpkigen conformance jpki-ap`: checks a JPKI-AP implementation command by command against
 * spec/apdu/jpki-ap.yaml and the PIN life cycles, through any CardConnection.
 */
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { runChecks, type Check, type CheckResult } from '../card/check.js';
import type { SuiteReport } from '../card/report.js';
import { channelChecks } from './channel-checks.js';
import { errorPathChecks } from './error-checks.js';
import { certificateChecks, fileAccessChecks, selectionChecks } from './file-checks.js';
import { leftAsFoundChecks, pinCountingChecks } from './pin-checks.js';
import { JpkiApSession, type JpkiApSuiteOptions } from './session.js';
import { signatureChecks } from './signature-checks.js';

export { JPKI_AP_PROFILES, PINS, type JpkiApProfile, type JpkiApSuiteOptions, type PinName } from './session.js';

/** Every check in run order: profile first, certificates before the signatures that need their keys, counters last. */
export function jpkiApChecks(): readonly Check<JpkiApSession>[] {
  return [...selectionChecks(), ...fileAccessChecks(), ...certificateChecks(), ...pinCountingChecks(), ...signatureChecks(), ...channelChecks(), ...errorPathChecks(), ...leftAsFoundChecks()];
}

export interface RunJpkiApOptions extends JpkiApSuiteOptions {
  /** Shown in the report: what the connection reaches. */
  readonly target: string;
  readonly only?: readonly string[];
  readonly onResult?: (result: CheckResult) => void;
}

export async function runJpkiApConformance(connection: CardConnection, options: RunJpkiApOptions): Promise<SuiteReport> {
  const session = new JpkiApSession(connection, options);
  const results = await runChecks(jpkiApChecks(), session, {
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  });
  // Leave the card with no PIN verified; a card already gone must not cost the report.
  await connection.reset().catch(() => undefined);
  session.facts['apdus'] = String(session.exchangeCount);
  return { suite: 'jpki-ap', target: options.target, facts: { ...session.facts }, results };
}
