/**
 * The facts the verifier reads off one certificate, decoded once with the generated codecs and
 * cached by the SHA-256 of its DER (the same certificate arrives with every request of a holder).
 */
import { hash } from 'node:crypto';
import {
  decodeCertificate,
  idCeAuthorityKeyIdentifier,
  idCeCertificatePolicies,
  idCeKeyUsage,
  idCeSubjectAltName,
  idCeSubjectKeyIdentifier,
  type AuthorityKeyIdentifier,
  type Certificate,
  type CertificatePolicies,
  type GeneralName,
  type Name,
} from '../../generated/asn1/index.js';
import type { BitString } from '../../runtime/der/index.js';
import { bytesToHex } from '../../runtime/hex.js';
import { VerifierError } from './errors.js';

export interface CertificateFacts {
  readonly der: Uint8Array;
  /** SHA-256 of the DER, uppercase hex. */
  readonly sha256Fingerprint: string;
  readonly certificate: Certificate;
  readonly serialNumber: bigint;
  /** The serial as CertificateSummary writes it: uppercase hex, whole octets. */
  readonly serialHex: string;
  readonly issuerName: string;
  readonly subjectName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly policyOids: readonly string[];
  readonly keyUsage: ReadonlySet<KeyUsageBit>;
  /** Whether the certificate has a keyUsage extension at all. */
  readonly hasKeyUsage: boolean;
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  readonly subjectAltNames: readonly GeneralName[];
  /** True when extensions the verifier reads (KU, CP, SAN, AKI, SKI) could not be decoded. */
  readonly undecodedExtensions: readonly string[];
}

/** RFC 5280 §4.2.1.3 KeyUsage bit names, by bit number. */
export const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

/** RFC 4519 short names for the attributes JPKI names use (certificate-summary.yaml DistinguishedName). */
const ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.6', 'C'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.3', 'CN'],
]);

const CACHE_LIMIT = 4096;
const cache = new Map<string, CertificateFacts>();
/**
 * The same bytes object again (a caller holding its certificates) skips the hash; the bytes are
 * still compared with the kept copy, so a buffer overwritten with another certificate is not
 * mistaken for the one it held before.
 */
const byIdentity = new WeakMap<Uint8Array, CertificateFacts>();

export function sha256Hex(der: Uint8Array): string {
  return hash('sha256', der, 'hex').toUpperCase();
}

/** The facts of `der`; throws VerifierError('invalidCertificate') when it is not a DER certificate. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  const same = byIdentity.get(der);
  if (same !== undefined && Buffer.from(same.der.buffer, same.der.byteOffset, same.der.byteLength).equals(der)) return same;
  const fingerprint = sha256Hex(der);
  let facts = cache.get(fingerprint);
  if (facts === undefined) {
    facts = readFacts(der.slice(), fingerprint);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(fingerprint, facts);
  }
  byIdentity.set(der, facts);
  return facts;
}

function readFacts(der: Uint8Array, sha256Fingerprint: string): CertificateFacts {
  let certificate: Certificate;
  try {
    certificate = decodeCertificate(der);
  } catch (error) {
    throw new VerifierError('invalidCertificate', `not a DER X.509 certificate: ${(error as Error).message}`, { cause: error });
  }
  const tbs = certificate.tbsCertificate;
  const undecodedExtensions: string[] = [];
  const extension = <T>(oid: string): T | undefined => {
    const found = tbs.extensions?.find((candidate) => candidate.extnID === oid);
    if (found === undefined) return undefined;
    if (found.extnValue.value === undefined) undecodedExtensions.push(oid);
    return found.extnValue.value as T | undefined;
  };
  const keyUsageBits = extension<BitString>(idCeKeyUsage);
  const policies = extension<CertificatePolicies>(idCeCertificatePolicies);
  const subjectAltNames = extension<GeneralName[]>(idCeSubjectAltName);
  const subjectKeyIdentifier = extension<Uint8Array>(idCeSubjectKeyIdentifier);
  const authorityKeyIdentifier = extension<AuthorityKeyIdentifier>(idCeAuthorityKeyIdentifier);
  return {
    der,
    sha256Fingerprint,
    certificate,
    serialNumber: tbs.serialNumber,
    serialHex: serialToHex(tbs.serialNumber),
    issuerName: formatName(tbs.issuer),
    subjectName: formatName(tbs.subject),
    notBefore: tbs.validity.notBefore.value,
    notAfter: tbs.validity.notAfter.value,
    policyOids: policies?.map((policy) => policy.policyIdentifier) ?? [],
    keyUsage: keyUsageOf(keyUsageBits),
    hasKeyUsage: keyUsageBits !== undefined,
    ...(subjectKeyIdentifier !== undefined ? { subjectKeyIdentifier } : {}),
    ...(authorityKeyIdentifier !== undefined ? { authorityKeyIdentifier } : {}),
    subjectAltNames: subjectAltNames ?? [],
    undecodedExtensions,
  };
}

/** A positive serial as uppercase hex in whole octets; negative serials (not RFC 5280) keep their sign. */
export function serialToHex(serial: bigint): string {
  const magnitude = serial < 0n ? -serial : serial;
  const hex = magnitude.toString(16).toUpperCase();
  return `${serial < 0n ? '-' : ''}${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

export function serialFromHex(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

function keyUsageOf(bits: BitString | undefined): ReadonlySet<KeyUsageBit> {
  const set = new Set<KeyUsageBit>();
  if (bits === undefined) return set;
  KEY_USAGE_BITS.forEach((name, index) => {
    const byte = bits.bytes[index >> 3] ?? 0;
    if ((byte & (0x80 >> (index & 7))) !== 0) set.add(name);
  });
  return set;
}

/**
 * Names in certificate order, `attr=value` joined by ", " (certificate-summary.yaml). Attributes
 * outside C/O/OU/L/ST/CN are written by OID, which the summary schema rejects on purpose: JPKI
 * names use none.
 */
export function formatName(name: Name): string {
  const parts: string[] = [];
  for (const rdn of name.value) {
    for (const attribute of rdn) {
      const label = ATTRIBUTE_NAMES.get(attribute.type) ?? attribute.type;
      parts.push(`${label}=${escapeValue(attributeText(attribute.value.value, attribute.value.der))}`);
    }
  }
  return parts.join(', ');
}

function attributeText(value: unknown, der: Uint8Array | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'string') return value.value;
  return `#${bytesToHex(der ?? new Uint8Array())}`;
}

function escapeValue(text: string): string {
  return text.replace(/[\\,]/gu, (character) => `\\${character}`);
}
