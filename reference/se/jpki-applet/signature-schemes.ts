/**
 * The JPKI-AP's signature operations (jpki.md §1.4): P1 00 pads the input as given with PKCS#1
 * v1.5 type 1 (the caller sends a DigestInfo); the empirical P1 01–05 hash on the card, wrap the
 * hash in a DigestInfo, or use RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt).
 */
import { constants, createHash, privateEncrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import { concatBytes } from '../../../runtime/index.js';
import type { SignatureScheme } from '../../../generated/apdu/jpki-ap.js';

/** RFC 8017 §9.2 note 1: the DER prefix of a SHA-256 DigestInfo. */
export const SHA256_DIGEST_INFO_PREFIX = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

/** k − 11 for a 2048-bit modulus: the longest input PKCS#1 v1.5 type-1 padding takes (RFC 8017 §9.2). */
export const MAX_PKCS1_INPUT = 245;

export class SignatureInputError extends Error {}

export function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

export function sha256DigestInfo(hash: Uint8Array): Uint8Array {
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, hash);
}

/** Signs `input` with the scheme named by P1; throws SignatureInputError for input the scheme does not accept (6985). */
export function signWithScheme(key: KeyObject, scheme: SignatureScheme, input: Uint8Array): Uint8Array {
  switch (scheme) {
    case 'verbatim':
      return pkcs1Type1(key, input);
    case 'sha256Bare':
      return pkcs1Type1(key, sha256(input));
    case 'preHashedDigestInfo':
      return pkcs1Type1(key, sha256DigestInfo(requireHash(input)));
    case 'sha256DigestInfo':
      return pkcs1Type1(key, sha256DigestInfo(sha256(input)));
    case 'preHashedPss':
      return rsaRaw(key, emsaPssEncode(requireHash(input), 2047));
    case 'sha256Pss':
      return new Uint8Array(sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
  }
}

function requireHash(input: Uint8Array): Uint8Array {
  if (input.length !== 32) throw new SignatureInputError(`a SHA-256 hash has 32 bytes, got ${input.length}`);
  return input;
}

function pkcs1Type1(key: KeyObject, input: Uint8Array): Uint8Array {
  if (input.length < 1 || input.length > MAX_PKCS1_INPUT) throw new SignatureInputError(`PKCS#1 v1.5 takes 1–${MAX_PKCS1_INPUT} bytes, got ${input.length}`);
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, input));
}

function rsaRaw(key: KeyObject, encoded: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, encoded));
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) over an already computed SHA-256 hash, salt 32 bytes. */
export function emsaPssEncode(mHash: Uint8Array, emBits: number): Uint8Array {
  const hashLength = 32;
  const emLength = Math.ceil(emBits / 8);
  const salt = randomBytes(hashLength);
  const h = sha256(concatBytes(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLength - hashLength - 1);
  db[db.length - salt.length - 1] = 0x01;
  db.set(salt, db.length - salt.length);
  const mask = mgf1Sha256(h, db.length);
  for (let index = 0; index < db.length; index += 1) db[index] = (db[index] ?? 0) ^ (mask[index] ?? 0);
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLength - emBits));
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

function mgf1Sha256(seed: Uint8Array, length: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter += 1) {
    blocks.push(sha256(concatBytes(seed, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff))));
  }
  return concatBytes(...blocks).subarray(0, length);
}
