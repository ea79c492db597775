/**
 * Tests over data sets written by others (bench/fixtures/external-vectors.ts says where they are
 * looked for): with the data present the suite runs; without it one skipped test names what is
 * missing and where to put it, so a clean clone passes and says what it did not run.
 */
import { describe, it } from 'vitest';
import { locateExternalVectors, type ExternalVectorSet } from '../../bench/fixtures/external-vectors.js';

export { PKITS_VECTORS, STRIPE_OPENAPI_VECTORS, WYCHEPROOF_VECTORS, locateExternalVectors, type ExternalVectorSet, type VectorLocation } from '../../bench/fixtures/external-vectors.js';

/** `describe(title, …)` with the folder holding the set, or a skipped test saying what is missing. */
export function describeWithExternalVectors(set: ExternalVectorSet, title: string, body: (folder: string) => void): void {
  const location = locateExternalVectors(set);
  if (location.found) describe(title, () => body(location.folder));
  else it.skip(`${title} (SKIPPED: ${location.missing})`, () => undefined);
}
