/**
 * A certificate decoded once with the generated codecs, with the facts path validation needs
 * pulled out. Decoded certificates are cached by content hash (bounded) because a verifier sees
 * the same CA certificates on every request.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import {
  idCeAuthorityKeyIdentifier,
  idCeBasicConstraints,
  idCeCRLDistributionPoints,
  idCeCertificatePolicies,
  idCeExtKeyUsage,
  idCeFreshestCRL,
  idCeInhibitAnyPolicy,
  idCeIssuerAltName,
  idCeKeyUsage,
  idCeNameConstraints,
  idCePolicyConstraints,
  idCePolicyMappings,
  idCePrivateKeyUsagePeriod,
  idCeSubjectAltName,
  idCeSubjectDirectoryAttributes,
  idCeSubjectKeyIdentifier,
  idPeAuthorityInfoAccess,
  idPeSubjectInfoAccess,
  idPkixOcspNocheck,
} from '../../../generated/asn1/index.js';
import {
  decodeCertificate,
  encodeName,
  encodeSubjectPublicKeyInfo,
  type AlgorithmIdentifier,
  type Certificate,
  type Extension,
  type Name,
  type SubjectPublicKeyInfo,
} from '../../../generated/asn1/pkix1-explicit88.js';
import type {
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  GeneralNames,
  NameConstraints,
  PolicyConstraints,
  PolicyMappings,
} from '../../../generated/asn1/pkix1-implicit88.js';
import type { BitString } from '../../../runtime/der/index.js';
import { ContentCache } from './bounded-cache.js';
import { nameKey, nameKeysEqual, type NameKey } from './names.js';
import { PathFailure } from './path-errors.js';

/** The extensions path validation reads, by name (identifiers from the generated PKIX modules). */
export const EXT = {
  authorityKeyIdentifier: idCeAuthorityKeyIdentifier,
  subjectKeyIdentifier: idCeSubjectKeyIdentifier,
  keyUsage: idCeKeyUsage,
  privateKeyUsagePeriod: idCePrivateKeyUsagePeriod,
  certificatePolicies: idCeCertificatePolicies,
  policyMappings: idCePolicyMappings,
  subjectAltName: idCeSubjectAltName,
  issuerAltName: idCeIssuerAltName,
  subjectDirectoryAttributes: idCeSubjectDirectoryAttributes,
  basicConstraints: idCeBasicConstraints,
  nameConstraints: idCeNameConstraints,
  policyConstraints: idCePolicyConstraints,
  cRLDistributionPoints: idCeCRLDistributionPoints,
  extKeyUsage: idCeExtKeyUsage,
  inhibitAnyPolicy: idCeInhibitAnyPolicy,
  freshestCRL: idCeFreshestCRL,
  authorityInfoAccess: idPeAuthorityInfoAccess,
  subjectInfoAccess: idPeSubjectInfoAccess,
  ocspNoCheck: idPkixOcspNocheck,
} as const;

/** Extensions this validator processes, or that only inform the application (EKU, AIA). */
const RECOGNISED_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(EXT));

export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly decoded: Certificate;
  readonly tbsDer: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  /** A signature BIT STRING with unused bits cannot be a valid signature (PKITS 4.1.6 corrupts one so). */
  readonly signatureMalformed: boolean;
  readonly version: number;
  readonly serialNumber: bigint;
  readonly issuer: Name;
  readonly subject: Name;
  readonly issuerKey: NameKey;
  readonly subjectKey: NameKey;
  /** issuerKey as one string, for map look-ups (CRL entries by issuer and serial). */
  readonly issuerKeyText: string;
  readonly issuerDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: SubjectPublicKeyInfo;
  readonly spkiDer: Uint8Array;
  readonly selfIssued: boolean;
  readonly extensions: ReadonlyMap<string, Extension>;
  readonly unrecognisedCritical: readonly string[];
  readonly basicConstraints: BasicConstraints | undefined;
  readonly keyUsage: BitString | undefined;
  readonly certificatePolicies: CertificatePolicies | undefined;
  readonly policyMappings: PolicyMappings | undefined;
  readonly policyConstraints: PolicyConstraints | undefined;
  readonly inhibitAnyPolicy: bigint | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly subjectAltName: GeneralNames | undefined;
  readonly crlDistributionPoints: CRLDistributionPoints | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  /** Signature verdicts of this certificate under issuer certificates, keyed by the issuer object. */
  readonly verdictsByIssuer: WeakMap<ParsedCertificate, SignatureVerdictMemo>;
}

export type SignatureVerdictMemo = 'valid' | 'invalid' | 'unsupportedAlgorithm' | 'unsupportedKey';

export function hasKeyUsageBit(keyUsage: BitString, bit: number): boolean {
  const byte = keyUsage.bytes[bit >> 3];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}

export function isCertificateAuthority(certificate: ParsedCertificate): boolean {
  return certificate.basicConstraints?.cA === true;
}

function extensionValue<T>(extensions: ReadonlyMap<string, Extension>, oid: string): T | undefined {
  const extension = extensions.get(oid);
  if (extension === undefined) return undefined;
  if (extension.extnValue.value === undefined) throw new PathFailure('malformedExtension', `extension ${oid} could not be decoded`);
  return extension.extnValue.value as T;
}


