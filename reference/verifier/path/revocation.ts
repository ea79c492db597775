/**
 * Revocation status of one certificate from the CRLs (RFC 5280 §6.3) and OCSP responses
 * (RFC 6960 §3.2) the caller supplied. Nothing is fetched: the verifier runs offline.
 */
import { createHash } from 'node:crypto';
import { decodeBasicOCSPResponse, decodeOCSPResponse, type BasicOCSPResponse, type OCSPResponse, type SingleResponse } from '../../../generated/asn1/ocsp-2013-88.js';
import { encodeCertificate, type Certificate } from '../../../generated/asn1/pkix1-explicit88.js';
import type { CRLReason, DistributionPoint, DistributionPointName, GeneralName, ReasonFlags } from '../../../generated/asn1/pkix1-implicit88.js';
import type { BitString } from '../../../runtime/der/index.js';
import { ContentCache } from './bounded-cache.js';
import { generalNameKey, nameKey, nameKeysEqual } from './names.js';
import { contentHash, hasKeyUsageBit, isCertificateAuthority, KEY_USAGE, parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import type { ParsedCrl } from './parsed-crl.js';
import { signatureVerdict } from './build-path.js';
import { checkSignature, hashNameForOid } from './signature.js';

export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'notChecked';

export interface CertificateRevocation {
  /** Index in ValidatedPath.certificates (0 is the leaf). */
  readonly certificateIndex: number;
  readonly status: RevocationStatus;
  readonly source?: 'crl' | 'ocsp';
  readonly reason?: CRLReason;
  readonly revokedAt?: Date;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  /** Why the status could not be determined, when it is 'unknown'. */
  readonly note?: string;
}

export interface RevocationSources {
  readonly time: Date;
  readonly crls: readonly ParsedCrl[];
  readonly ocspResponses: readonly Uint8Array[];
  /** The anchor and the certificates of the validated path. */
  readonly validatedCertificates: readonly ParsedCertificate[];
  /** The key to check a signer's signatures with (its own, or with inherited DSA parameters). */
  readonly keyOf: (certificate: ParsedCertificate) => Uint8Array;
  /** Certificates supplied besides the path: candidate CRL signers and OCSP responders. */
  readonly otherCertificates: readonly ParsedCertificate[];
  /** Validates a CRL signer's certificate to the same trust anchor (§6.3.3 (f)). */
  readonly validateSigner: (signer: ParsedCertificate) => boolean;
}

const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** ReasonFlags bits 1–8 (§4.2.1.13); bit 0 is "unused". */
const ALL_REASONS = 0b1_1111_1110;

function reasonMask(flags: ReasonFlags | undefined): number {
  if (flags === undefined) return ALL_REASONS;
  let mask = 0;
  for (let bit = 1; bit <= 8; bit += 1) if (hasKeyUsageBit(flags as BitString, bit)) mask |= 1 << bit;
  return mask;
}

/**
 * Whether revocation data speaks for `time`. It must not have expired by then (nextUpdate ≥ time).
 * Data issued after `time` still counts when validating at a past time (a signature's signing
 * time): it tells the status at `time` as well, through the revocation dates it lists; data dated
 * after the actual clock does not.
 */
function isFresh(thisUpdate: Date, nextUpdate: Date | undefined, time: Date): boolean {
  const latestAcceptable = Math.max(time.getTime(), Date.now());
  if (thisUpdate.getTime() > latestAcceptable) return false;
  return nextUpdate === undefined || nextUpdate.getTime() >= time.getTime();
}

/** A revocation dated after the validation time did not yet apply at that time. */
function revokedBy(revocationDate: Date, time: Date): boolean {
  return revocationDate.getTime() <= time.getTime();
}

/** The full names a distribution point name stands for (nameRelativeToCRLIssuer is appended to the CRL issuer). */
function distributionPointNames(name: DistributionPointName, crlIssuer: ParsedCertificate['issuer']): Set<string> {
  if (name.type === 'fullName') return new Set(name.value.map(generalNameKey));
  const full: GeneralName = { type: 'directoryName', value: { type: 'rdnSequence', value: [...crlIssuer.value, name.value] } };
  return new Set([generalNameKey(full)]);
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const value of a) if (b.has(value)) return true;
  return false;
}

