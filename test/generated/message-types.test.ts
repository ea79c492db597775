/**
 * The generated types as a consumer writes against them. Most checks here are compile-time:
 * `npm test` type-checks this file strictly, so a union that stops narrowing or an optional
 * property that starts admitting `undefined` fails the run.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  parseRevocationStatus,
  parseVerificationDecision,
  type AuthRequest,
  type RevocationStatus,
  type VerificationDecision,
  type VerificationReason,
} from '../../generated/messages/index.js';

function reasonsOf(decision: VerificationDecision): VerificationReason[] {
  // Narrowing on the discriminator must reach the branch's own properties.
  return decision.decision === 'invalid' ? decision.reasons : [];
}

function revokedAt(status: RevocationStatus): string | undefined {
  switch (status.status) {
    case 'revoked':
      return status.revokedAt;
    case 'good':
    case 'unknown':
      return undefined;
  }
}

describe('generated message types', () => {
  it('discriminate unions by their tag', () => {
    expectTypeOf<VerificationDecision['decision']>().toEqualTypeOf<'valid' | 'invalid'>();
    expectTypeOf<RevocationStatus['status']>().toEqualTypeOf<'good' | 'revoked' | 'unknown'>();
    expectTypeOf<AuthRequest['codeChallengeMethod']>().toEqualTypeOf<'S256'>();
  });

  it('close objects that forbid additional properties', () => {
    // @ts-expect-error AuthRequest declares additionalProperties: false
    const extra: AuthRequest = { ...({} as AuthRequest), surplus: 1 };
    expect(extra).toBeDefined();
  });

  it('keep optional properties exact: absent, never undefined', () => {
    type Unknown = Extract<RevocationStatus, { status: 'unknown' }>;
    // @ts-expect-error exactOptionalPropertyTypes: an optional property does not take undefined
    const withUndefined: Unknown = { status: 'unknown', caId: 'authca03', serialNumber: '01', source: 'ocsp', detail: undefined };
    expect(withUndefined).toBeDefined();
  });

  it('parse into values the narrowing functions handle', () => {
    const decision = parseVerificationDecision({
      decision: 'invalid',
      reasons: [{ code: 'signatureMismatch' }],
      checkedAt: '2026-11-26T03:00:00Z',
    });
    expect(reasonsOf(decision)).toEqual([{ code: 'signatureMismatch' }]);
    const status = parseRevocationStatus({
      status: 'revoked',
      caId: 'signca03',
      serialNumber: '0A1B2C',
      reason: 'keyCompromise',
      revokedAt: '2026-11-20T01:02:03Z',
      source: 'crl',
      thisUpdate: '2026-11-25T15:00:00Z',
      nextUpdate: '2026-11-26T15:00:00Z',
    });
    expect(revokedAt(status)).toBe('2026-11-20T01:02:03Z');
  });
});
