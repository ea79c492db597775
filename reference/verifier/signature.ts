/**
 * One signature check: RSASSA-PKCS1-v1_5 (strict DigestInfo, as the JPKI-AP signs it), RSA-PSS and
 * ECDSA (DER-encoded signatures), over data, a digest or (PKCS#1 v1.5) the DER DigestInfo itself.
 */
import { constants, createHash, publicDecrypt, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { constantTimeEqual } from '../../runtime/bytes.js';
import { decodeEcdsaSigValue } from '../../generated/asn1/index.js';
import type { HashAlgorithm, SignatureAlgorithm, VerificationReasonCode } from '../../generated/messages/types.js';
import { digestFromDigestInfo, HASHES, hashOf, isHashAlgorithm } from './digest-info.js';
import { tryPublicKeyOf, type PublicKeyFacts } from './public-key.js';

/** Why a signature failed; malformedCertificate when the key itself cannot be read. */
export type SignatureFailureCode = Extract<VerificationReasonCode, 'signatureMismatch' | 'digestMismatch' | 'malformedSignature' | 'algorithmNotAllowed' | 'malformedCertificate'>;

export type SignatureVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: SignatureFailureCode; readonly detail: string };

export interface VerifySignatureInput {
  /** SubjectPublicKeyInfo or certificate DER. */
  readonly publicKey: Uint8Array;
  /** The signed data (hashed here with `hash`). */
  readonly data?: Uint8Array;
  /** The digest of the signed data. */
  readonly digest?: Uint8Array;
  /** The exact DER DigestInfo that was signed (RSASSA-PKCS1-v1_5 only), as the JPKI-AP receives it. */
  readonly digestInfo?: Uint8Array;
  readonly signature: Uint8Array;
  readonly algorithm: SignatureAlgorithm;
  readonly hash: HashAlgorithm;
  /** RSA-PSS salt length in octets; the hash length when absent. */
  readonly saltLength?: number;
  /** SHA-1 is refused unless this is set. */
  readonly allowSha1?: boolean;
}

const ALGORITHMS: readonly SignatureAlgorithm[] = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA'];

export function verifySignature(input: VerifySignatureInput): SignatureVerdict {
  const refused = refuseAlgorithm(input);
  if (refused !== undefined) return refused;
  const key = tryPublicKeyOf(input.publicKey);
  if (key instanceof Error) return fail('malformedCertificate', key.message);
  if (!(input.signature instanceof Uint8Array)) return fail('malformedSignature', 'the signature is not bytes');
  const content = contentOf(input);
  if ('reason' in content) return content;
  switch (input.algorithm) {
    case 'RSASSA-PKCS1-v1_5':
      return verifyPkcs1(key, input.hash, content, input.signature);
    case 'RSA-PSS':
      return verifyPss(key, input.hash, content, input.signature, input.saltLength ?? HASHES[input.hash].digestLength);
    case 'ECDSA':
      return verifyEcdsa(key, input.hash, content, input.signature);
  }
}

function refuseAlgorithm(input: VerifySignatureInput): SignatureVerdict | undefined {
  if (!ALGORITHMS.includes(input.algorithm)) return fail('algorithmNotAllowed', `signature algorithm ${String(input.algorithm)} is not one of ${ALGORITHMS.join(', ')}`);
  if (!isHashAlgorithm(input.hash)) return fail('algorithmNotAllowed', `hash ${String(input.hash)} is not one of ${Object.keys(HASHES).join(', ')}`);
  if (input.hash === 'SHA-1' && input.allowSha1 !== true) return fail('algorithmNotAllowed', 'SHA-1 is not accepted (allowSha1 not set)');
  if (input.digestInfo !== undefined && input.algorithm !== 'RSASSA-PKCS1-v1_5') return fail('algorithmNotAllowed', 'a DigestInfo is signed only with RSASSA-PKCS1-v1_5');
  if (input.saltLength !== undefined && (input.algorithm !== 'RSA-PSS' || !Number.isInteger(input.saltLength) || input.saltLength < 0)) {
    return fail('algorithmNotAllowed', 'a salt length goes only with RSA-PSS and is a non-negative integer');
  }
  return undefined;
}

/** What was signed, in the forms the schemes need: the data when given, and always the digest. */
type SignedContent = { readonly data?: Uint8Array; readonly digest: Uint8Array };

function contentOf(input: VerifySignatureInput): SignedContent | Extract<SignatureVerdict, { valid: false }> {
  const given = [input.data, input.digest, input.digestInfo].filter((part) => part !== undefined);
  if (given.length !== 1 || !(given[0] instanceof Uint8Array)) return fail('digestMismatch', 'give exactly one of data, digest or digestInfo, as bytes');
  const { digestLength } = HASHES[input.hash];
  if (input.data !== undefined) return { data: input.data, digest: hashOf(input.hash, input.data) };
  if (input.digest !== undefined) {
    if (input.digest.length !== digestLength) return fail('digestMismatch', `a ${input.hash} digest has ${digestLength} octets, not ${input.digest.length}`);
    return { digest: input.digest };
  }
  const digest = digestFromDigestInfo(input.hash, input.digestInfo as Uint8Array);
  if (digest === undefined) return fail('digestMismatch', `the DigestInfo is not the DER DigestInfo of ${input.hash} (NULL parameters, ${digestLength}-octet digest)`);
  return { digest };
}

/**
 * RFC 8017 §8.2.2 with the encoding compared, not parsed: the recovered block must be exactly
 * DigestInfo(hash, digest). publicDecrypt with PKCS#1 padding checks the 00 01 FF…FF 00 frame.
 */