/** §6.3.3 (b): does this CRL's scope cover this certificate through this distribution point? */
function crlCoversCertificate(crl: ParsedCrl, certificate: ParsedCertificate, point: DistributionPoint | undefined): boolean {
  const idp = crl.issuingDistributionPoint;
  if (idp === undefined) return true;
  if (idp.onlyContainsAttributeCerts === true) return false;
  if (idp.onlyContainsUserCerts === true && isCertificateAuthority(certificate)) return false;
  if (idp.onlyContainsCACerts === true && !isCertificateAuthority(certificate)) return false;
  if (idp.distributionPoint !== undefined) {
    const idpNames = distributionPointNames(idp.distributionPoint, crl.issuer);
    // A relative name is relative to the CRL issuer: the cRLIssuer when named, else the certificate issuer.
    if (point?.distributionPoint !== undefined) return intersects(idpNames, distributionPointNames(point.distributionPoint, point.cRLIssuer === undefined ? certificate.issuer : crl.issuer));
    if (point?.cRLIssuer !== undefined) return intersects(idpNames, new Set(point.cRLIssuer.map(generalNameKey)));
    return false;
  }
  return true;
}

function sameScope(delta: ParsedCrl, complete: ParsedCrl): boolean {
  const a = delta.issuingDistributionPointDer;
  const b = complete.issuingDistributionPointDer;
  if (a === undefined || b === undefined) return a === b;
  return Buffer.compare(a, b) === 0;
}

function mayIssueCrls(certificate: ParsedCertificate): boolean {
  return certificate.keyUsage === undefined || hasKeyUsageBit(certificate.keyUsage, KEY_USAGE.cRLSign);
}

/** §6.3.3 (f)–(g): the CRL verifies under the issuer's key or under a validated CRL signer's key. */
function crlSignatureVerifies(crl: ParsedCrl, issuer: ParsedCertificate, sources: RevocationSources): boolean {
  if (crl.signatureMalformed) return false;
  const verifiesWith = (signer: ParsedCertificate): boolean => {
    const key = sources.keyOf(signer);
    // Memoised per signer object only for the signer's own key; inherited keys go by content hash.
    if (key !== signer.spkiDer) return checkSignature(crl.signatureAlgorithm, crl.tbsDer, crl.signatureValue, key, signer.spki.algorithm.algorithm) === 'valid';
    let verdict = crl.verdictsBySigner.get(signer);
    if (verdict === undefined) {
      verdict = checkSignature(crl.signatureAlgorithm, crl.tbsDer, crl.signatureValue, key, signer.spki.algorithm.algorithm) === 'valid';
      crl.verdictsBySigner.set(signer, verdict);
    }
    return verdict;
  };
  // Certificates on the validated path (and the anchor) need no further validation: a CA that
  // rolled its key over (self-issued certificates, PKITS 4.5) signs CRLs with the newer key.
  for (const candidate of [issuer, ...sources.validatedCertificates]) {
    if (!nameKeysEqual(candidate.subjectKey, crl.issuerKey) || !mayIssueCrls(candidate)) continue;
    if (verifiesWith(candidate)) return true;
  }
  for (const candidate of sources.otherCertificates) {
    if (!nameKeysEqual(candidate.subjectKey, crl.issuerKey) || !mayIssueCrls(candidate)) continue;
    if (!verifiesWith(candidate)) continue;
    if (sources.validateSigner(candidate)) return true;
  }
  return false;
}

function usableCrl(crl: ParsedCrl, issuer: ParsedCertificate, sources: RevocationSources): boolean {
  return crl.unusableBecause === undefined && isFresh(crl.thisUpdate, crl.nextUpdate, sources.time) && crlSignatureVerifies(crl, issuer, sources);
}