/** SHA-256 of the bytes (one-shot `crypto.hash` where Node has it: a third of createHash's cost). */
export function contentHash(der: Uint8Array): string {
  if (typeof oneShotHash === 'function') return oneShotHash('sha256', der, 'base64');
  return createHash('sha256').update(der).digest('base64');
}

function buildParsedCertificate(der: Uint8Array): ParsedCertificate {
  let decoded: Certificate;
  try {
    decoded = decodeCertificate(der);
  } catch (error) {
    throw new PathFailure('malformedCertificate', `certificate does not decode: ${(error as Error).message}`);
  }
  const tbs = decoded.tbsCertificate;
  if (tbs.$der === undefined) throw new PathFailure('internalError', 'the codec kept no tbsCertificate bytes');
  const version = tbs.version ?? 0;
  if (version > 2) throw new PathFailure('unsupportedCertificateVersion', `certificate version ${version + 1} is not 1, 2 or 3`);
  // §4.1.1.2: the inner and outer signature algorithms must be the same.
  const outer = decoded.signatureAlgorithm;
  const inner = tbs.signature;
  if (outer.algorithm !== inner.algorithm || !sameOptionalBytes(outer.parameters?.der, inner.parameters?.der)) {
    throw new PathFailure('malformedCertificate', 'signatureAlgorithm differs from tbsCertificate.signature');
  }
  const extensions = new Map<string, Extension>();
  const unrecognisedCritical: string[] = [];
  for (const extension of tbs.extensions ?? []) {
    if (extensions.has(extension.extnID)) throw new PathFailure('duplicateExtension', `extension ${extension.extnID} appears twice`);
    extensions.set(extension.extnID, extension);
    if (extension.critical === true && !RECOGNISED_EXTENSIONS.has(extension.extnID)) unrecognisedCritical.push(extension.extnID);
  }
  if (extensions.size > 0 && version !== 2) throw new PathFailure('malformedCertificate', 'extensions in a certificate that is not version 3');
  const issuerKey = nameKey(tbs.issuer);
  const subjectKey = nameKey(tbs.subject);
  const skid = extensionValue<Uint8Array>(extensions, EXT.subjectKeyIdentifier);
  const eku = extensionValue<string[]>(extensions, EXT.extKeyUsage);
  return {
    der,
    decoded,
    tbsDer: tbs.$der,
    signatureAlgorithm: outer,
    signatureValue: decoded.signature.bytes,
    signatureMalformed: decoded.signature.unusedBits !== 0,
    version,
    serialNumber: tbs.serialNumber,
    issuer: tbs.issuer,
    subject: tbs.subject,
    issuerKey,
    subjectKey,
    issuerKeyText: JSON.stringify(issuerKey),
    issuerDer: encodeName(tbs.issuer),
    notBefore: tbs.validity.notBefore.value,
    notAfter: tbs.validity.notAfter.value,
    spki: tbs.subjectPublicKeyInfo,
    // Strict DER decoding means re-encoding reproduces the certificate's own SPKI bytes.
    spkiDer: encodeSubjectPublicKeyInfo(tbs.subjectPublicKeyInfo),
    selfIssued: nameKeysEqual(issuerKey, subjectKey),
    extensions,
    unrecognisedCritical,
    basicConstraints: extensionValue<BasicConstraints>(extensions, EXT.basicConstraints),
    keyUsage: extensionValue<BitString>(extensions, EXT.keyUsage),
    certificatePolicies: extensionValue<CertificatePolicies>(extensions, EXT.certificatePolicies),
    policyMappings: extensionValue<PolicyMappings>(extensions, EXT.policyMappings),
    policyConstraints: extensionValue<PolicyConstraints>(extensions, EXT.policyConstraints),
    inhibitAnyPolicy: extensionValue<bigint>(extensions, EXT.inhibitAnyPolicy),
    nameConstraints: extensionValue<NameConstraints>(extensions, EXT.nameConstraints),
    subjectAltName: extensionValue<GeneralNames>(extensions, EXT.subjectAltName),
    crlDistributionPoints: extensionValue<CRLDistributionPoints>(extensions, EXT.cRLDistributionPoints),
    extKeyUsage: eku,
    authorityKeyIdentifier: extensionValue<AuthorityKeyIdentifier>(extensions, EXT.authorityKeyIdentifier),
    subjectKeyIdentifier: skid,
    verdictsByIssuer: new WeakMap(),
  };
}

function sameOptionalBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.compare(a, b) === 0;
}

const certificateCache = new ContentCache<ParsedCertificate | PathFailure>(4096, contentHash);

/** Decodes (or recalls) a certificate; throws PathFailure when it is malformed. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const entry = certificateCache.get(der, (copy) => {
    try {
      return buildParsedCertificate(copy);
    } catch (error) {
      if (!(error instanceof PathFailure)) throw error;
      return error;
    }
  });
  if (entry instanceof PathFailure) throw new PathFailure(entry.code, entry.message);
  return entry;
}
