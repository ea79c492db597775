/**
 * Profile-driven templates: certificates built from certificateExtensions + the generated encoders
 * and signed with node:crypto, read back by openssl (an independent parser) and verified by it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sign } from 'node:crypto';
import { decodeCertificate, decodeSubjectPublicKeyInfo, encodeCertificate, encodeExtension, encodeName, encodeTBSCertificate, type Extension } from '../../../generated/asn1/index.js';
import { certificateExtensions, certificateValidity, crlDistributionPointName, lintCertificate, ProfileTemplateError, subjectName } from '../../../generated/profiles/index.js';
import { derToPem } from '../../../runtime/der/pem.js';
import { bytesToHex } from '../../../runtime/hex.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';
import { issueFromProfile, rsaKeyPair } from '../../helpers/profile-issuer.js';

const work = temporaryFolder('jpkigen-profiles-');
afterAll(() => work.remove());

const PERSONAL = {
  name: '清瀬　太郎',
  nameSubstitutionFlags: '00000',
  sex: '1' as const,
  dateOfBirth: '419800615',
  address: '東京都清瀬市中里５丁目８４２番地',
  addressSubstitutionFlags: '0000000000000000',
};

function opensslText(der: Uint8Array, name: string): string {
  const file = path.join(work.folder, `${name}.pem`);
  writeFileSync(file, derToPem(der, 'CERTIFICATE'));
  return openssl(['x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus', '-certopt', 'ext_parse']);
}

/** The extension block of `openssl x509 -text`: extension names sit at a 12-space indent there. */
function extensionSection(text: string): string {
  return text.slice(text.indexOf('X509v3 extensions:'), text.lastIndexOf('Signature Algorithm:'));
}

function verifies(der: Uint8Array, caDer: Uint8Array, name: string): string {
  const file = path.join(work.folder, `${name}-v.pem`);
  const caFile = path.join(work.folder, `${name}-ca.pem`);
  writeFileSync(file, derToPem(der, 'CERTIFICATE'));
  writeFileSync(caFile, derToPem(caDer, 'CERTIFICATE'));
  // -attime: inside both validity periods; -no-CApath keeps the system store out.
  return openssl(['verify', '-no-CApath', '-no-CAfile', '-CAfile', caFile, '-attime', String(Date.UTC(2024, 5, 1) / 1000), '-purpose', 'any', file]).trim();
}

const caKey = rsaKeyPair();
const caName = subjectName('jpkiCa', { variant: 'authentication' });
const ca = issueFromProfile(
  {
    profile: 'jpkiCa',
    subject: caName,
    issuer: caName,
    serialNumber: 0x06d18006n,
    validity: certificateValidity('jpkiCa', { issuedAt: new Date('2023-07-16T01:01:04Z'), dateOfBirth: '000000000' }),
    inputs: { variant: 'authentication' },
    key: caKey,
  },
  decodeSubjectPublicKeyInfo,
);
const signCaKey = rsaKeyPair();
const signCaName = subjectName('jpkiCa', { variant: 'signature' });
const signCa = issueFromProfile(
  {
    profile: 'jpkiCa',
    subject: signCaName,
    issuer: signCaName,
    serialNumber: 0x067c6a21n,
    validity: certificateValidity('jpkiCa', { issuedAt: new Date('2023-07-16T00:50:27Z'), dateOfBirth: '000000000' }),
    inputs: { variant: 'signature' },
    key: signCaKey,
  },
  decodeSubjectPublicKeyInfo,
);