function newestDelta(complete: ParsedCrl, issuer: ParsedCertificate, sources: RevocationSources): ParsedCrl | undefined {
  let best: ParsedCrl | undefined;
  for (const delta of sources.crls) {
    if (delta.baseCrlNumber === undefined || delta.crlNumber === undefined || complete.crlNumber === undefined) continue;
    if (!nameKeysEqual(delta.issuerKey, complete.issuerKey) || !sameScope(delta, complete)) continue;
    // RFC 5280 §5.2.4: the delta applies when the complete CRL is at least as new as its base.
    if (complete.crlNumber < delta.baseCrlNumber || delta.crlNumber <= complete.crlNumber) continue;
    if (!usableCrl(delta, issuer, sources)) continue;
    if (best === undefined || (best.crlNumber ?? 0n) < delta.crlNumber) best = delta;
  }
  return best;
}

/** RFC 5280 §6.3.3: direct CRLs, indirect CRLs named by a cRLIssuer, and delta CRLs. */
export function crlStatus(certificate: ParsedCertificate, issuer: ParsedCertificate, sources: RevocationSources, certificateIndex: number): CertificateRevocation {
  const points: (DistributionPoint | undefined)[] = certificate.crlDistributionPoints ?? [undefined];
  let reasonsCovered = 0;
  let newest: ParsedCrl | undefined;
  let note = 'no current CRL covers this certificate';
  for (const point of points) {
    for (const complete of sources.crls) {
      if (complete.baseCrlNumber !== undefined) continue;
      if (!crlIssuerMatches(complete, certificate, point)) continue;
      if (!crlCoversCertificate(complete, certificate, point)) continue;
      const interim = reasonMask(complete.issuingDistributionPoint?.onlySomeReasons) & reasonMask(point?.reasons);
      if ((interim & ~reasonsCovered) === 0) continue;
      if (!usableCrl(complete, issuer, sources)) {
        note = complete.unusableBecause ?? 'a CRL from the issuer is stale, not yet valid, or its signature does not verify with a key allowed to sign CRLs';
        continue;
      }
      const delta = newestDelta(complete, issuer, sources);
      reasonsCovered |= interim;
      newest = complete;
      const fromDelta = delta?.lookUp(certificate.issuerKeyText, certificate.serialNumber);
      const entry = fromDelta ?? complete.lookUp(certificate.issuerKeyText, certificate.serialNumber);
      const source = fromDelta !== undefined && delta !== undefined ? delta : complete;
      // A removeFromCRL entry in a delta CRL means the certificate is no longer revoked (§5.3.1).
      if (entry !== undefined && entry.reason !== 'removeFromCRL' && revokedBy(entry.revocationDate, sources.time)) {
        return { certificateIndex, status: 'revoked', source: 'crl', ...(entry.reason === undefined ? {} : { reason: entry.reason }), revokedAt: entry.revocationDate, thisUpdate: source.thisUpdate, ...(source.nextUpdate === undefined ? {} : { nextUpdate: source.nextUpdate }) };
      }
    }
  }
  if (reasonsCovered === ALL_REASONS && newest !== undefined) {
    return { certificateIndex, status: 'good', source: 'crl', thisUpdate: newest.thisUpdate, ...(newest.nextUpdate === undefined ? {} : { nextUpdate: newest.nextUpdate }) };
  }
  return { certificateIndex, status: 'unknown', note: reasonsCovered === 0 ? note : 'the CRLs found do not cover every revocation reason' };
}

/**
 * §6.3.3 (b)(1): a distribution point naming a cRLIssuer is served by an indirect CRL from that
 * issuer; otherwise the CRL comes from the certificate's issuer.
 */
function crlIssuerMatches(crl: ParsedCrl, certificate: ParsedCertificate, point: DistributionPoint | undefined): boolean {
  if (point?.cRLIssuer === undefined) return nameKeysEqual(crl.issuerKey, certificate.issuerKey);
  if (crl.issuingDistributionPoint?.indirectCRL !== true) return false;
  return point.cRLIssuer.some((name) => name.type === 'directoryName' && nameKeysEqual(nameKeyOf(name), crl.issuerKey));
}

function nameKeyOf(name: Extract<GeneralName, { type: 'directoryName' }>): ParsedCertificate['subjectKey'] {
  return nameKey(name.value);
}

// ---- OCSP (RFC 6960) ----

