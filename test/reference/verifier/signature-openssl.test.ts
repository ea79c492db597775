/**
 * Signatures made by openssl (the independent signer): `openssl pkeyutl -sign` over a DER
 * DigestInfo as the JPKI-AP signs it, `openssl dgst -sign` for PKCS#1 v1.5, PSS and ECDSA. Each
 * verifies; each tampering fails with its reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemToDer } from '../../../runtime/der/pem.js';
import { hexToBytes } from '../../../runtime/hex.js';
import { digestInfoOf, hashOf } from '../../../reference/verifier/digest-info.js';
import { verifySignature } from '../../../reference/verifier/signature.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';

let folder = '';
let remove = () => undefined as void;
const file = (name: string) => path.join(folder, name);
const bytes = (name: string) => new Uint8Array(readFileSync(file(name)));
let rsaSpki: Uint8Array = new Uint8Array();
let ecSpki: Uint8Array = new Uint8Array();
let rsaCertificate: Uint8Array = new Uint8Array();
const nonce = hexToBytes('8f3a61c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f');

function signDigestInfo(name: string, digestInfo: Uint8Array): Uint8Array {
  writeFileSync(file(`${name}.in`), digestInfo);
  // pkeyutl refuses inputs over 64 octets as "too long to be a hash"; rsautl pads any input the same way.
  const tool = digestInfo.length <= 64 ? ['pkeyutl', '-sign', '-pkeyopt', 'rsa_padding_mode:pkcs1'] : ['rsautl', '-sign', '-pkcs'];
  openssl([...tool, '-inkey', file('rsa.key'), '-in', file(`${name}.in`), '-out', file(`${name}.sig`)]);
  return bytes(`${name}.sig`);
}

function dgstSign(key: string, hash: string, extra: readonly string[] = []): Uint8Array {
  openssl(['dgst', `-${hash}`, '-sign', file(key), ...extra, '-out', file('dgst.sig'), file('nonce.bin')]);
  return bytes('dgst.sig');
}

beforeAll(() => {
  ({ folder, remove } = temporaryFolder('jpkigen-sig-'));
  writeFileSync(file('nonce.bin'), nonce);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('rsa.key')]);
  openssl(['pkey', '-in', file('rsa.key'), '-pubout', '-outform', 'DER', '-out', file('rsa.spki')]);
  openssl(['req', '-new', '-x509', '-key', file('rsa.key'), '-subj', '/C=JP/CN=signature test', '-days', '1', '-outform', 'DER', '-out', file('rsa.cer')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('ec.key')]);
  openssl(['pkey', '-in', file('ec.key'), '-pubout', '-out', file('ec.pem')]);
  rsaSpki = bytes('rsa.spki');
  rsaCertificate = bytes('rsa.cer');
  ecSpki = pemToDer(readFileSync(file('ec.pem'), 'utf8'));
});
afterAll(() => remove());

describe('RSASSA-PKCS1-v1_5 as the JPKI-AP signs (pkeyutl over a DigestInfo)', () => {
  it('verifies over the data, the digest and the DigestInfo, with the SPKI or the certificate', () => {
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const digest = hashOf(hash, nonce);
      const signature = signDigestInfo(hash, digestInfoOf(hash, digest));
      for (const publicKey of [rsaSpki, rsaCertificate]) {
        expect(verifySignature({ publicKey, data: nonce, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash })).toEqual({ valid: true });
        expect(verifySignature({ publicKey, digest, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash })).toEqual({ valid: true });
        expect(verifySignature({ publicKey, digestInfo: digestInfoOf(hash, digest), signature, algorithm: 'RSASSA-PKCS1-v1_5', hash })).toEqual({ valid: true });
      }
    }
  });

  it('other data is a digestMismatch; a flipped bit, a signatureMismatch; a short one, malformed', () => {
    const signature = signDigestInfo('ok', digestInfoOf('SHA-256', hashOf('SHA-256', nonce)));
    const other = nonce.slice();
    other[0] = (other[0] ?? 0) ^ 1;
    expect(verifySignature({ publicKey: rsaSpki, data: other, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'digestMismatch' });
    const flipped = signature.slice();
    flipped[100] = (flipped[100] ?? 0) ^ 0x10;
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: flipped, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'signatureMismatch' });
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: signature.subarray(1), algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'malformedSignature' });
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' })).toMatchObject({ valid: false, reason: 'signatureMismatch' });
  });

  it('a DigestInfo without the NULL parameters, or the bare digest, is not accepted', () => {
    const digest = hashOf('SHA-256', nonce);
    // SEQUENCE { SEQUENCE { OID sha256 } OCTET STRING digest }: parameters absent (RFC 8017 allows
    // parsers to accept it; the card path never produces it, so the strict check refuses it).
    const withoutNull = hexToBytes(`302F300B0609608648016503040201 0420${Buffer.from(digest).toString('hex')}`);
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: signDigestInfo('nonull', withoutNull), algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({
      valid: false,
      reason: 'signatureMismatch',
    });
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: signDigestInfo('bare', digest), algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({
      valid: false,
      reason: 'signatureMismatch',
    });
  });

  it('SHA-1 only when allowed', () => {
    const signature = signDigestInfo('sha1', digestInfoOf('SHA-1', hashOf('SHA-1', nonce)));
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' })).toMatchObject({ valid: false, reason: 'algorithmNotAllowed' });
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', allowSha1: true })).toEqual({ valid: true });
  });

  it('openssl dgst -sign (the same scheme, hashed by openssl) verifies', () => {
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: dgstSign('rsa.key', 'sha256'), algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toEqual({ valid: true });
  });
});

describe('RSA-PSS (openssl dgst -sigopt rsa_padding_mode:pss)', () => {
  it('verifies over the data and over the digest with the salt length used; other lengths fail', () => {
    for (const saltLength of [32, 0, 20]) {
      const signature = dgstSign('rsa.key', 'sha256', ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${saltLength}`]);
      const digest = hashOf('SHA-256', nonce);
      expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature, algorithm: 'RSA-PSS', hash: 'SHA-256', saltLength })).toEqual({ valid: true });
      expect(verifySignature({ publicKey: rsaSpki, digest, signature, algorithm: 'RSA-PSS', hash: 'SHA-256', saltLength })).toEqual({ valid: true });
      expect(verifySignature({ publicKey: rsaSpki, digest, signature, algorithm: 'RSA-PSS', hash: 'SHA-256', saltLength: saltLength + 1 })).toMatchObject({ valid: false, reason: 'signatureMismatch' });
    }
  });
});

describe('ECDSA P-256 (openssl dgst -sign, DER signature)', () => {
  it('verifies; a tampered signature or data fails; an RSA scheme with an EC key is refused', () => {
    const signature = dgstSign('ec.key', 'sha256');
    expect(verifySignature({ publicKey: ecSpki, data: nonce, signature, algorithm: 'ECDSA', hash: 'SHA-256' })).toEqual({ valid: true });
    expect(verifySignature({ publicKey: ecSpki, data: nonce.subarray(1), signature, algorithm: 'ECDSA', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'signatureMismatch' });
    expect(verifySignature({ publicKey: ecSpki, data: nonce, signature: signature.subarray(0, 10), algorithm: 'ECDSA', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'malformedSignature' });
    expect(verifySignature({ publicKey: ecSpki, data: nonce, signature, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'algorithmNotAllowed' });
  });
});

describe('garbage', () => {
  it('never throws: a bad key is malformedCertificate, bad inputs get a reason', () => {
    const garbage = hexToBytes('300300010203');
    expect(verifySignature({ publicKey: garbage, data: nonce, signature: garbage, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'malformedCertificate' });
    expect(verifySignature({ publicKey: rsaSpki, signature: garbage, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'digestMismatch' });
    expect(verifySignature({ publicKey: rsaSpki, data: nonce, signature: garbage, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'MD5' as never })).toMatchObject({ valid: false, reason: 'algorithmNotAllowed' });
    expect(verifySignature({ publicKey: rsaSpki, digest: nonce.subarray(1), signature: garbage, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).toMatchObject({ valid: false, reason: 'digestMismatch' });
    for (let seed = 0; seed < 300; seed += 1) {
      const random = new Uint8Array(seed % 300).map((_, index) => (index * 31 + seed * 17) & 0xff);
      const verdict = verifySignature({ publicKey: seed % 2 === 0 ? random : rsaSpki, data: random, signature: random, algorithm: (['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA'] as const)[seed % 3] ?? 'ECDSA', hash: 'SHA-256' });
      expect(verdict.valid).toBe(false);
    }
  });
});