function authCertificate(overrides: { issuedAt?: Date } = {}) {
  return issueFromProfile(
    {
      profile: 'cardAuthentication',
      subject: subjectName('cardAuthentication', { commonName: '997794E9AGCIEG13221003A' }),
      issuer: caName,
      serialNumber: 0x018c0001n,
      validity: certificateValidity('cardAuthentication', { issuedAt: overrides.issuedAt ?? new Date('2024-03-01T03:00:00Z'), dateOfBirth: '419800615', caNotAfter: new Date('2033-07-15T14:59:59Z') }),
      inputs: {
        issuerCertificate: ca.der,
        crlDistributionPoint: encodeName(crlDistributionPointName('cardAuthentication', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' })),
      },
      signingKey: caKey.privateKey,
    },
    decodeSubjectPublicKeyInfo,
  );
}

const auth = authCertificate();
const signature = issueFromProfile(
  {
    profile: 'cardSignature',
    subject: subjectName('cardSignature', { commonName: '2024030112000012345ABCDE1234', prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' }),
    issuer: signCaName,
    serialNumber: 0x018c0002n,
    validity: certificateValidity('cardSignature', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: PERSONAL.dateOfBirth }),
    inputs: {
      issuerCertificate: signCa.der,
      crlDistributionPoint: encodeName(crlDistributionPointName('cardSignature', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' })),
      personalData: PERSONAL,
    },
    signingKey: signCaKey.privateKey,
  },
  decodeSubjectPublicKeyInfo,
);

describe('jpkiCa template', () => {
  const text = opensslText(ca.der, 'ca');

  it('gives the J-LIS CA extensions with their criticality, as openssl reads them', () => {
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/u);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/u);
    expect(text).toMatch(/X509v3 Subject Alternative Name: \n\s+DirName:/u);
    expect(text).toMatch(/X509v3 CRL Distribution Points: \n\s+Full Name:\n\s+DirName:C = JP, O = JPKI, OU = JPKI for user authentication, OU = Japan Agency for Local Authority Information Systems/u);
    expect(text).not.toContain('Authority Key Identifier');
    expect(text).toMatch(/Not Before: Jul 16 01:01:04 2023 GMT\s+Not After : Jul 15 14:59:59 2033 GMT/u);
  });

  it('writes the SKI as SHA-1 of the subjectPublicKey, equal to what openssl computes for the hash method', () => {
    const file = path.join(work.folder, 'ca.pem');
    const fromOpenssl = openssl(['x509', '-in', file, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]?.trim();
    const ski = decodeCertificate(ca.der).tbsCertificate.extensions?.find((extension) => extension.extnID === '2.5.29.14')?.extnValue.value as Uint8Array;
    expect(fromOpenssl?.replace(/:/gu, '').toLowerCase()).toBe(bytesToHex(ski).toLowerCase());
    // openssl's own key hash: x509 -pubkey | sha1 over the BIT STRING content, via -noout -pubkey + asn1parse.
    const pubkey = openssl(['x509', '-in', file, '-noout', '-pubkey']);
    const keyFile = path.join(work.folder, 'ca-pub.pem');
    writeFileSync(keyFile, pubkey);
    const bitString = openssl(['asn1parse', '-in', keyFile, '-strparse', '19', '-noout', '-out', path.join(work.folder, 'ca-key.der')]);
    expect(bitString).toBe('');
    const digest = openssl(['dgst', '-sha1', path.join(work.folder, 'ca-key.der')]).split('= ')[1]?.trim();
    expect(digest).toBe(bytesToHex(ski).toLowerCase());
  });

  it('openssl verifies it as a self-signed root', () => {
    expect(verifies(ca.der, ca.der, 'ca-self')).toMatch(/: OK$/u);
  });
});

describe('cardAuthentication template', () => {
  const text = opensslText(auth.der, 'auth');

  it('gives keyUsage, EKU, policy + CPS, IAN, CRLDP, AIA, AKI, SKI in the profile order', () => {
    const order = [...extensionSection(text).matchAll(/^ {12}(?:X509v3 )?([A-Z][A-Za-z ]+?):( critical)? ?$/gmu)].map((match) => `${match[1]}${match[2] ?? ''}`);
    expect(order).toEqual([
      'Key Usage critical',
      'Extended Key Usage',
      'Certificate Policies critical',
      'Issuer Alternative Name',
      'CRL Distribution Points',
      'Authority Information Access',
      'Authority Key Identifier',
      'Subject Key Identifier',
    ]);
  });

  it('carries the fixed values', () => {
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/u);
    expect(text).toMatch(/Extended Key Usage: \n\s+TLS Web Client Authentication/u);
    expect(text).toMatch(/Policy: 1\.2\.392\.200149\.8\.5\.1\.3\.30\n\s+CPS: http:\/\/www\.jpki\.go\.jp\/cps\.html/u);
    expect(text).toContain('OCSP - URI:http://ocspauthnorm.jpki.go.jp');
    expect(text).toContain('DirName:C = JP, O = JPKI, OU = JPKI for user authentication, OU = CRL Distribution Points, OU = Tokyo-to, CN = Kiyose-shi CRLDP');
    expect(text).toMatch(/serial:06:D1:80:06/u);
    expect(text).toMatch(/Not After : Jun 15 14:59:59 2028 GMT/u);
  });

  it('names the issuer in the AKI by the CA key identifier openssl reads from the CA', () => {
    const caSki = openssl(['x509', '-in', path.join(work.folder, 'ca.pem'), '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]?.trim();
    expect(text).toContain(`keyid:${caSki}`);
  });

  it('openssl verifies the chain', () => {
    expect(verifies(auth.der, ca.der, 'auth')).toMatch(/: OK$/u);
  });
});

describe('cardSignature template', () => {
  const text = opensslText(signature.der, 'sign');

  it('writes the six otherNames in the real order 1, 4, 3, 5, 2, 6', () => {
    const otherNames = [...text.matchAll(/othername: (?:UTF8STRING:)?(1\.2\.392\.200149\.8\.5\.5\.\d)/gu)].map((match) => match[1]);
    const fromDump = [...text.matchAll(/1\.2\.392\.200149\.8\.5\.5\.(\d)/gu)].map((match) => match[1]);
    expect(otherNames.length === 6 ? otherNames.map((oid) => oid?.slice(-1)) : fromDump.slice(0, 6)).toEqual(['1', '4', '3', '5', '2', '6']);
    expect(text).toContain('清瀬　太郎');
  });

  it('has keyUsage digitalSignature + nonRepudiation (critical) and the .1.20 policy (critical)', () => {
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/u);
    expect(text).toMatch(/Certificate Policies: critical\s+Policy: 1\.2\.392\.200149\.8\.5\.1\.1\.20/u);
    expect(text).not.toContain('Authority Information Access');
    expect(text).not.toContain('Extended Key Usage');
  });

  it('openssl verifies the chain', () => {
    expect(verifies(signature.der, signCa.der, 'sign')).toMatch(/: OK$/u);
  });
});

describe('template inputs', () => {
  it('refuses a missing issuer certificate, personal data or CRLDP with a typed error', () => {
    const key = rsaKeyPair();
    expect(() => certificateExtensions('cardAuthentication', { subjectPublicKeyInfo: key.publicKeyInfo })).toThrow(ProfileTemplateError);
    expect(() => certificateExtensions('cardSignature', { subjectPublicKeyInfo: key.publicKeyInfo, issuerCertificate: signCa.der, crlDistributionPoint: new Uint8Array([0x30, 0]) })).toThrow(/personalData/u);
    expect(() => certificateExtensions('jpkiCa', { subjectPublicKeyInfo: key.publicKeyInfo })).toThrow(/variant/u);
    expect(() => certificateExtensions('cardAuthentication', { subjectPublicKeyInfo: new Uint8Array([1, 2, 3]), issuerCertificate: ca.der })).toThrow(/subjectPublicKeyInfo does not decode/u);
  });

  it('refuses an unknown profile name', () => {
    expect(() => certificateExtensions('nope' as 'jpkiCa', { subjectPublicKeyInfo: rsaKeyPair().publicKeyInfo })).toThrow(/not a certificate profile/u);
  });

  it('gives Extension values the generated encoder writes (keyUsage as a minimal named bit string)', () => {
    const extensions: Extension[] = certificateExtensions('cardAuthentication', {
      subjectPublicKeyInfo: rsaKeyPair().publicKeyInfo,
      issuerCertificate: ca.der,
      crlDistributionPoint: encodeName(crlDistributionPointName('cardAuthentication', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' })),
    });
    // X.690 §11.2.2: 03 02 07 80 is digitalSignature alone.
    expect(bytesToHex(encodeExtension(extensions[0] as Extension))).toBe('300E0603551D0F0101FF040403020780');
  });
});

describe('template-built certificates lint clean against their profile', () => {
  it('jpkiCa (both variants), with the signature checked against itself', () => {
    expect(lintCertificate(ca.der, 'jpkiCa')).toEqual([]);
    expect(lintCertificate(signCa.der, 'jpkiCa')).toEqual([]);
  });

  it('cardAuthentication, with the issuer and the date of birth in context', () => {
    expect(lintCertificate(auth.der, 'cardAuthentication', { issuerCertificate: ca.der, dateOfBirth: PERSONAL.dateOfBirth })).toEqual([]);
  });

  it('cardSignature, the date of birth read from its own subjectAltName', () => {
    expect(lintCertificate(signature.der, 'cardSignature', { issuerCertificate: signCa.der, authenticationCertificate: auth.der })).toEqual([]);
  });

  it('smartphone certificates capped by the card certificates', () => {
    const phoneAuth = issueFromProfile(
      {
        profile: 'smartphoneAuthentication',
        subject: subjectName('smartphoneAuthentication', { commonName: '997794E9AGCIEG13221003B' }),
        issuer: caName,
        serialNumber: 0x018c0003n,
        validity: certificateValidity('smartphoneAuthentication', { issuedAt: new Date('2025-01-10T03:00:00Z'), dateOfBirth: PERSONAL.dateOfBirth, cardNotAfter: new Date('2028-06-15T14:59:59Z') }),
        inputs: { issuerCertificate: ca.der, crlDistributionPoint: encodeName(crlDistributionPointName('smartphoneAuthentication', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' })) },
        signingKey: caKey.privateKey,
      },
      decodeSubjectPublicKeyInfo,
    );
    const validity = certificateValidity('smartphoneSignature', {
      issuedAt: new Date('2025-01-10T03:00:00Z'),
      dateOfBirth: PERSONAL.dateOfBirth,
      cardNotAfter: new Date('2027-06-15T14:59:59Z'),
      authenticationNotAfter: new Date('2028-06-15T14:59:59Z'),
    });
    expect(validity.notAfter.toISOString()).toBe('2027-06-15T14:59:59.000Z');
    const phoneSign = issueFromProfile(
      {
        profile: 'smartphoneSignature',
        subject: subjectName('smartphoneSignature', { commonName: '2025011012000012345ABCDE1234', prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' }),
        issuer: signCaName,
        serialNumber: 0x018c0004n,
        validity,
        inputs: { issuerCertificate: signCa.der, crlDistributionPoint: encodeName(crlDistributionPointName('smartphoneSignature', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' })), personalData: PERSONAL },
        signingKey: signCaKey.privateKey,
      },
      decodeSubjectPublicKeyInfo,
    );
    expect(lintCertificate(phoneAuth.der, 'smartphoneAuthentication', { issuerCertificate: ca.der, cardCertificate: auth.der, dateOfBirth: PERSONAL.dateOfBirth })).toEqual([]);
    expect(lintCertificate(phoneSign.der, 'smartphoneSignature', { issuerCertificate: signCa.der, cardCertificate: signature.der, authenticationCertificate: phoneAuth.der })).toEqual([]);
    // The card signature certificate runs to 2028-06-15: the phone's 2027 end is its card's cap, not a birthday.
    expect(lintCertificate(phoneSign.der, 'cardSignature', { issuerCertificate: signCa.der }).map((finding) => finding.code)).toEqual(['extension.certificatePolicies.policyUnexpected', 'extension.certificatePolicies.policyMissing']);
  });

  it('a certificate signed by another key gives signature.invalid', () => {
    const forged = authCertificate();
    expect(lintCertificate(forged.der, 'cardAuthentication', { issuerCertificate: signCa.der }).map((finding) => finding.code)).toContain('signature.invalid');
  });
});

describe('lint rules on certificates varied from a clean template', () => {
  const key = rsaKeyPair();
  const crlDistributionPoint = encodeName(crlDistributionPointName('cardAuthentication', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' }));
  const build = (change: (extensions: Extension[]) => Extension[], subject = subjectName('cardAuthentication', { commonName: '997794E9AGCIEG13221003A' })) => {
    const der = issueFromProfile(
      {
        profile: 'cardAuthentication',
        subject,
        issuer: caName,
        serialNumber: 0x018c0010n,
        validity: certificateValidity('cardAuthentication', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: PERSONAL.dateOfBirth }),
        inputs: { issuerCertificate: ca.der, crlDistributionPoint },
        signingKey: caKey.privateKey,
        key,
      },
      decodeSubjectPublicKeyInfo,
    ).der;
    const certificate = decodeCertificate(der);
    const extensions = change([...(certificate.tbsCertificate.extensions ?? [])]);
    return issueFromProfileWithExtensions(extensions, subject);
  };
  const issueFromProfileWithExtensions = (extensions: Extension[], subject: ReturnType<typeof subjectName>) => {
    const tbs = {
      version: 2,
      serialNumber: 0x018c0010n,
      signature: { algorithm: '1.2.840.113549.1.1.11', parameters: { value: null } },
      issuer: caName,
      validity: { notBefore: { type: 'utcTime' as const, value: new Date('2024-03-01T03:00:00Z') }, notAfter: { type: 'utcTime' as const, value: new Date('2028-06-15T14:59:59Z') } },
      subject,
      subjectPublicKeyInfo: decodeSubjectPublicKeyInfo(key.publicKeyInfo),
      extensions,
    };
    return signTbs(tbs);
  };
  const codes = (der: Uint8Array) => lintCertificate(der, 'cardAuthentication', { issuerCertificate: ca.der, dateOfBirth: PERSONAL.dateOfBirth }).map((finding) => finding.code);

  it('the unchanged template is clean', () => {
    expect(codes(build((extensions) => extensions))).toEqual([]);
  });

  it('a repeated extension is extension.duplicate', () => {
    expect(codes(build((extensions) => [...extensions, extensions[1] as Extension]))).toContain('extension.duplicate');
  });

  it('another order is a notice only', () => {
    const findings = lintCertificate(build((extensions) => [...extensions].reverse()), 'cardAuthentication', { issuerCertificate: ca.der });
    expect(findings.map((finding) => [finding.severity, finding.code])).toEqual([['notice', 'extension.order']]);
  });

  it('an unknown non-critical extension is extension.unexpected with the profile severity, a critical one an error', () => {
    const unknown = (critical: boolean): Extension => ({ extnID: '1.3.6.1.4.1.99999.1', ...(critical ? { critical: true } : {}), extnValue: { der: new Uint8Array([0x05, 0x00]) } });
    expect(lintCertificate(build((extensions) => [...extensions, unknown(false)]), 'cardAuthentication').find((finding) => finding.code === 'extension.unexpected')?.path).toBe('tbsCertificate.extensions[1.3.6.1.4.1.99999.1]');
    expect(lintCertificate(build((extensions) => [...extensions, unknown(true)]), 'cardAuthentication').find((finding) => finding.code === 'extension.unexpected')?.severity).toBe('error');
  });

  it('a missing extension is extension.<name>.missing', () => {
    expect(codes(build((extensions) => extensions.filter((extension) => extension.extnID !== '2.5.29.37')))).toEqual(['extension.extKeyUsage.missing']);
  });

  it('an AKI naming another key is keyIdentifierMismatch, a wrong OCSP URL a warning', () => {
    const changed = build((extensions) =>
      extensions.map((extension) => {
        if (extension.extnID === '2.5.29.35') return { ...extension, extnValue: { value: { keyIdentifier: new Uint8Array(20), authorityCertIssuer: [{ type: 'directoryName' as const, value: caName }], authorityCertSerialNumber: 0x06d18006n } } };
        if (extension.extnID === '1.3.6.1.5.5.7.1.1') return { ...extension, extnValue: { value: [{ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: { type: 'uniformResourceIdentifier' as const, value: 'http://ocsp.example' } }] } };
        return extension;
      }),
    );
    const findings = lintCertificate(changed, 'cardAuthentication', { issuerCertificate: ca.der });
    expect(findings.map((finding) => [finding.severity, finding.code])).toEqual([
      ['warning', 'extension.authorityInfoAccess.ocspUrl'],
      ['error', 'extension.authorityKeyIdentifier.keyIdentifierMismatch'],
    ]);
  });
});

describe('jpkiCa variants', () => {
  it('an authentication CA DN with the signature alternative name is name.variantMismatch', () => {
    const key = rsaKeyPair();
    const mixed = issueFromProfile(
      { profile: 'jpkiCa', subject: caName, issuer: caName, serialNumber: 7n, validity: certificateValidity('jpkiCa', { issuedAt: new Date('2023-07-16T01:01:04Z'), dateOfBirth: '000000000' }), inputs: { variant: 'signature', crlDistributionPoint: encodeName(caName) }, key },
      decodeSubjectPublicKeyInfo,
    );
    expect(lintCertificate(mixed.der, 'jpkiCa').map((finding) => finding.code)).toEqual(['name.variantMismatch']);
  });
});

function signTbs(tbs: Parameters<typeof encodeTBSCertificate>[0]): Uint8Array {
  const tbsDer = encodeTBSCertificate(tbs);
  const signature = sign('sha256', tbsDer, caKey.privateKey);
  return encodeCertificate({ tbsCertificate: { ...tbs, $der: tbsDer }, signatureAlgorithm: { algorithm: '1.2.840.113549.1.1.11', parameters: { value: null } }, signature: { bytes: new Uint8Array(signature), unusedBits: 0 } });
}