interface ParsedOcsp {
  readonly verdictsBySigner: WeakMap<ParsedCertificate, boolean>;
  readonly basic: BasicOCSPResponse;
  readonly tbsDer: Uint8Array;
  readonly responderCertificates: readonly ParsedCertificate[];
  /**
   * The SingleResponse whose CertID names a certificate under an issuer (null: none does), by the
   * decoded certificate and issuer objects. The match depends on nothing else, so it is found once.
   */
  readonly singleFor: WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, SingleResponse | null>>;
  /** Whether the issuer itself signed this response (responderID and signature): time plays no part. */
  readonly signedByIssuer: WeakMap<ParsedCertificate, boolean>;
}

const ocspCache = new ContentCache<ParsedOcsp | Error>(1024, contentHash);

function parseOcsp(der: Uint8Array): ParsedOcsp | Error {
  return ocspCache.get(der, (copy) => {
    try {
      const response: OCSPResponse = decodeOCSPResponse(copy);
      if (response.responseStatus !== 'successful' || response.responseBytes === undefined) return new Error(`OCSP responder answered ${response.responseStatus}`);
      if (response.responseBytes.responseType !== ID_PKIX_OCSP_BASIC) return new Error('not a basic OCSP response');
      const opened = response.responseBytes.response;
      const basic = (opened.value as BasicOCSPResponse | undefined) ?? (opened.der === undefined ? undefined : decodeBasicOCSPResponse(opened.der));
      if (basic === undefined || basic.tbsResponseData.$der === undefined || basic.signature.unusedBits !== 0) return new Error('basic OCSP response unusable');
      const responderCertificates = (basic.certs ?? []).map((certificate: Certificate) => parseCertificate(encodeCertificate(certificate)));
      return { basic, tbsDer: basic.tbsResponseData.$der, responderCertificates, verdictsBySigner: new WeakMap(), singleFor: new WeakMap(), signedByIssuer: new WeakMap() };
    } catch (error) {
      return error as Error;
    }
  });
}

function digest(algorithm: string, bytes: Uint8Array): Buffer {
  return createHash(algorithm).update(bytes).digest();
}

/** Hashes of a certificate's issuer name and public key, per algorithm, kept with the decoded certificate. */
const hashMemo = new WeakMap<ParsedCertificate, Map<string, Buffer>>();

function memoDigest(certificate: ParsedCertificate, what: 'issuerName' | 'publicKey', algorithm: string): Buffer {
  let byAlgorithm = hashMemo.get(certificate);
  if (byAlgorithm === undefined) {
    byAlgorithm = new Map();
    hashMemo.set(certificate, byAlgorithm);
  }
  const key = `${what}:${algorithm}`;
  let value = byAlgorithm.get(key);
  if (value === undefined) {
    value = digest(algorithm, what === 'issuerName' ? certificate.issuerDer : certificate.spki.subjectPublicKey.bytes);
    byAlgorithm.set(key, value);
  }
  return value;
}

function certIdMatches(single: SingleResponse, certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const hash = hashNameForOid(single.certID.hashAlgorithm.algorithm);
  if (hash !== 'sha1' && hash !== 'sha256') return false;
  if (single.certID.serialNumber !== certificate.serialNumber) return false;
  // RFC 6960 §4.1.1: hash of the issuer's DN DER and of its public key BIT STRING value.
  return memoDigest(certificate, 'issuerName', hash).equals(single.certID.issuerNameHash) && memoDigest(issuer, 'publicKey', hash).equals(single.certID.issuerKeyHash);
}

const responderNameKeys = new WeakMap<object, ReturnType<typeof nameKey>>();

function responderNameKey(name: Parameters<typeof nameKey>[0]): ReturnType<typeof nameKey> {
  let key = responderNameKeys.get(name);
  if (key === undefined) {
    key = nameKey(name);
    responderNameKeys.set(name, key);
  }
  return key;
}

function responderIdMatches(response: BasicOCSPResponse, responder: ParsedCertificate): boolean {
  const id = response.tbsResponseData.responderID;
  if (id.type === 'byName') return nameKeysEqual(responderNameKey(id.value), responder.subjectKey);
  return memoDigest(responder, 'publicKey', 'sha1').equals(id.value);
}

