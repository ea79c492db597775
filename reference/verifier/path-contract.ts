/**
 * The contract of the RFC 5280 path validator (reference/verifier/path/index.ts) as this part of
 * the verifier uses it, so the verifier can be given another implementation (tests, a stricter
 * policy) without depending on its internals.
 */
import type { VerificationReasonCode } from '../../generated/messages/types.js';

export interface PathRevocationEntry {
  readonly certificateIndex: number;
  readonly status: 'good' | 'revoked' | 'unknown' | 'notChecked';
  readonly source?: 'crl' | 'ocsp';
  readonly reason?: string;
  readonly revokedAt?: Date;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
}

export interface PathValidationInput {
  readonly certificates: readonly Uint8Array[];
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
  readonly time?: Date;
  readonly policy?: { readonly initialPolicySet?: readonly string[]; readonly explicitPolicy?: boolean; readonly inhibitPolicyMapping?: boolean; readonly inhibitAnyPolicy?: boolean };
  readonly revocation?: 'require' | 'ifAvailable' | 'none';
}

export interface ValidPath {
  readonly anchor: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly validPolicies: readonly string[];
  readonly revocation: readonly PathRevocationEntry[];
  readonly workingPublicKey: Uint8Array;
}

export type PathValidationResult =
  | { readonly valid: true; readonly path: ValidPath }
  | { readonly valid: false; readonly reason: VerificationReasonCode; readonly detail: { readonly code: string; readonly certificateIndex?: number; readonly message: string }; readonly path?: object };

export type PathValidator = (input: PathValidationInput) => PathValidationResult;
