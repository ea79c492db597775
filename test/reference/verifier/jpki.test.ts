/**
 * The JPKI checks on their own: classification by policy, issuer generation by AKI against the
 * real J-LIS CA certificates (shared/fixtures/jpki-ca) and the synthetic signature certificate
 * with a real AKI (shared/fixtures/jpki-shape), 基本4情報 extraction and its checks, linkage
 * following over JSON records and a CA-signed DER LinkageList, and the opt-in profile lint.
 */
import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLinkageList, encodeTBSLinkageList, type TBSLinkageList } from '../../../generated/asn1/index.js';
import { validateCertificateSummary } from '../../../generated/messages/validators.js';
import type { LinkageRecord } from '../../../generated/messages/types.js';
import { pemToDer } from '../../../runtime/der/pem.js';
import { certificateFacts } from '../../../reference/verifier/certificate-facts.js';
import { prepareTrustAnchors, resolveIssuerCaId } from '../../../reference/verifier/jpki-anchors.js';
import { classifyCertificate, jpkiCertificateReasons } from '../../../reference/verifier/jpki-classify.js';
import { dateOfBirthProblem, extractBasicFourInfo } from '../../../reference/verifier/jpki-identity.js';
import { followLinkage, linkageStepsOf, readLinkageList } from '../../../reference/verifier/jpki-linkage.js';
import { jpkiProfileLinter } from '../../../reference/verifier/jpki-profile.js';
import { summarizeCertificate } from '../../../reference/verifier/jpki-summary.js';
import { createVerifier } from '../../../reference/verifier/verifier.js';
import { createOpensslPki, SIGNER, type OpensslPki } from '../../helpers/jpki-openssl-pki.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const fixtures = path.resolve(repositoryRoot, '../shared/fixtures');
const pem = (name: string) => pemToDer(readFileSync(path.join(fixtures, name), 'utf8'));
let pki: OpensslPki;

beforeAll(() => {
  pki = createOpensslPki();
});
afterAll(() => pki.remove());

describe('J-LIS CA generations', () => {
  it('the real CA certificates resolve to their ids by fingerprint', () => {
    const anchors = prepareTrustAnchors([pem('jpki-ca/auth_ca_2015.pem'), pem('jpki-ca/auth_ca_2023.pem'), pem('jpki-ca/sign_ca_2015.pem'), pem('jpki-ca/sign_ca_2023.pem')]);
    expect(anchors.map((anchor) => anchor.caId)).toEqual(['authca01', 'authca03', 'signca01', 'signca03']);
  });

  it('a certificate names its issuer generation by AKI key id (the synthetic certificate carries signca02’s)', () => {
    const facts = certificateFacts(pem('jpki-shape/synthetic-sign-cert.pem'));
    expect(resolveIssuerCaId(facts, [])).toBe('signca02');
    const summary = summarizeCertificate(facts, []);
    expect(summary).toMatchObject({ issuerCaId: 'signca02', certificateKind: 'signature', carrier: 'card', serialNumber: '01', policyOids: ['1.2.392.200149.8.5.1.1.20'] });
    expect(validateCertificateSummary(summary)).toBe(true);
  });

  it('a labelled simulated anchor wins by key id; without key id match, the AKI serial of a J-LIS generation', () => {
    const facts = certificateFacts(pki.entity('sign-card').der);
    expect(resolveIssuerCaId(facts, prepareTrustAnchors([{ certificate: pki.signCa, caId: 'signca02' }]))).toBe('signca02');
    expect(resolveIssuerCaId(facts, [])).toBe('signca03');
  });
});

