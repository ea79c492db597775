/**
 * Orders the supplied certificates into a path from the leaf to a trust anchor. The input is
 * normally already the path, leaf first; it may also carry certificates that are not on the path
 * (a CRL signer, an old-with-new key rollover certificate), so each issuer is chosen by name and
 * confirmed by signature, which also resolves CAs that share one DN (JPKI's CA generations).
 */
import { PathFailure } from './path-errors.js';
import { nameKeysEqual } from './names.js';
import type { ParsedCertificate } from './parsed-certificate.js';
import { checkSignature, type SignatureVerdict } from './signature.js';

/** Longer paths are refused: nothing legitimate comes near this, and it bounds the work. */
const MAX_PATH_LENGTH = 16;

export interface BuiltPath {
  /** Leaf first; the anchor is not included. */
  readonly chain: readonly ParsedCertificate[];
  readonly anchor: ParsedCertificate;
  /** Supplied certificates not on the path. */
  readonly unused: readonly ParsedCertificate[];
}

export function signatureVerdict(subject: ParsedCertificate, issuer: ParsedCertificate): SignatureVerdict {
  if (subject.signatureMalformed) return 'invalid';
  let verdict = subject.verdictsByIssuer.get(issuer);
  if (verdict === undefined) {
    verdict = checkSignature(subject.signatureAlgorithm, subject.tbsDer, subject.signatureValue, issuer.spkiDer, issuer.spki.algorithm.algorithm);
    subject.verdictsByIssuer.set(issuer, verdict);
  }
  return verdict;
}

function failureForVerdict(verdict: SignatureVerdict, index: number): PathFailure {
  if (verdict === 'unsupportedAlgorithm') return new PathFailure('unsupportedSignatureAlgorithm', 'the certificate signature algorithm is not supported', index);
  if (verdict === 'unsupportedKey') return new PathFailure('unsupportedPublicKey', "the issuer's public key cannot verify this signature algorithm", index);
  return new PathFailure('signatureInvalid', "the certificate's signature does not verify with its issuer's public key", index);
}

const DSA = '1.2.840.10040.4.1';

/** A DSA key without domain parameters takes them from its issuer's key (RFC 3279 §2.3.2). */
export function lacksDsaParameters(certificate: ParsedCertificate): boolean {
  if (certificate.spki.algorithm.algorithm !== DSA) return false;
  const parameters = certificate.spki.algorithm.parameters?.der;
  return parameters === undefined || (parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00);
}

export function buildPath(leaf: ParsedCertificate, supplied: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[]): BuiltPath {
  // Decoded certificates are shared through the content cache, so the same object is the usual match.
  const isAnchor = (certificate: ParsedCertificate): ParsedCertificate | undefined =>
    anchors.find((anchor) => anchor === certificate || (anchor.der.length === certificate.der.length && Buffer.compare(anchor.der, certificate.der) === 0));
  const leafAnchor = isAnchor(leaf);
  if (leafAnchor !== undefined) return { chain: [], anchor: leafAnchor, unused: supplied };
  const pool = supplied.filter((certificate) => isAnchor(certificate) === undefined);
  const used = new Set<ParsedCertificate>();
  const chain: ParsedCertificate[] = [leaf];
  let current = leaf;
  for (;;) {
    const index = chain.length - 1;
    let firstFailure: PathFailure | undefined;
    for (const anchor of anchors) {
      if (!nameKeysEqual(anchor.subjectKey, current.issuerKey)) continue;
      const verdict = signatureVerdict(current, anchor);
      if (verdict === 'valid') return { chain, anchor, unused: pool.filter((certificate) => !used.has(certificate)) };
      firstFailure ??= failureForVerdict(verdict, index);
    }
    let next: ParsedCertificate | undefined;
    for (const candidate of pool) {
      if (used.has(candidate) || candidate === current || !nameKeysEqual(candidate.subjectKey, current.issuerKey)) continue;
      const verdict = signatureVerdict(current, candidate);
      // An inherited-parameter key cannot verify alone; §6.1 checks it with the parameters.
      if (verdict === 'valid' || (verdict === 'unsupportedKey' && lacksDsaParameters(candidate))) {
        next = candidate;
        break;
      }
      firstFailure ??= failureForVerdict(verdict, index);
    }
    if (next === undefined) {
      if (firstFailure !== undefined) throw firstFailure;
      const remaining = pool.filter((certificate) => !used.has(certificate) && certificate !== current);
      if (remaining.length > 0) throw new PathFailure('nameChainingMismatch', "no supplied certificate's subject matches this certificate's issuer", index);
      throw new PathFailure('noTrustAnchor', "this certificate's issuer is not a trust anchor", index);
    }
    if (chain.length >= MAX_PATH_LENGTH) throw new PathFailure('pathLengthExceeded', `paths longer than ${MAX_PATH_LENGTH} certificates are refused`, index);
    used.add(next);
    chain.push(next);
    current = next;
  }
}
