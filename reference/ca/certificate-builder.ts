/** Assembles, signs and encodes X.509 v3 certificates through the generated PKIX codecs. */
import { createPublicKey } from 'node:crypto';
import { decodeSubjectPublicKeyInfo, encodeCertificate, encodeTBSCertificate, type AlgorithmIdentifier, type Name, type TBSCertificate } from '../../generated/asn1/index.js';
import { CaError } from './ca-errors.js';
import type { CertificateContent } from './issuance-profile.js';

export const SHA256_WITH_RSA_ENCRYPTION = '1.2.840.113549.1.1.11';

/** sha256WithRSAEncryption with NULL parameters (RFC 4055 §5: the NULL is present for the PKCS #1 v1.5 signature OIDs). */
export const SHA256_WITH_RSA: AlgorithmIdentifier = { algorithm: SHA256_WITH_RSA_ENCRYPTION, parameters: { value: null as never } };

/** The AlgorithmIdentifier above as DER: 30 0d 06 09 2a864886f70d01010b 05 00. */
export const SHA256_WITH_RSA_DER = new Uint8Array([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00]);

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
type Time = TBSCertificate['validity']['notBefore'];

export function certificateTime(time: Date): Time {
  return time.getUTCFullYear() < 2050 ? { type: 'utcTime', value: time } : { type: 'generalTime', value: time };
}

/** JPKI keys are RSA-2048 with e = 65537 (jpki.md §2.1–2.3); anything else is refused before issuance. */
export function checkSubjectPublicKey(subjectPublicKeyInfo: Uint8Array, what: string): void {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(subjectPublicKeyInfo), format: 'der', type: 'spki' });
  } catch (error) {
    throw new CaError('CA_BAD_PUBLIC_KEY', `${what}: expected a SubjectPublicKeyInfo (DER) of an RSA key: ${(error as Error).message}`, { cause: error });
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'rsa' || details?.modulusLength !== 2048 || details.publicExponent !== 65537n) {
    throw new CaError('CA_BAD_PUBLIC_KEY', `${what}: expected an RSA-2048 key with e = 65537, got ${key.asymmetricKeyType ?? '?'} ${details?.modulusLength ?? '?'} bits e = ${details?.publicExponent ?? '?'}`);
  }
}

export interface CertificateToSign {
  readonly serialNumber: bigint;
  readonly issuer: Name;
  /** SubjectPublicKeyInfo DER. */
  readonly subjectPublicKey: Uint8Array;
  readonly content: CertificateContent;
  /** Signs the exact tbsCertificate DER with sha256WithRSAEncryption. */
  readonly sign: (tbsCertificate: Uint8Array) => Promise<Uint8Array>;
}

export async function buildCertificate(request: CertificateToSign): Promise<Uint8Array> {
  const tbsCertificate: TBSCertificate = {
    version: 2,
    serialNumber: request.serialNumber,
    signature: SHA256_WITH_RSA,
    issuer: request.issuer,
    validity: { notBefore: certificateTime(request.content.notBefore), notAfter: certificateTime(request.content.notAfter) },
    subject: request.content.subject,
    subjectPublicKeyInfo: decodeSubjectPublicKeyInfo(request.subjectPublicKey),
    extensions: [...request.content.extensions],
  };
  const tbsDer = encodeTBSCertificate(tbsCertificate);
  const signature = await request.sign(tbsDer);
  return encodeCertificate({ tbsCertificate: { ...tbsCertificate, $der: tbsDer }, signatureAlgorithm: SHA256_WITH_RSA, signature: { bytes: signature, unusedBits: 0 } });
}