describe('classification and JPKI checks', () => {
  it('kind and carrier by policy OID', () => {
    const classes = ['sign-card', 'sign-phone', 'auth-card', 'auth-phone'].map((name) => classifyCertificate(certificateFacts(pki.entity(name).der)));
    expect(classes.map(({ kind, carrier }) => `${kind}/${carrier}`)).toEqual(['signature/card', 'signature/smartphone', 'userAuthentication/card', 'userAuthentication/smartphone']);
  });

  it('policy, key usage and kind reasons', () => {
    expect(jpkiCertificateReasons(certificateFacts(pki.entity('sign-card').der))).toEqual([]);
    expect(jpkiCertificateReasons(certificateFacts(pki.entity('sign-card').der), 'userAuthentication').map((reason) => reason.code)).toEqual(['certificateKindMismatch']);
    expect(jpkiCertificateReasons(certificateFacts(pki.entity('sign-no-nr').der)).map((reason) => reason.code)).toEqual(['keyUsageMismatch']);
    expect(jpkiCertificateReasons(certificateFacts(pki.entity('sign-no-policy').der)).map((reason) => reason.code)).toEqual(['policyMismatch']);
  });
});

describe('基本4情報', () => {
  it('are read from the SAN otherNames', () => {
    expect(extractBasicFourInfo(certificateFacts(pki.entity('sign-card').der))).toEqual(SIGNER);
    expect(extractBasicFourInfo(certificateFacts(pki.entity('auth-card').der))).toBeUndefined();
  });

  it('substitution flags must count the characters (the synthetic certificate’s do not), and the error names no value', () => {
    const read = () => extractBasicFourInfo(certificateFacts(pem('jpki-shape/synthetic-sign-cert.pem')));
    expect(read).toThrow(/nameSubstitutionFlags is not one 0\/1 per character of name/u);
    expect(read).not.toThrow(/なかもと/u);
  });

  it('the era must agree with the date', () => {
    expect(dateOfBirthProblem('319850515')).toBeUndefined();
    expect(dateOfBirthProblem('419890108')).toBeUndefined();
    expect(dateOfBirthProblem('319890108')).toMatch(/era/u);
    expect(dateOfBirthProblem('520190430')).toMatch(/era/u);
    expect(dateOfBirthProblem('019000000')).toBeUndefined();
    expect(dateOfBirthProblem('3198505')).toMatch(/EYYYYMMDD/u);
    expect(dateOfBirthProblem('31985000')).toMatch(/EYYYYMMDD/u);
    expect(dateOfBirthProblem('319850000')).toBeUndefined();
  });
});

