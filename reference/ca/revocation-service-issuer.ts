/**
 * What the CRL builder and the OCSP responder derive from an issuing CA's certificate once: its
 * subject Name (the CRL issuer), the key identifier for authorityKeyIdentifier, and the name/key
 * hashes OCSP CertIDs carry (RFC 6960 §4.1.1) for every hash algorithm a request may use.
 */
import { createHash } from 'node:crypto';
import {
  decodeAlgorithmIdentifier,
  decodeCertificate,
  encodeName,
  idCeSubjectKeyIdentifier,
  type AlgorithmIdentifier,
  type Certificate,
  type Name,
} from '../../generated/asn1/index.js';
import { decodeSubjectKeyIdentifier } from '../../generated/asn1/pkix1-implicit88.js';
import { JpkigenError } from '../../runtime/errors.js';
import type { RevocationIssuer } from './revocation-source.js';

/** OCSP CertID hash algorithms we match: OID → node:crypto name. */
export const CERT_ID_HASHES: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);

/** An issuer certificate the publishers cannot use (not DER, no key). */
export class IssuerCertificateError extends JpkigenError {
  constructor(caId: string, detail: string, options?: ErrorOptions) {
    super('REVOCATION_ISSUER_INVALID', `issuer ${caId}: ${detail}`, options);
  }
}

export interface IssuerIdentity {
  readonly issuer: RevocationIssuer;
  readonly certificate: Certificate;
  readonly subject: Name;
  readonly subjectDer: Uint8Array;
  /** The subjectPublicKey BIT STRING's bits (what key hashes and key identifiers are taken over). */
  readonly publicKeyBits: Uint8Array;
  /** The CA's subjectKeyIdentifier, or the SHA-1 of its key (RFC 5280 §4.2.1.2 method 1) when it has none. */
  readonly keyIdentifier: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** `hashOid|nameHashHex|keyHashHex` → true, for every CERT_ID_HASHES algorithm. */
  readonly certIdKeys: ReadonlySet<string>;
}

export function describeIssuer(issuer: RevocationIssuer): IssuerIdentity {
  let certificate: Certificate;
  let signatureAlgorithm: AlgorithmIdentifier;
  try {
    certificate = decodeCertificate(issuer.certificate);
    signatureAlgorithm = decodeAlgorithmIdentifier(issuer.signatureAlgorithm);
  } catch (error) {
    throw new IssuerCertificateError(issuer.caId, 'certificate or signatureAlgorithm is not DER', { cause: error });
  }
  const tbs = certificate.tbsCertificate;
  const subjectDer = encodeName(tbs.subject);
  const publicKeyBits = tbs.subjectPublicKeyInfo.subjectPublicKey.bytes;
  const certIdKeys = new Set<string>();
  for (const [oid, hash] of CERT_ID_HASHES) certIdKeys.add(certIdKey(oid, digest(hash, subjectDer), digest(hash, publicKeyBits)));
  return { issuer, certificate, subject: tbs.subject, subjectDer, publicKeyBits, keyIdentifier: keyIdentifierOf(certificate, publicKeyBits), signatureAlgorithm, certIdKeys };
}

export function certIdKey(hashOid: string, nameHash: Uint8Array, keyHash: Uint8Array): string {
  return `${hashOid}|${Buffer.from(nameHash).toString('hex')}|${Buffer.from(keyHash).toString('hex')}`;
}

export function digest(algorithm: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(data).digest());
}

function keyIdentifierOf(certificate: Certificate, publicKeyBits: Uint8Array): Uint8Array {
  const extension = certificate.tbsCertificate.extensions?.find((candidate) => candidate.extnID === idCeSubjectKeyIdentifier);
  if (extension !== undefined) {
    if (extension.extnValue.value instanceof Uint8Array) return extension.extnValue.value;
    if (extension.extnValue.der !== undefined) return decodeSubjectKeyIdentifier(extension.extnValue.der);
  }
  return digest('sha1', publicKeyBits);
}

/** An X.500 name as the revocation API writes it: RDNs in certificate order, `attr=value` joined by ", ". */
export function formatName(name: Name): string {
  const labels: Record<string, string> = { '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.3': 'CN' };
  return name.value
    .flatMap((rdn) => rdn.map((attribute) => `${labels[attribute.type] ?? attribute.type}=${escapeValue(attributeText(attribute.value.value))}`))
    .join(', ');
}

function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string') return (value as { value: string }).value;
  return '';
}

function escapeValue(text: string): string {
  return text.replace(/[\\,]/g, (character) => `\\${character}`);
}