function matchingSingle(parsed: ParsedOcsp, certificate: ParsedCertificate, issuer: ParsedCertificate): SingleResponse | null {
  let byIssuer = parsed.singleFor.get(certificate);
  if (byIssuer === undefined) {
    byIssuer = new WeakMap();
    parsed.singleFor.set(certificate, byIssuer);
  }
  let single = byIssuer.get(issuer);
  if (single === undefined) {
    single = parsed.basic.tbsResponseData.responses.find((candidate) => certIdMatches(candidate, certificate, issuer)) ?? null;
    byIssuer.set(issuer, single);
  }
  return single;
}

/** RFC 6960 §4.2.2.2: the CA itself, or a responder certificate it issued with id-kp-OCSPSigning. */
function ocspSignatureAuthorised(parsed: ParsedOcsp, issuer: ParsedCertificate, time: Date): boolean {
  const verifiesWith = (signer: ParsedCertificate): boolean => {
    let verdict = parsed.verdictsBySigner.get(signer);
    if (verdict === undefined) {
      verdict = checkSignature(parsed.basic.signatureAlgorithm, parsed.tbsDer, parsed.basic.signature.bytes, signer.spkiDer, signer.spki.algorithm.algorithm) === 'valid';
      parsed.verdictsBySigner.set(signer, verdict);
    }
    return verdict;
  };
  let signedByIssuer = parsed.signedByIssuer.get(issuer);
  if (signedByIssuer === undefined) {
    signedByIssuer = responderIdMatches(parsed.basic, issuer) && verifiesWith(issuer);
    parsed.signedByIssuer.set(issuer, signedByIssuer);
  }
  if (signedByIssuer) return true;
  // A delegated responder's certificate is checked afresh: its validity depends on `time`.
  for (const responder of parsed.responderCertificates) {
    if (!responderIdMatches(parsed.basic, responder)) continue;
    if (!nameKeysEqual(responder.issuerKey, issuer.subjectKey)) continue;
    if (!(responder.extKeyUsage ?? []).includes(ID_KP_OCSP_SIGNING)) continue;
    if (responder.notBefore.getTime() > time.getTime() || responder.notAfter.getTime() < time.getTime()) continue;
    if (responder.unrecognisedCritical.length > 0) continue;
    if (signatureVerdict(responder, issuer) !== 'valid') continue;
    if (verifiesWith(responder)) return true;
  }
  return false;
}

export function ocspStatus(certificate: ParsedCertificate, issuer: ParsedCertificate, sources: RevocationSources, certificateIndex: number): CertificateRevocation | undefined {
  let note: string | undefined;
  for (const der of sources.ocspResponses) {
    const parsed = parseOcsp(der);
    if (parsed instanceof Error) {
      note = `an OCSP response is unusable: ${parsed.message}`;
      continue;
    }
    const single = matchingSingle(parsed, certificate, issuer);
    if (single === null) continue;
    if (!isFresh(single.thisUpdate, single.nextUpdate, sources.time)) {
      note = 'the OCSP response for this certificate is stale or not yet valid';
      continue;
    }
    if (!ocspSignatureAuthorised(parsed, issuer, sources.time)) {
      note = 'the OCSP response is not signed by the CA or a responder it authorised';
      continue;
    }
    const window = { thisUpdate: single.thisUpdate, ...(single.nextUpdate === undefined ? {} : { nextUpdate: single.nextUpdate }) };
    const status = single.certStatus;
    if (status.type === 'revoked' && revokedBy(status.value.revocationTime, sources.time)) {
      const reason = status.value.revocationReason;
      return { certificateIndex, status: 'revoked', source: 'ocsp', ...(reason === undefined ? {} : { reason }), revokedAt: status.value.revocationTime, ...window };
    }
    // Revoked only after the validation time: good at that time.
    if (status.type === 'good' || status.type === 'revoked') return { certificateIndex, status: 'good', source: 'ocsp', ...window };
    return { certificateIndex, status: 'unknown', source: 'ocsp', note: 'the OCSP responder does not know the certificate', ...window };
  }
  return note === undefined ? undefined : { certificateIndex, status: 'unknown', note };
}
