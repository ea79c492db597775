/**
 * What a certificate says, apart from its issuer, serial and key: subject, validity and
 * extensions. The CA asks an IssuanceProfile for them, so the spec-driven profiles
 * (generated/profiles/) can replace the built-in one without touching the CA.
 */
import type { Extension, Name } from '../../generated/asn1/index.js';
import type { BasicFourInfo, CertificateCarrier, CertificateKind } from '../../generated/messages/types.js';
import type { Municipality } from './municipalities.js';

export interface CertificateContent {
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Extension[];
}

export interface IssuerFacts {
  /** The issuing CA's certificate (DER). */
  readonly certificate: Uint8Array;
  readonly name: Name;
  readonly serialNumber: bigint;
  readonly subjectKeyIdentifier: Uint8Array;
}

export interface CaCertificateInput {
  readonly kind: CertificateKind;
  readonly subject: Name;
  readonly subjectPublicKey: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface EndEntityInput {
  readonly kind: CertificateKind;
  readonly carrier: CertificateCarrier;
  readonly holder: BasicFourInfo;
  readonly municipality: Municipality;
  /** SubjectPublicKeyInfo DER. */
  readonly subjectPublicKey: Uint8Array;
  readonly issuer: IssuerFacts;
  readonly issuedAt: Date;
  /** The validity may not end later: the earliest of `limits`. */
  readonly notAfterCap?: Date;
  /** What caps the validity, one by one: the card's expiry (card) or the card certificate's (phone), the authentication certificate issued with a signature certificate, the CA's own. */
  readonly limits: { readonly card?: Date; readonly authentication?: Date; readonly issuer?: Date };
  /** A renewal (更新): profiles may extend to the 6th birthday inside the renewal window. */
  readonly renewal?: boolean;
}

export interface IssuanceProfile {
  /** A name for logs and reports, e.g. "built-in minimal" or "spec/profiles". */
  readonly source: string;
  caCertificate(input: CaCertificateInput): CertificateContent;
  endEntityCertificate(input: EndEntityInput): CertificateContent;
}
