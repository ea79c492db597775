/**
 * The real J-LIS CA certificates and the synthetic signature certificate through the generated
 * PKIX codecs: byte-exact round trips, and every field we check compared with what openssl (an
 * independent parser) reports, never with constants taken from our own decoder.
 */
import { readFileSync } from 'node:fs';
import { createVerify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeCertificate,
  encodeCertificate,
  decodeSubjectAltName,
  idCeSubjectAltName,
  idCeKeyUsage,
  idCeBasicConstraints,
  idCeSubjectKeyIdentifier,
  idCeCertificatePolicies,
  type Certificate,
  type DirectoryString,
  type GeneralName,
  type Name,
} from '../../generated/asn1/index.js';
import { bytesToHex } from '../../runtime/hex.js';
import { pemToDer } from '../../runtime/der/pem.js';
import { extensionStrings, openssl } from '../helpers/openssl-asn1.js';

const CA_FILES = ['auth_ca_2015.pem', 'auth_ca_2023.pem', 'sign_ca_2015.pem', 'sign_ca_2023.pem'].map((name) => `../shared/fixtures/jpki-ca/${name}`);
const SYNTHETIC = '../shared/fixtures/jpki-shape/synthetic-sign-cert.pem';

function derOf(file: string): Uint8Array {
  return pemToDer(readFileSync(file, 'utf8'));
}

/** The text of a directory-name attribute value (DirectoryString CHOICE or a plain string). */
function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  const choice = value as DirectoryString;
  return choice.value;
}

function nameStrings(name: Name): string[] {
  return name.value.flatMap((rdn) => rdn.map((attribute) => attributeText(attribute.value.value)));
}

function nameAsOpenSsl(name: Name): string {
  const short: Record<string, string> = { '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.3': 'CN', '2.5.4.7': 'L', '2.5.4.8': 'ST' };
  return name.value.map((rdn) => rdn.map((attribute) => `${short[attribute.type] ?? attribute.type}=${attributeText(attribute.value.value)}`).join('+')).join(',');
}

function extension(certificate: Certificate, id: string) {
  return certificate.tbsCertificate.extensions?.find((entry) => entry.extnID === id);
}

function opensslDate(text: string): Date {
  return new Date(text.replace(/^not(Before|After)=/u, '').trim());
}

describe.each([...CA_FILES, SYNTHETIC])('%s', (file) => {
  const der = derOf(file);
  const certificate = decodeCertificate(der);

  it('round-trips byte-exactly, from kept bytes and from the decoded fields', () => {
    expect(bytesToHex(encodeCertificate(certificate))).toBe(bytesToHex(der));
    expect(bytesToHex(encodeCertificate(certificate, { useKeptDer: false }))).toBe(bytesToHex(der));
  });

  it('keeps the exact bytes of tbsCertificate (what the signature covers) and the signature verifies over them', () => {
    const tbs = certificate.tbsCertificate.$der;
    expect(tbs).toBeDefined();
    const x509 = new X509Certificate(der);
    const issuerFile = file === SYNTHETIC ? undefined : file;
    if (issuerFile !== undefined) {
      // Self-signed: node:crypto verifies the signature over the tbsCertificate bytes we kept.
      expect(x509.verify(x509.publicKey)).toBe(true);
      const verifier = createVerify('sha256');
      verifier.update(tbs as Uint8Array);
      expect(verifier.verify(x509.publicKey, certificate.signature.bytes)).toBe(true);
    }
  });

  it('reports the serial number, validity, issuer and subject openssl reports', () => {
    const serial = openssl(['x509', '-in', file, '-noout', '-serial']).trim().replace(/^serial=/u, '');
    expect(certificate.tbsCertificate.serialNumber).toBe(BigInt(`0x${serial}`));
    const dates = openssl(['x509', '-in', file, '-noout', '-startdate', '-enddate']).trim().split('\n');
    expect(certificate.tbsCertificate.validity.notBefore.value.getTime()).toBe(opensslDate(dates[0] ?? '').getTime());
    expect(certificate.tbsCertificate.validity.notAfter.value.getTime()).toBe(opensslDate(dates[1] ?? '').getTime());
    const names = openssl(['x509', '-in', file, '-noout', '-issuer', '-subject', '-nameopt', 'utf8,sep_comma_plus']).trim().split('\n');
    expect(`issuer=${nameAsOpenSsl(certificate.tbsCertificate.issuer)}`).toBe(names[0]);
    expect(`subject=${nameAsOpenSsl(certificate.tbsCertificate.subject)}`).toBe(names[1]);
  });

  it('decodes the extensions through the OID registry as openssl reads them', () => {
    const text = openssl(['x509', '-in', file, '-noout', '-ext', 'keyUsage,basicConstraints,subjectKeyIdentifier']);
    const keyUsage = extension(certificate, idCeKeyUsage);
    expect(keyUsage?.critical).toBe(/Key Usage: critical/u.test(text));
    const bits = keyUsage?.extnValue.value as { bytes: Uint8Array; unusedBits: number };
    const usages = [bits.bytes[0]! & 0x80 ? 'Digital Signature' : '', bits.bytes[0]! & 0x40 ? 'Non Repudiation' : '', bits.bytes[0]! & 0x04 ? 'Certificate Sign' : '', bits.bytes[0]! & 0x02 ? 'CRL Sign' : ''].filter((usage) => usage !== '');
    expect(text).toContain(usages.join(', '));
    const subjectKeyIdentifier = extension(certificate, idCeSubjectKeyIdentifier)?.extnValue.value as Uint8Array;
    expect(text.replace(/\s+/gu, '')).toContain(`Identifier:${(bytesToHex(subjectKeyIdentifier).match(/../gu) ?? []).join(':')}`);
    const basicConstraints = extension(certificate, idCeBasicConstraints);
    if (basicConstraints !== undefined) expect(text).toContain(`CA:${(basicConstraints.extnValue.value as { cA?: boolean }).cA === true ? 'TRUE' : 'FALSE'}`);
  });
});

