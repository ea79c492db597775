import type { VerificationReasonCode } from '../../../generated/messages/types.js';

/** Finer, stable reasons a certification path is rejected (RFC 5280 §6.1 and §6.3, RFC 6960). */
export type PathErrorCode =
  | 'emptyPath'
  | 'invalidInput'
  | 'malformedCertificate'
  | 'malformedExtension'
  | 'duplicateExtension'
  | 'unsupportedCertificateVersion'
  | 'malformedTrustAnchor'
  | 'noTrustAnchor'
  | 'nameChainingMismatch'
  | 'signatureInvalid'
  | 'unsupportedSignatureAlgorithm'
  | 'unsupportedPublicKey'
  | 'certificateNotYetValid'
  | 'certificateExpired'
  | 'unknownCriticalExtension'
  | 'notCertificateAuthority'
  | 'keyCertSignMissing'
  | 'pathLengthExceeded'
  | 'nameConstraintsViolated'
  | 'unsupportedNameConstraint'
  | 'policyMappingToOrFromAnyPolicy'
  | 'noValidPolicy'
  | 'policyTreeTooLarge'
  | 'certificateRevoked'
  | 'certificateOnHold'
  | 'revocationUnknown'
  | 'internalError';

/** Raised inside the algorithm and turned into an invalid result at the public boundary. */
export class PathFailure extends Error {
  readonly code: PathErrorCode;
  readonly certificateIndex: number | undefined;

  constructor(code: PathErrorCode, message: string, certificateIndex?: number) {
    super(message);
    this.name = 'PathFailure';
    this.code = code;
    this.certificateIndex = certificateIndex;
  }
}

const REASON_BY_CODE: Readonly<Record<PathErrorCode, VerificationReasonCode>> = {
  emptyPath: 'malformedCertificate',
  invalidInput: 'malformedCertificate',
  malformedCertificate: 'malformedCertificate',
  malformedExtension: 'malformedCertificate',
  duplicateExtension: 'malformedCertificate',
  unsupportedCertificateVersion: 'malformedCertificate',
  malformedTrustAnchor: 'untrustedIssuer',
  noTrustAnchor: 'untrustedIssuer',
  nameChainingMismatch: 'untrustedIssuer',
  signatureInvalid: 'signatureMismatch',
  unsupportedSignatureAlgorithm: 'algorithmNotAllowed',
  unsupportedPublicKey: 'algorithmNotAllowed',
  certificateNotYetValid: 'certificateNotYetValid',
  certificateExpired: 'certificateExpired',
  unknownCriticalExtension: 'malformedCertificate',
  notCertificateAuthority: 'untrustedIssuer',
  keyCertSignMissing: 'keyUsageMismatch',
  pathLengthExceeded: 'untrustedIssuer',
  nameConstraintsViolated: 'untrustedIssuer',
  unsupportedNameConstraint: 'untrustedIssuer',
  policyMappingToOrFromAnyPolicy: 'policyMismatch',
  noValidPolicy: 'policyMismatch',
  policyTreeTooLarge: 'policyMismatch',
  certificateRevoked: 'certificateRevoked',
  certificateOnHold: 'certificateOnHold',
  revocationUnknown: 'revocationUnknown',
  internalError: 'malformedCertificate',
};

export function reasonForPathError(code: PathErrorCode): VerificationReasonCode {
  return REASON_BY_CODE[code];
}