describe('old/new linkage', () => {
  const records: LinkageRecord[] = [
    { issuer: 'signca03', oldIssuer: 'signca02', oldSerial: '0135D2E8', newSerial: '01A2B3C5', reason: 'reissue', linkedAt: '2024-05-20T01:23:45Z' },
    { issuer: 'signca03', oldSerial: '01A2B3C5', newSerial: '01A2C0F1', reason: 'mobileIssued', linkedAt: '2024-06-12T00:15:02Z' },
    { issuer: 'signca03', oldSerial: '01A2C0F1', newSerial: '01A9D4E2', reason: 'mobileReplaced', linkedAt: '2025-01-10T02:30:00Z' },
    { issuer: 'signca03', oldSerial: '01A2B3C5', newSerial: '01B00001', reason: 'renewal', linkedAt: '2028-01-10T00:00:00Z' },
  ];

  it('follows renewals and reissues from a card certificate; phone certificates issued on the way are listed apart', () => {
    const resolution = followLinkage(linkageStepsOf(records), '0135D2E8');
    expect(resolution.current).toBe('01B00001');
    expect(resolution.steps.map((step) => step.reason)).toEqual(['reissue', 'renewal']);
    expect(resolution.mobileIssued.map((step) => step.newSerial)).toEqual(['01A2C0F1']);
  });

  it('follows a phone certificate to its replacement; a serial with no successor is current; leading zeros do not matter', () => {
    expect(followLinkage(linkageStepsOf(records), '01A2C0F1').current).toBe('01A9D4E2');
    expect(followLinkage(linkageStepsOf(records), '0001A9D4E2')).toMatchObject({ current: '01A9D4E2', steps: [] });
  });

  it('detects loops and refuses non-hex serials with a typed error', () => {
    const looping = linkageStepsOf([
      { issuer: 'authca03', oldSerial: '01', newSerial: '02', reason: 'renewal', linkedAt: '2024-01-01T00:00:00Z' },
      { issuer: 'authca03', oldSerial: '02', newSerial: '03', reason: 'renewal', linkedAt: '2024-02-01T00:00:00Z' },
      { issuer: 'authca03', oldSerial: '03', newSerial: '01', reason: 'reissue', linkedAt: '2024-03-01T00:00:00Z' },
    ]);
    expect(() => followLinkage(looping, '01')).toThrow(expect.objectContaining({ code: 'linkageLoop' }));
    expect(() => followLinkage(looping, 'zz')).toThrow(expect.objectContaining({ code: 'invalidInput' }));
  });

  it('reads a CA-signed DER LinkageList, checks its signature with the CA certificate, and refuses a tampered one', () => {
    const caKey = readFileSync(pki.file('sign-ca.key'));
    const issuer = certificateFacts(pki.signCa).certificate.tbsCertificate.subject;
    const tbs: TBSLinkageList = {
      issuer,
      thisUpdate: new Date('2025-01-11T00:00:00Z'),
      nextUpdate: new Date('2025-01-12T00:00:00Z'),
      records: [
        { issuer, oldSerialNumber: 0x0135d2e8n, newSerialNumber: 0x01a2b3c5n, reason: 'reissue', linkedAt: new Date('2024-05-20T01:23:45Z') },
        { issuer, oldSerialNumber: 0x01a2b3c5n, newSerialNumber: 0x01b00001n, reason: 'renewal', linkedAt: new Date('2028-01-10T00:00:00Z') },
      ],
    };
    const tbsDer = encodeTBSLinkageList(tbs);
    const signature = new Uint8Array(sign('sha256', tbsDer, caKey));
    const der = encodeLinkageList({ tbsLinkageList: tbs, signatureAlgorithm: { algorithm: '1.2.840.113549.1.1.11', parameters: { value: null } }, signature: { bytes: signature, unusedBits: 0 } });
    const list = readLinkageList(der, pki.signCa);
    expect(followLinkage(list.steps, '0135D2E8').current).toBe('01B00001');
    const tampered = der.slice();
    const at = Buffer.from(der).indexOf(Buffer.from([0x01, 0xb0, 0x00, 0x01]));
    tampered[at + 3] = 0x02;
    expect(() => readLinkageList(tampered, pki.signCa)).toThrow(expect.objectContaining({ code: 'invalidLinkageList' }));
    expect(() => readLinkageList(der, pki.authCa)).toThrow(expect.objectContaining({ code: 'invalidLinkageList' }));
    expect(() => readLinkageList(new Uint8Array([0x30, 0x00]))).toThrow(expect.objectContaining({ code: 'invalidLinkageList' }));
  });
});

describe('profile lint (opt-in)', () => {
  it('error findings of spec/profiles become reasons when profileCheck is on', async () => {
    const findings = jpkiProfileLinter(pki.entity('sign-card').der, 'signature').filter((finding) => finding.severity === 'error');
    expect(findings.length).toBeGreaterThan(0);
    const verifier = createVerifier({ trustAnchors: [{ certificate: pki.signCa, caId: 'signca03' }], revocation: { crls: [pki.signCrl] }, profileCheck: true });
    const decision = await verifier.verifyInput({ certificate: pki.entity('sign-no-policy').der, signature: new Uint8Array(256), content: { digest: new Uint8Array(32) }, signatureAlgorithm: 'RSASSA-PKCS1-v1_5', hashAlgorithm: 'SHA-256' });
    expect(decision.decision).toBe('invalid');
    if (decision.decision === 'invalid') expect(decision.reasons.map((reason) => reason.code)).toEqual(expect.arrayContaining(['policyMismatch', 'malformedCertificate']));
  });
});
