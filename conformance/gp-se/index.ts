/**
 * `jpkigen conformance gp-se`: checks a GlobalPlatform card manager — SCP03 at every level it
 * offers, the registry and life cycles, and the JPKI applet's install / lock / unlock / delete —
 * through any CardConnection, leaving the card content as it was found.
 */
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { runChecks, type Check, type CheckResult } from '../card/check.js';
import type { SuiteReport } from '../card/report.js';
import { contentChecks, registryChecks } from './content-checks.js';
import { scp03Checks } from './scp03-checks.js';
import { GpSeSession, type GpSeSuiteOptions } from './session.js';

export { CONFORMANCE_INSTANCE_AID, JPKI_INSTANCE_AID } from './content-checks.js';
export type { GpSeSuiteOptions } from './session.js';

export function gpSeChecks(): readonly Check<GpSeSession>[] {
  return [...scp03Checks(), ...registryChecks(), ...contentChecks()];
}

export interface RunGpSeOptions extends GpSeSuiteOptions {
  readonly target: string;
  readonly only?: readonly string[];
  readonly onResult?: (result: CheckResult) => void;
}

export async function runGpSeConformance(connection: CardConnection, options: RunGpSeOptions): Promise<SuiteReport> {
  const session = new GpSeSession(connection, options);
  const results = await runChecks(gpSeChecks(), session, {
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  });
  // End the last secure channel; a card already gone must not cost the report.
  await connection.reset().catch(() => undefined);
  session.facts['apdus'] = String(session.exchangeCount);
  return { suite: 'gp-se', target: options.target, facts: { ...session.facts }, results };
}
