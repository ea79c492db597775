/**
 * The JPKI certificate profiles (spec/profiles, generated/profiles) as a Verifier linter: the
 * certificate is linted against the profile of its kind and carrier, and error findings become
 * reasons (policy → policyMismatch, key usage → keyUsageMismatch, anything else →
 * malformedCertificate). Opt-in: the profiles model details the public record does not fix, and
 * a verifier should not refuse a real card's certificate over a modelled one.
 */
import { lintCertificate, type CertificateProfileName } from '../../generated/profiles/index.js';
import type { CertificateCarrier, CertificateKind, VerificationReasonCode } from '../../generated/messages/types.js';
import { certificateFacts } from './certificate-facts.js';
import { classifyCertificate } from './jpki-classify.js';
import type { CertificateLinter } from './verifier.js';

const PROFILES: Readonly<Record<CertificateCarrier, Readonly<Record<CertificateKind, CertificateProfileName>>>> = {
  card: { signature: 'cardSignature', userAuthentication: 'cardAuthentication' },
  smartphone: { signature: 'smartphoneSignature', userAuthentication: 'smartphoneAuthentication' },
};

export function profileNameFor(kind: CertificateKind, carrier: CertificateCarrier): CertificateProfileName {
  return PROFILES[carrier][kind];
}

export function reasonForFinding(code: string): VerificationReasonCode {
  if (code.startsWith('extension.certificatePolicies')) return 'policyMismatch';
  if (code.startsWith('extension.keyUsage') || code.startsWith('extension.extKeyUsage')) return 'keyUsageMismatch';
  return 'malformedCertificate';
}

/** Lints with the profile of the certificate's own carrier and the kind it is classified as. */
export const jpkiProfileLinter: CertificateLinter = (certificate) => {
  const { kind, carrier } = classifyCertificate(certificateFacts(certificate));
  return lintCertificate(certificate, profileNameFor(kind, carrier)).map((finding) => ({
    severity: finding.severity,
    code: finding.code,
    message: `${finding.path}: ${finding.message}`,
    reason: reasonForFinding(finding.code),
  }));
};