describe.each(CA_FILES)('J-LIS CA %s subjectAltName', (file) => {
  it('decodes the directory name in Japanese, string for string as openssl asn1parse reads it', () => {
    const certificate = decodeCertificate(derOf(file));
    const san = extension(certificate, idCeSubjectAltName)?.extnValue.value as GeneralName[];
    expect(san).toHaveLength(1);
    const directoryName = san[0];
    if (directoryName?.type !== 'directoryName') throw new Error('the CA SAN is a directoryName');
    const ours = nameStrings(directoryName.value);
    expect(ours).toEqual(extensionStrings(file, 'X509v3 Subject Alternative Name'));
    expect(ours.some((value) => /公的個人認証サービス/u.test(value))).toBe(true);
    // The extension's own bytes decode the same way on their own.
    const raw = extension(certificate, idCeSubjectAltName)?.extnValue.der as Uint8Array;
    expect(decodeSubjectAltName(raw)).toEqual(san);
  });
});

describe('synthetic JPKI signature certificate personal data', () => {
  const certificate = decodeCertificate(derOf(SYNTHETIC));

  it('decodes the six otherName entries (arc 1.2.392.200149.8.5.5) to the strings openssl prints, in the card order 1, 4, 3, 5, 2, 6', () => {
    const text = openssl(['x509', '-in', SYNTHETIC, '-noout', '-ext', 'subjectAltName', '-nameopt', 'utf8']);
    const expected = [...text.matchAll(/othername: ([\d.]+)::([^,\n]*)/gu)].map((match) => [match[1], match[2]]);
    const san = extension(certificate, idCeSubjectAltName)?.extnValue.value as GeneralName[];
    const ours = san.map((name) => {
      if (name.type !== 'otherName') throw new Error('personal data are otherName entries');
      return [name.value.typeId, name.value.value.value];
    });
    expect(ours).toEqual(expected);
    expect(ours.map(([id]) => (id as string).split('.').pop())).toEqual(['1', '4', '3', '5', '2', '6']);
    // 氏名 separates family and given names with a full-width space (jpki.md §2.3).
    expect(ours[0]?.[1]).toContain('\u3000');
  });

  it('decodes the certificate policy and CPS qualifier as openssl reports them', () => {
    const text = openssl(['x509', '-in', SYNTHETIC, '-noout', '-ext', 'certificatePolicies']);
    const policies = extension(certificate, idCeCertificatePolicies)?.extnValue.value as { policyIdentifier: string; policyQualifiers?: { qualifier: { value?: unknown } }[] }[];
    expect(text).toContain(`Policy: ${policies[0]?.policyIdentifier}`);
    expect(text).toContain(`CPS: ${String(policies[0]?.policyQualifiers?.[0]?.qualifier.value)}`);
  });
});
