/**
 * Hash names and the DER DigestInfo each one is signed as under RSASSA-PKCS1-v1_5. The prefixes
 * are the fixed encodings of RFC 8017 §9.2 note 1 (DigestAlgorithm with NULL parameters), the same
 * bytes spec/messages/common/hash-algorithm.yaml lists and the JPKI-AP receives in
 * COMPUTE DIGITAL SIGNATURE (80 2A 00 80).
 */
import { hash as oneShotHash } from 'node:crypto';
import { concatBytes } from '../../runtime/bytes.js';
import { hexToBytes } from '../../runtime/hex.js';
import type { HashAlgorithm } from '../../generated/messages/types.js';

export interface HashDescription {
  /** The name node:crypto knows it by. */
  readonly nodeName: string;
  readonly digestLength: number;
  readonly digestInfoPrefix: Uint8Array;
  /** The AlgorithmIdentifier OID (CMS digestAlgorithm). */
  readonly oid: string;
}

export const HASHES: Readonly<Record<HashAlgorithm, HashDescription>> = {
  'SHA-1': { nodeName: 'sha1', digestLength: 20, digestInfoPrefix: hexToBytes('3021300906052B0E03021A05000414'), oid: '1.3.14.3.2.26' },
  'SHA-256': { nodeName: 'sha256', digestLength: 32, digestInfoPrefix: hexToBytes('3031300D060960864801650304020105000420'), oid: '2.16.840.1.101.3.4.2.1' },
  'SHA-384': { nodeName: 'sha384', digestLength: 48, digestInfoPrefix: hexToBytes('3041300D060960864801650304020205000430'), oid: '2.16.840.1.101.3.4.2.2' },
  'SHA-512': { nodeName: 'sha512', digestLength: 64, digestInfoPrefix: hexToBytes('3051300D060960864801650304020305000440'), oid: '2.16.840.1.101.3.4.2.3' },
};

export function isHashAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && Object.hasOwn(HASHES, value);
}

export function hashOf(hash: HashAlgorithm, data: Uint8Array): Uint8Array {
  // The one-shot form skips the Hash object a createHash call builds.
  return oneShotHash(HASHES[hash].nodeName, data, 'buffer');
}

/** The exact DER DigestInfo for `digest` (whose length must match the hash). */
export function digestInfoOf(hash: HashAlgorithm, digest: Uint8Array): Uint8Array {
  return concatBytes(HASHES[hash].digestInfoPrefix, digest);
}

/** The digest inside `digestInfo` when it is exactly the DER DigestInfo of `hash`; undefined otherwise. */
export function digestFromDigestInfo(hash: HashAlgorithm, digestInfo: Uint8Array): Uint8Array | undefined {
  const { digestInfoPrefix, digestLength } = HASHES[hash];
  if (digestInfo.length !== digestInfoPrefix.length + digestLength) return undefined;
  for (let index = 0; index < digestInfoPrefix.length; index += 1) if (digestInfo[index] !== digestInfoPrefix[index]) return undefined;
  return digestInfo.subarray(digestInfoPrefix.length);
}

/** The hash whose OID this is (CMS digestAlgorithm), if it is one of ours. */
export function hashByOid(oid: string): HashAlgorithm | undefined {
  for (const [name, description] of Object.entries(HASHES)) if (description.oid === oid) return name as HashAlgorithm;
  return undefined;
}
