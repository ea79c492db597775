/** CertificateSummary (certificate-summary.yaml) of one JPKI end-entity certificate. */
import type { CertificateSummary } from '../../generated/messages/types.js';
import type { CertificateFacts } from './certificate-facts.js';
import { KNOWN_JPKI_CAS, resolveIssuerCaId, type TrustAnchor } from './jpki-anchors.js';
import { classifyCertificate } from './jpki-classify.js';

export function summarizeCertificate(facts: CertificateFacts, anchors: readonly TrustAnchor[]): CertificateSummary {
  const classification = classifyCertificate(facts);
  const issuerCaId = resolveIssuerCaId(facts, anchors);
  // The summary only names a CA generation of the certificate's own kind (the schema ties them).
  const issuerOfKind = issuerCaId !== undefined && KNOWN_JPKI_CAS.find((ca) => ca.caId === issuerCaId)?.kind === classification.kind;
  return {
    serialNumber: facts.serialHex,
    issuer: facts.issuerName,
    ...(issuerOfKind ? { issuerCaId } : {}),
    subject: facts.subjectName,
    notBefore: isoSeconds(facts.notBefore),
    notAfter: isoSeconds(facts.notAfter),
    certificateKind: classification.kind,
    carrier: classification.carrier,
    policyOids: [...new Set(facts.policyOids)].slice(0, 8),
    sha256Fingerprint: facts.sha256Fingerprint,
  };
}

const isoBySecond = new Map<number, string>();
const ISO_CACHE_LIMIT = 256;

/**
 * RFC 3339 without milliseconds (certificate times have whole seconds). Memoized by the second:
 * the same CRL and OCSP times come back with every request, and "now" changes once a second.
 */
export function isoSeconds(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  let text = isoBySecond.get(second);
  if (text === undefined) {
    const full = date.toISOString();
    // toISOString is YYYY-MM-DDTHH:mm:ss.sssZ for years 0–9999, ±YYYYYY-… beyond.
    text = full.length === 24 ? `${full.slice(0, 19)}Z` : full.replace(/\.\d{3}Z$/u, 'Z');
    if (isoBySecond.size >= ISO_CACHE_LIMIT) isoBySecond.clear();
    isoBySecond.set(second, text);
  }
  return text;
}
