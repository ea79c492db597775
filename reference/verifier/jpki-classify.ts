/**
 * Which JPKI certificate a certificate is: signature or user authentication, card or smartphone,
 * by its certificatePolicies (jpki.md §2.2–2.4), and the JPKI checks on policy and key usage.
 */
import type { CertificateCarrier, CertificateKind, VerificationReason } from '../../generated/messages/types.js';
import type { CertificateFacts } from './certificate-facts.js';
import { kindOfCaName } from './jpki-anchors.js';

export interface JpkiPolicy {
  readonly kind: CertificateKind;
  readonly carrier: CertificateCarrier;
  readonly test: boolean;
  readonly provenance: 'public' | 'modelled';
}

/**
 * Card policies: public (jpki.md §2.2, §2.3; the test-card signature policy per ZeroKeyMate notes).
 * Smartphone policies are modelled: `…1.1.40` is the only mobile OID the public record mentions
 * (unverified, jpki.md §2.4); the user-authentication one mirrors it on the authenticate arc
 * (`…1.3` + `.40`), as spec/profiles models it.
 */
export const JPKI_POLICIES: ReadonlyMap<string, JpkiPolicy> = new Map([
  ['1.2.392.200149.8.5.1.1.20', { kind: 'signature', carrier: 'card', test: false, provenance: 'public' }],
  ['1.2.392.200149.8.5.1.0.20', { kind: 'signature', carrier: 'card', test: true, provenance: 'public' }],
  ['1.2.392.200149.8.5.1.3.30', { kind: 'userAuthentication', carrier: 'card', test: false, provenance: 'public' }],
  ['1.2.392.200149.8.5.1.1.40', { kind: 'signature', carrier: 'smartphone', test: false, provenance: 'modelled' }],
  ['1.2.392.200149.8.5.1.3.40', { kind: 'userAuthentication', carrier: 'smartphone', test: false, provenance: 'modelled' }],
]);

export interface CertificateClass {
  readonly kind: CertificateKind;
  readonly carrier: CertificateCarrier;
  /** The JPKI policy the classification rests on, when the certificate carries one. */
  readonly policyOid?: string;
  /** How the kind was found: a JPKI policy OID, else the issuer's DN, else the key usage. */
  readonly basis: 'policy' | 'issuerName' | 'keyUsage';
}

const classCache = new WeakMap<CertificateFacts, CertificateClass>();

export function classifyCertificate(facts: CertificateFacts): CertificateClass {
  const known = classCache.get(facts);
  if (known !== undefined) return known;
  const classification = classify(facts);
  classCache.set(facts, classification);
  return classification;
}

function classify(facts: CertificateFacts): CertificateClass {
  const policyOid = facts.policyOids.find((oid) => JPKI_POLICIES.has(oid));
  const policy = policyOid === undefined ? undefined : JPKI_POLICIES.get(policyOid);
  if (policy !== undefined && policyOid !== undefined) return { kind: policy.kind, carrier: policy.carrier, policyOid, basis: 'policy' };
  const byIssuer = kindOfCaName(facts.issuerName);
  if (byIssuer !== undefined) return { kind: byIssuer, carrier: 'card', basis: 'issuerName' };
  return { kind: facts.keyUsage.has('nonRepudiation') ? 'signature' : 'userAuthentication', carrier: 'card', basis: 'keyUsage' };
}

/**
 * The JPKI end-entity checks that do not need the profile linter: one JPKI policy that agrees with
 * the issuing CA's kind, and the key usage of the kind (digitalSignature, plus nonRepudiation for
 * signature certificates — jpki.md §2.2, §2.3).
 */
export function jpkiCertificateReasons(facts: CertificateFacts, expectedKind?: CertificateKind): VerificationReason[] {
  let profileReasons = profileReasonCache.get(facts);
  if (profileReasons === undefined) {
    profileReasons = profileReasonsOf(facts);
    profileReasonCache.set(facts, profileReasons);
  }
  const kind = classifyCertificate(facts).kind;
  if (expectedKind === undefined || expectedKind === kind) return [...profileReasons];
  return [...profileReasons, { code: 'certificateKindMismatch', detail: `a ${kind} certificate where a ${expectedKind} certificate is required` }];
}

const profileReasonCache = new WeakMap<CertificateFacts, readonly VerificationReason[]>();

function profileReasonsOf(facts: CertificateFacts): readonly VerificationReason[] {
  const reasons: VerificationReason[] = [];
  const classification = classifyCertificate(facts);
  const jpkiPolicies = facts.policyOids.filter((oid) => JPKI_POLICIES.has(oid));
  if (jpkiPolicies.length === 0) reasons.push({ code: 'policyMismatch', detail: 'no JPKI certificate policy in certificatePolicies' });
  else if (new Set(jpkiPolicies.map((oid) => JPKI_POLICIES.get(oid)?.kind)).size > 1) reasons.push({ code: 'policyMismatch', detail: 'certificatePolicies names both a signature and a user-authentication policy' });
  const issuerKind = kindOfCaName(facts.issuerName);
  if (issuerKind !== undefined && classification.basis === 'policy' && issuerKind !== classification.kind) {
    reasons.push({ code: 'policyMismatch', detail: `a ${classification.kind} policy on a certificate from a ${issuerKind} CA` });
  }
  if (!facts.hasKeyUsage || !facts.keyUsage.has('digitalSignature')) reasons.push({ code: 'keyUsageMismatch', detail: 'keyUsage lacks digitalSignature' });
  if (classification.kind === 'signature' && !facts.keyUsage.has('nonRepudiation')) reasons.push({ code: 'keyUsageMismatch', detail: 'a signature certificate without nonRepudiation' });
  return reasons;
}