function verifyPkcs1(key: PublicKeyFacts, hash: HashAlgorithm, content: SignedContent, signature: Uint8Array): SignatureVerdict {
  if (key.type !== 'rsa') return fail('algorithmNotAllowed', 'RSASSA-PKCS1-v1_5 needs an RSA key');
  if (signature.length !== modulusOctets(key)) return fail('malformedSignature', `an RSA-${key.modulusBits} signature has ${modulusOctets(key)} octets, not ${signature.length}`);
  let recovered: Uint8Array;
  try {
    recovered = publicDecrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return fail('signatureMismatch', 'the signature does not open with the key (RSA value or PKCS#1 padding wrong)');
  }
  const recoveredDigest = digestFromDigestInfo(hash, recovered);
  if (recoveredDigest === undefined) return fail('signatureMismatch', `the signed block is not the DER DigestInfo of ${hash}`);
  if (!constantTimeEqual(recoveredDigest, content.digest)) return fail('digestMismatch', 'the signed DigestInfo holds another digest');
  return { valid: true };
}

function verifyPss(key: PublicKeyFacts, hash: HashAlgorithm, content: SignedContent, signature: Uint8Array, saltLength: number): SignatureVerdict {
  if (key.type !== 'rsa') return fail('algorithmNotAllowed', 'RSA-PSS needs an RSA key');
  if (signature.length !== modulusOctets(key)) return fail('malformedSignature', `an RSA-${key.modulusBits} signature has ${modulusOctets(key)} octets, not ${signature.length}`);
  if (content.data !== undefined) {
    const ok = safeNodeVerify(HASHES[hash].nodeName, content.data, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    return ok ? { valid: true } : fail('signatureMismatch', 'the RSA-PSS signature does not verify');
  }
  return emsaPssVerify(key, hash, content.digest, signature, saltLength);
}

/**
 * RFC 8017 §9.1.2 EMSA-PSS-VERIFY over a digest (node:crypto verifies PSS only over data), with
 * MGF1 over the same hash.
 */
function emsaPssVerify(key: PublicKeyFacts, hash: HashAlgorithm, messageHash: Uint8Array, signature: Uint8Array, saltLength: number): SignatureVerdict {
  let opened: Uint8Array;
  try {
    opened = publicDecrypt({ key: key.key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return fail('signatureMismatch', 'the signature is not below the RSA modulus');
  }
  const { digestLength, nodeName } = HASHES[hash];
  const emBits = key.modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  const leading = opened.subarray(0, opened.length - emLength);
  const encoded = opened.subarray(opened.length - emLength);
  const mismatch = fail('signatureMismatch', 'the RSA-PSS encoding does not verify');
  if (leading.some((byte) => byte !== 0)) return mismatch;
  if (emLength < digestLength + saltLength + 2 || encoded[emLength - 1] !== 0xbc) return mismatch;
  const maskedDb = encoded.subarray(0, emLength - digestLength - 1);
  const h = encoded.subarray(emLength - digestLength - 1, emLength - 1);
  const topBits = 8 * emLength - emBits;
  const topMask = 0xff >> topBits;
  if (((maskedDb[0] ?? 0) & ~topMask & 0xff) !== 0) return mismatch;
  const db = mgf1(nodeName, h, maskedDb.length);
  for (let index = 0; index < db.length; index += 1) db[index] = (db[index] ?? 0) ^ (maskedDb[index] ?? 0);
  db[0] = (db[0] ?? 0) & topMask;
  const separator = emLength - digestLength - saltLength - 2;
  for (let index = 0; index < separator; index += 1) if (db[index] !== 0) return mismatch;
  if (db[separator] !== 0x01) return mismatch;
  const salt = db.subarray(db.length - saltLength);
  const expected = createHash(nodeName).update(new Uint8Array(8)).update(messageHash).update(salt).digest();
  return constantTimeEqual(h, new Uint8Array(expected)) ? { valid: true } : mismatch;
}

function mgf1(hashName: string, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const counter = new Uint8Array(4);
  let offset = 0;
  for (let round = 0; offset < length; round += 1) {
    new DataView(counter.buffer).setUint32(0, round);
    const block = createHash(hashName).update(seed).update(counter).digest();
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
    offset += block.length;
  }
  return out;
}

function verifyEcdsa(key: PublicKeyFacts, hash: HashAlgorithm, content: SignedContent, signature: Uint8Array): SignatureVerdict {
  if (key.type !== 'ec') return fail('algorithmNotAllowed', 'ECDSA needs an EC key');
  try {
    decodeEcdsaSigValue(signature);
  } catch {
    return fail('malformedSignature', 'the ECDSA signature is not a DER Ecdsa-Sig-Value');
  }
  if (content.data === undefined) return fail('algorithmNotAllowed', 'ECDSA is verified over the data only (node:crypto has no pre-hashed ECDSA verification)');
  const ok = safeNodeVerify(HASHES[hash].nodeName, content.data, { key: key.key, dsaEncoding: 'der' }, signature);
  return ok ? { valid: true } : fail('signatureMismatch', 'the ECDSA signature does not verify');
}

function safeNodeVerify(hashName: string, data: Uint8Array, key: { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'der' }, signature: Uint8Array): boolean {
  try {
    return nodeVerify(hashName, data, key, signature);
  } catch {
    return false;
  }
}

function modulusOctets(key: PublicKeyFacts): number {
  return Math.ceil(key.modulusBits / 8);
}

function fail(reason: SignatureFailureCode, detail: string): Extract<SignatureVerdict, { valid: false }> {
  return { valid: false, reason, detail };
}
