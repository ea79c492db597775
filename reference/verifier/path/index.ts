/**
 * Certification path validation for the reference verifier: RFC 5280 §6.1 basic path
 * validation, §6.3 CRL processing and RFC 6960 OCSP, over DER inputs decoded with the generated
 * codecs. Every outcome is a value: malformed input gives a typed invalid result, never a throw.
 */
import type { VerificationReasonCode } from '../../../generated/messages/types.js';
import { buildPath } from './build-path.js';
import { parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import { parseCrl, type ParsedCrl } from './parsed-crl.js';
import { PathFailure, reasonForPathError, type PathErrorCode } from './path-errors.js';
import { ANY_POLICY } from './policy-tree.js';
import { crlStatus, ocspStatus, type CertificateRevocation, type RevocationSources } from './revocation.js';
import { validateBasicPath, validateBasicPathRecalling } from './validate.js';

export type { PathErrorCode } from './path-errors.js';
export type { CertificateRevocation, RevocationStatus } from './revocation.js';
export { ANY_POLICY } from './policy-tree.js';

export interface PathValidationPolicy {
  /** user-initial-policy-set (§6.1.1 (c)); anyPolicy when absent. */
  initialPolicySet?: readonly string[];
  explicitPolicy?: boolean;
  inhibitPolicyMapping?: boolean;
  inhibitAnyPolicy?: boolean;
}

export interface PathValidationInput {
  /** DER, leaf first; may include the anchor at the end, and extra certificates (CRL signers). */
  certificates: readonly Uint8Array[];
  /** DER certificates taken as trust anchors (their subject name and public key). */
  trustAnchors: readonly Uint8Array[];
  /** DER CertificateLists, complete and delta. */
  crls?: readonly Uint8Array[];
  /** DER OCSPResponse. */
  ocspResponses?: readonly Uint8Array[];
  /** Time to validate at; now when absent. */
  time?: Date;
  policy?: PathValidationPolicy;
  /** 'ifAvailable' (default) checks what is given; 'require' needs a good answer for every non-anchor certificate. */
  revocation?: 'require' | 'ifAvailable' | 'none';
}

export interface ValidatedPath {
  anchor: Uint8Array;
  /** Leaf first, without the anchor. */
  certificates: readonly Uint8Array[];
  /** The user-constrained policy set (§6.1.5 (g)), in the trust anchor's policy domain. */
  validPolicies: readonly string[];
  revocation: readonly CertificateRevocation[];
  /** The leaf's SubjectPublicKeyInfo DER. */
  workingPublicKey: Uint8Array;
}

export interface PathFailureDetail {
  code: PathErrorCode;
  /** Position in the path, leaf first (0 is the leaf). */
  certificateIndex?: number;
  message: string;
}

export type PathValidationResult =
  | { valid: true; path: ValidatedPath }
  | { valid: false; reason: VerificationReasonCode; detail: PathFailureDetail; path?: Partial<ValidatedPath> };

/** How deep CRL-signer certificates are themselves validated before giving up. */
const MAX_SIGNER_DEPTH = 2;

function invalid(failure: PathFailure, path?: Partial<ValidatedPath>): PathValidationResult {
  return {
    valid: false,
    reason: reasonForPathError(failure.code),
    detail: { code: failure.code, ...(failure.certificateIndex === undefined ? {} : { certificateIndex: failure.certificateIndex }), message: failure.message },
    ...(path === undefined ? {} : { path }),
  };
}

function parseAnchors(ders: readonly Uint8Array[]): ParsedCertificate[] {
  const anchors: ParsedCertificate[] = [];
  for (const der of ders) {
    try {
      anchors.push(parseCertificate(der));
    } catch (error) {
      if (!(error instanceof PathFailure)) throw error;
    }
  }
  if (anchors.length === 0) throw new PathFailure(ders.length === 0 ? 'noTrustAnchor' : 'malformedTrustAnchor', ders.length === 0 ? 'no trust anchors were given' : 'no trust anchor decodes');
  return anchors;
}

function parseCertificates(ders: readonly Uint8Array[]): ParsedCertificate[] {
  return ders.map((der, index) => {
    try {
      return parseCertificate(der);
    } catch (error) {
      if (error instanceof PathFailure) throw new PathFailure(error.code, error.message, index);
      throw error;
    }
  });
}

interface RevocationRequest {
  readonly chain: readonly ParsedCertificate[];
  readonly anchor: ParsedCertificate;
  readonly mode: 'require' | 'ifAvailable';
  readonly sources: RevocationSources;
}

function revocationOf(request: RevocationRequest): CertificateRevocation[] {
  const { chain, anchor, mode, sources } = request;
  return chain.map((certificate, index) => {
    const issuer = chain[index + 1] ?? anchor;
    const fromOcsp = sources.ocspResponses.length > 0 ? ocspStatus(certificate, issuer, sources, index) : undefined;
    if (fromOcsp !== undefined && fromOcsp.status !== 'unknown') return fromOcsp;
    const fromCrl = crlStatus(certificate, issuer, sources, index);
    if (fromCrl.status !== 'unknown') return fromCrl;
    const unknown = fromOcsp ?? fromCrl;
    // 'ifAvailable' with no revocation data at all: nothing was checked, which is not "unknown".
    const anythingGiven = fromOcsp !== undefined || sources.crls.length > 0;
    if (mode === 'ifAvailable' && !anythingGiven) return { certificateIndex: index, status: 'notChecked' };
    return unknown;
  });
}

function revocationFailure(entries: readonly CertificateRevocation[], mode: 'require' | 'ifAvailable'): PathFailure | undefined {
  for (const entry of entries) {
    if (entry.status === 'revoked') {
      const onHold = entry.reason === 'certificateHold';
      return new PathFailure(onHold ? 'certificateOnHold' : 'certificateRevoked', `revoked${entry.reason === undefined ? '' : ` (${entry.reason})`}${entry.revokedAt === undefined ? '' : ` at ${entry.revokedAt.toISOString()}`}, per ${entry.source ?? 'revocation data'}`, entry.certificateIndex);
    }
  }
  if (mode === 'require') {
    for (const entry of entries) {
      if (entry.status !== 'good') return new PathFailure('revocationUnknown', entry.note ?? 'no CRL or OCSP response establishes the status', entry.certificateIndex);
    }
  }
  return undefined;
}

interface Context {
  readonly time: Date;
  readonly crls: readonly ParsedCrl[];
  readonly ocspResponses: readonly Uint8Array[];
  readonly mode: 'require' | 'ifAvailable' | 'none';
  readonly depth: number;
  readonly signersUnderValidation: readonly ParsedCertificate[];
}

const DEFAULT_POLICY_INPUTS: Parameters<typeof validateBasicPath>[3] = {
  initialPolicySet: new Set([ANY_POLICY]),
  initialExplicitPolicy: false,
  initialPolicyMappingInhibit: false,
  initialAnyPolicyInhibit: false,
};

function policyInputs(policy: PathValidationPolicy | undefined): Parameters<typeof validateBasicPath>[3] {
  if (policy === undefined) return DEFAULT_POLICY_INPUTS;
  return {
    initialPolicySet: new Set(policy?.initialPolicySet ?? [ANY_POLICY]),
    initialExplicitPolicy: policy?.explicitPolicy === true,
    initialPolicyMappingInhibit: policy?.inhibitPolicyMapping === true,
    initialAnyPolicyInhibit: policy?.inhibitAnyPolicy === true,
  };
}

function validateParsed(leafFirst: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], policy: PathValidationPolicy | undefined, context: Context): PathValidationResult {
  const [leaf, ...rest] = leafFirst;
  if (leaf === undefined) return invalid(new PathFailure('emptyPath', 'no certificates were given'));
  const built = buildPath(leaf, rest, anchors);
  const partial: Partial<ValidatedPath> = { anchor: built.anchor.der, certificates: built.chain.map((certificate) => certificate.der), workingPublicKey: leaf.spkiDer };
  let basic: ReturnType<typeof validateBasicPath>;
  try {
    basic = validateBasicPathRecalling(built.chain, built.anchor, context.time, policyInputs(policy));
  } catch (error) {
    if (error instanceof PathFailure) return invalid(error, partial);
    throw error;
  }
  const { validPolicies, workingPublicKey, inheritedKeys } = basic;
  let revocation: CertificateRevocation[];
  if (context.mode === 'none') {
    revocation = built.chain.map((_certificate, index) => ({ certificateIndex: index, status: 'notChecked' }));
  } else {
    const mode = context.mode;
    const otherCertificates = built.unused;
    const sources: RevocationSources = {
      time: context.time,
      crls: context.crls,
      ocspResponses: context.ocspResponses,
      otherCertificates,
      validatedCertificates: [built.anchor, ...built.chain.slice(1), ...context.signersUnderValidation],
      keyOf: (certificate) => inheritedKeys.get(certificate) ?? certificate.spkiDer,
      validateSigner: (signer) => {
        if (context.depth >= MAX_SIGNER_DEPTH) return false;
        // The signer's own status may come from a CRL it signed itself (PKITS 4.14.30): while its
        // path is validated, it counts as a CRL signer.
        const nested: Context = { ...context, depth: context.depth + 1, signersUnderValidation: [...context.signersUnderValidation, signer] };
        const result = validateParsed([signer, ...built.chain.slice(1), ...otherCertificates.filter((other) => other !== signer)], [built.anchor], undefined, nested);
        return result.valid;
      },
    };
    revocation = revocationOf({ chain: built.chain, anchor: built.anchor, mode, sources });
    const failure = revocationFailure(revocation, mode);
    if (failure !== undefined) return invalid(failure, { ...partial, validPolicies, revocation, workingPublicKey });
  }
  return { valid: true, path: { anchor: built.anchor.der, certificates: partial.certificates ?? [], validPolicies, revocation, workingPublicKey } };
}

export function verifyCertificatePath(input: PathValidationInput): PathValidationResult {
  try {
    const certificates = parseCertificates(input.certificates);
    const anchors = parseAnchors(input.trustAnchors);
    const crls: ParsedCrl[] = [];
    for (const der of input.crls ?? []) {
      // An undecodable CRL is simply not evidence; 'require' then reports the status as unknown.
      const parsed = parseCrl(der);
      if (!(parsed instanceof Error)) crls.push(parsed);
    }
    const time = input.time ?? new Date();
    if (Number.isNaN(time.getTime())) return invalid(new PathFailure('invalidInput', 'the validation time is not a valid date'));
    return validateParsed(certificates, anchors, input.policy, { time, crls, ocspResponses: input.ocspResponses ?? [], mode: input.revocation ?? 'ifAvailable', depth: 0, signersUnderValidation: [] });
  } catch (error) {
    if (error instanceof PathFailure) return invalid(error);
    return invalid(new PathFailure('internalError', `unexpected failure: ${(error as Error).message}`));
  }
}
