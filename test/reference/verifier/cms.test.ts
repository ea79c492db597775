/**
 * CMS SignedData against openssl both ways: messages from `openssl cms -sign` (attached and
 * detached, with and without signed attributes, RSA and EC, SHA-256 and SHA-384, signer by
 * issuer+serial or by key identifier) verify, tampering fails with its reason; and
 * `openssl cms -verify` accepts what signCms makes.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeContentInfo, type SignedData } from '../../../generated/asn1/index.js';
import { pemToDer } from '../../../runtime/der/pem.js';
import { signCms, verifyCms } from '../../../reference/verifier/cms.js';
import { openssl } from '../../helpers/openssl-asn1.js';
import { createOpensslPki, type OpensslPki } from '../../helpers/jpki-openssl-pki.js';

let pki: OpensslPki;
const content = new TextEncoder().encode('公的個人認証サービス 署名対象文書（見本）\n');
let ecCertificate: Uint8Array = new Uint8Array();

beforeAll(() => {
  pki = createOpensslPki([{ name: 'sign-card', ca: 'sign', serial: '01A2B3C5', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true }]);
  writeFileSync(pki.file('content.txt'), content);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pki.file('ec.key')]);
  openssl(['req', '-new', '-key', pki.file('ec.key'), '-subj', '/C=JP/CN=EC signer', '-out', pki.file('ec.csr')]);
  writeFileSync(pki.file('ec.ext'), 'keyUsage = critical, digitalSignature\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n');
  openssl(['x509', '-req', '-in', pki.file('ec.csr'), '-CA', pki.file('sign-ca.pem'), '-CAkey', pki.file('sign-ca.key'), '-set_serial', '0x0E0C', '-days', '30', '-extfile', pki.file('ec.ext'), '-out', pki.file('ec.pem')]);
  ecCertificate = pemToDer(readFileSync(pki.file('ec.pem'), 'utf8'));
});
afterAll(() => pki.remove());

function opensslSign(name: string, args: readonly string[], signer = 'sign-card.pem', key = 'sign-card.key'): Uint8Array {
  openssl(['cms', '-sign', '-binary', '-in', pki.file('content.txt'), '-signer', pki.file(signer), '-inkey', pki.file(key), '-outform', 'DER', '-out', pki.file(name), ...args]);
  return new Uint8Array(readFileSync(pki.file(name)));
}

const anchors = () => [pki.signCa];

describe('messages made by openssl cms -sign', () => {
  const cases: readonly { name: string; args: readonly string[]; ec?: boolean; detached: boolean }[] = [
    { name: 'attached-sha256', args: ['-nodetach', '-md', 'sha256'], detached: false },
    { name: 'detached-sha256', args: ['-md', 'sha256'], detached: true },
    { name: 'attached-sha384', args: ['-nodetach', '-md', 'sha384'], detached: false },
    { name: 'noattr-attached', args: ['-nodetach', '-noattr', '-md', 'sha256'], detached: false },
    { name: 'noattr-detached', args: ['-noattr', '-md', 'sha384'], detached: true },
    { name: 'keyid', args: ['-nodetach', '-keyid', '-md', 'sha256'], detached: false },
    { name: 'ec-attached', args: ['-nodetach', '-md', 'sha256'], ec: true, detached: false },
    { name: 'ec-detached-noattr', args: ['-noattr', '-md', 'sha384'], ec: true, detached: true },
  ];
  for (const { name, args, ec, detached } of cases) {
    it(`${name} verifies, with the signer's path to the anchor`, () => {
      const message = ec === true ? opensslSign(`${name}.der`, args, 'ec.pem', 'ec.key') : opensslSign(`${name}.der`, args);
      const result = verifyCms(message, { ...(detached ? { detachedContent: content } : {}), trustAnchors: anchors() });
      expect(result, JSON.stringify(result.signers.map((signer) => signer.reasons))).toMatchObject({ valid: true, contentType: '1.2.840.113549.1.7.1' });
      expect(Buffer.from(result.content ?? new Uint8Array()).equals(Buffer.from(content))).toBe(true);
      expect(result.signers).toHaveLength(1);
      expect(result.signers[0]).toMatchObject({ valid: true, path: 'valid', signatureAlgorithm: ec === true ? 'ECDSA' : 'RSASSA-PKCS1-v1_5' });
      if (detached) expect(verifyCms(message)).toMatchObject({ valid: false, reasons: [{ code: 'digestMismatch' }] });
    });
  }

  it('tampered content, signed attributes or signature fail with the right reason', () => {
    const message = opensslSign('tamper.der', ['-nodetach', '-md', 'sha256']);
    const text = Buffer.from(message);
    const contentAt = text.indexOf(Buffer.from(content));
    const tamperedContent = Buffer.from(message);
    tamperedContent[contentAt + 2] = (tamperedContent[contentAt + 2] ?? 0) ^ 1;
    expect(verifyCms(tamperedContent).signers[0]?.reasons.map((reason) => reason.code)).toEqual(['digestMismatch']);

    // The signing-time attribute's UTCTime: change one digit of the seconds.
    const signingTimeOid = Buffer.from('06092a864886f70d010905', 'hex');
    const timeAt = text.indexOf(signingTimeOid) + signingTimeOid.length + 2 + 2 + 10;
    const tamperedAttributes = Buffer.from(message);
    tamperedAttributes[timeAt] = tamperedAttributes[timeAt] === 0x30 ? 0x31 : 0x30;
    expect(verifyCms(tamperedAttributes).signers[0]?.reasons.map((reason) => reason.code)).toEqual(['signatureMismatch']);

    const tamperedSignature = Buffer.from(message);
    tamperedSignature[tamperedSignature.length - 5] = (tamperedSignature[tamperedSignature.length - 5] ?? 0) ^ 0x40;
    expect(verifyCms(tamperedSignature).signers[0]?.reasons.map((reason) => reason.code)).toEqual(['signatureMismatch']);

    const noattr = opensslSign('tamper-noattr.der', ['-noattr', '-md', 'sha256']);
    const otherContent = content.slice();
    otherContent[0] = (otherContent[0] ?? 0) ^ 1;
    expect(verifyCms(noattr, { detachedContent: otherContent }).signers[0]?.reasons.map((reason) => reason.code)).toEqual(['digestMismatch']);
  });

  it('an untrusted signer fails the path; garbage is a typed invalid result', () => {
    const message = opensslSign('untrusted.der', ['-nodetach']);
    expect(verifyCms(message, { trustAnchors: [pki.authCa] }).signers[0]?.reasons.map((reason) => reason.code)).toEqual(['untrustedIssuer']);
    expect(verifyCms(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toMatchObject({ valid: false, reasons: [{ code: 'malformedSignature' }] });
    for (let cut = 1; cut < message.length; cut += 97) expect(verifyCms(message.subarray(0, cut)).valid).toBe(false);
  });

  it('fuzz: byte mutations never throw, and none in the content, signed attributes or signature verifies', () => {
    const message = opensslSign('fuzz.der', ['-nodetach', '-md', 'sha256']);
    const signerInfo = ((decodeContentInfo(message).content.value as SignedData).signerInfos[0]);
    const bytes = Buffer.from(message);
    const regions = [
      [bytes.indexOf(Buffer.from(content)), content.length],
      [bytes.indexOf(Buffer.from(signerInfo?.$signedAttrsDer ?? new Uint8Array(1))), signerInfo?.$signedAttrsDer?.length ?? 0],
      [message.length - (signerInfo?.signature.length ?? 0), signerInfo?.signature.length ?? 0],
    ] as const;
    const covered = (at: number) => regions.some(([start, length]) => at >= start && at < start + length);
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    const stillValid: number[] = [];
    for (let round = 0; round < 400; round += 1) {
      const mutated = message.slice();
      const at = random() % mutated.length;
      const value = random() & 0xff;
      if (mutated[at] === value) continue;
      mutated[at] = value;
      if (verifyCms(mutated, { trustAnchors: anchors() }).valid) stillValid.push(at);
    }
    // What may survive a change is outside what the signature covers (e.g. the digestAlgorithms
    // SET, which RFC 5652 §5.1 makes informational).
    expect(stillValid.filter(covered)).toEqual([]);
    expect(stillValid.length).toBeLessThan(20);
  });
});

describe('openssl cms -verify accepts what signCms makes', () => {
  const cases = [
    { name: 'rsa attached', key: 'sign-card.key', certificate: () => pki.entity('sign-card').der, detached: false, signedAttributes: true, hash: 'SHA-256' as const },
    { name: 'rsa detached, no attributes, SHA-384', key: 'sign-card.key', certificate: () => pki.entity('sign-card').der, detached: true, signedAttributes: false, hash: 'SHA-384' as const },
    { name: 'ec attached by key identifier', key: 'ec.key', certificate: () => ecCertificate, detached: false, signedAttributes: true, hash: 'SHA-256' as const, keyId: true },
  ];
  for (const { name, key, certificate, detached, signedAttributes, hash, keyId } of cases) {
    it(name, () => {
      const privateKey = createPrivateKey(readFileSync(pki.file(key)));
      const message = signCms(content, { certificate: certificate(), privateKey, detached, signedAttributes, hash, ...(keyId === true ? { signerIdentifier: 'subjectKeyIdentifier' as const } : {}) });
      writeFileSync(pki.file('ours.der'), message);
      const args = ['cms', '-verify', '-inform', 'DER', '-in', pki.file('ours.der'), '-CAfile', pki.file('sign-ca.pem'), '-purpose', 'any', '-out', pki.file('ours.out')];
      if (detached) args.push('-content', pki.file('content.txt'), '-binary');
      openssl(args);
      expect(readFileSync(pki.file('ours.out')).equals(Buffer.from(content))).toBe(true);
      expect(verifyCms(message, { ...(detached ? { detachedContent: content } : {}), trustAnchors: anchors() }).valid).toBe(true);
    });
  }
});
