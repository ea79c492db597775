/**
 * Issues certificates from the generated profile templates with node:crypto keys and the
 * generated encoders: what the reference CA does, small enough for tests.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeCertificate, encodeTBSCertificate, type Name, type TBSCertificate } from '../../generated/asn1/index.js';
import { certificateExtensions, certificateValidity, type CertificateProfileName, type CertificateTemplateInputs } from '../../generated/profiles/index.js';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface IssuedCertificate {
  readonly der: Uint8Array;
  readonly privateKey: KeyObject;
  readonly publicKeyInfo: Uint8Array;
}

export function rsaKeyPair(bits = 2048): { privateKey: KeyObject; publicKeyInfo: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return { privateKey, publicKeyInfo: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
}

export interface IssueOptions {
  readonly profile: CertificateProfileName;
  readonly subject: Name;
  readonly issuer: Name;
  readonly serialNumber: bigint;
  readonly validity: { notBefore: Date; notAfter: Date };
  readonly inputs: Omit<CertificateTemplateInputs, 'subjectPublicKeyInfo'>;
  readonly signingKey?: KeyObject;
  readonly key?: { privateKey: KeyObject; publicKeyInfo: Uint8Array };
}

export function issueFromProfile(options: IssueOptions, decodeSpki: (der: Uint8Array) => TBSCertificate['subjectPublicKeyInfo']): IssuedCertificate {
  const key = options.key ?? rsaKeyPair();
  const tbs: TBSCertificate = {
    version: 2,
    serialNumber: options.serialNumber,
    signature: { algorithm: SHA256_WITH_RSA, parameters: { value: null } },
    issuer: options.issuer,
    validity: { notBefore: { type: 'utcTime', value: options.validity.notBefore }, notAfter: { type: 'utcTime', value: options.validity.notAfter } },
    subject: options.subject,
    subjectPublicKeyInfo: decodeSpki(key.publicKeyInfo),
    extensions: certificateExtensions(options.profile, { ...options.inputs, subjectPublicKeyInfo: key.publicKeyInfo }),
  };
  const tbsDer = encodeTBSCertificate(tbs);
  const signature = sign('sha256', tbsDer, options.signingKey ?? key.privateKey);
  const der = encodeCertificate({
    tbsCertificate: { ...tbs, $der: tbsDer },
    signatureAlgorithm: { algorithm: SHA256_WITH_RSA, parameters: { value: null } },
    signature: { bytes: new Uint8Array(signature), unusedBits: 0 },
  });
  return { der, privateKey: key.privateKey, publicKeyInfo: key.publicKeyInfo };
}

export { certificateValidity };
