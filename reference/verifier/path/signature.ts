/**
 * Signature checks over certificates, CRLs and OCSP responses with node:crypto. Verdicts are
 * memoised in a bounded LRU keyed by SHA-256 over (signed bytes, signature, algorithm, key), and
 * KeyObjects are cached per SPKI: a verifier checks the same CA signatures again and again.
 */
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AlgorithmIdentifier } from '../../../generated/asn1/pkix1-explicit88.js';
import { decodeHashAlgorithm, decodeRSASSAPSSParams, type RSASSAPSSParams } from '../../../generated/asn1/pkix1-pss-oaep-algorithms.js';
import { BoundedCache } from './bounded-cache.js';

export type SignatureVerdict = 'valid' | 'invalid' | 'unsupportedAlgorithm' | 'unsupportedKey';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const DSA = '1.2.840.10040.4.1';

const HASH_BY_OID: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HASH_LENGTH: Readonly<Record<string, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

interface Scheme {
  readonly keyAlgorithm: string;
  readonly hash: string;
}

// RFC 4055 §5, RFC 5758 §3, RFC 3279 §2.2 — signature algorithm identifiers.
const SCHEMES: Readonly<Record<string, Scheme>> = {
  '1.2.840.113549.1.1.5': { keyAlgorithm: RSA_ENCRYPTION, hash: 'sha1' },
  '1.2.840.113549.1.1.14': { keyAlgorithm: RSA_ENCRYPTION, hash: 'sha224' },
  '1.2.840.113549.1.1.11': { keyAlgorithm: RSA_ENCRYPTION, hash: 'sha256' },
  '1.2.840.113549.1.1.12': { keyAlgorithm: RSA_ENCRYPTION, hash: 'sha384' },
  '1.2.840.113549.1.1.13': { keyAlgorithm: RSA_ENCRYPTION, hash: 'sha512' },
  '1.2.840.10045.4.1': { keyAlgorithm: EC_PUBLIC_KEY, hash: 'sha1' },
  '1.2.840.10045.4.3.1': { keyAlgorithm: EC_PUBLIC_KEY, hash: 'sha224' },
  '1.2.840.10045.4.3.2': { keyAlgorithm: EC_PUBLIC_KEY, hash: 'sha256' },
  '1.2.840.10045.4.3.3': { keyAlgorithm: EC_PUBLIC_KEY, hash: 'sha384' },
  '1.2.840.10045.4.3.4': { keyAlgorithm: EC_PUBLIC_KEY, hash: 'sha512' },
  '1.2.840.10040.4.3': { keyAlgorithm: DSA, hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { keyAlgorithm: DSA, hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { keyAlgorithm: DSA, hash: 'sha256' },
};

const keyCache = new BoundedCache<string, KeyObject | null>(1024);
const verdictCache = new BoundedCache<string, SignatureVerdict>(16384);

function publicKeyFor(spkiDer: Uint8Array): KeyObject | null {
  const cacheKey = Buffer.from(spkiDer.buffer, spkiDer.byteOffset, spkiDer.byteLength).toString('latin1');
  return keyCache.getOrCreate(cacheKey, () => {
    try {
      return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
    } catch {
      return null;
    }
  });
}

function pssParameters(algorithm: AlgorithmIdentifier): { hash: string; saltLength: number } | undefined {
  const parameters = algorithm.parameters;
  let decoded: RSASSAPSSParams;
  try {
    decoded = (parameters?.value as RSASSAPSSParams | undefined) ?? (parameters?.der === undefined ? {} : decodeRSASSAPSSParams(parameters.der));
  } catch {
    return undefined;
  }
  // RFC 4055 §3.1 defaults: SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
  const hash = HASH_BY_OID[decoded.hashAlgorithm?.algorithm ?? '1.3.14.3.2.26'];
  if (hash === undefined) return undefined;
  const mask = decoded.maskGenAlgorithm;
  let maskHash = 'sha1';
  if (mask !== undefined) {
    if (mask.algorithm !== MGF1) return undefined;
    let inner: AlgorithmIdentifier | undefined;
    try {
      inner = (mask.parameters?.value as AlgorithmIdentifier | undefined) ?? (mask.parameters?.der === undefined ? undefined : decodeHashAlgorithm(mask.parameters.der));
    } catch {
      return undefined;
    }
    const found = inner === undefined ? undefined : HASH_BY_OID[inner.algorithm];
    if (found === undefined) return undefined;
    maskHash = found;
  }
  // node:crypto's PSS uses the message hash for MGF1 too; other combinations cannot be checked.
  if (maskHash !== hash) return undefined;
  if ((decoded.trailerField ?? 1n) !== 1n) return undefined;
  const saltLength = Number(decoded.saltLength ?? 20n);
  if (!Number.isSafeInteger(saltLength) || saltLength < 0 || saltLength > 1024) return undefined;
  return { hash, saltLength };
}

function computeVerdict(algorithm: AlgorithmIdentifier, signed: Uint8Array, signature: Uint8Array, spkiDer: Uint8Array, keyAlgorithm: string): SignatureVerdict {
  const key = publicKeyFor(spkiDer);
  if (key === null) return 'unsupportedKey';
  try {
    if (algorithm.algorithm === RSASSA_PSS) {
      if (keyAlgorithm !== RSA_ENCRYPTION && keyAlgorithm !== RSASSA_PSS) return 'unsupportedKey';
      const pss = pssParameters(algorithm);
      if (pss === undefined) return 'unsupportedAlgorithm';
      const ok = verify(pss.hash, signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature);
      return ok ? 'valid' : 'invalid';
    }
    const scheme = SCHEMES[algorithm.algorithm];
    if (scheme === undefined) return 'unsupportedAlgorithm';
    if (scheme.keyAlgorithm !== keyAlgorithm) return 'unsupportedKey';
    if (scheme.keyAlgorithm === RSA_ENCRYPTION) {
      // RFC 4055 §5: the parameters of the PKCS #1 v1.5 identifiers are NULL (or, tolerated, absent).
      const parameters = algorithm.parameters?.der;
      if (parameters !== undefined && !(parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00)) return 'unsupportedAlgorithm';
    }
    const ok = verify(scheme.hash, signed, scheme.keyAlgorithm === EC_PUBLIC_KEY || scheme.keyAlgorithm === DSA ? { key, dsaEncoding: 'der' } : key, signature);
    return ok ? 'valid' : 'invalid';
  } catch {
    // node:crypto throws on structurally wrong signatures (bad DER, wrong length): a bad signature.
    return 'invalid';
  }
}

function lengthPrefixed(hash: ReturnType<typeof createHash>, part: Uint8Array | string): void {
  const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length);
  hash.update(length).update(bytes);
}

/**
 * Checks `signature` over `signed` under `algorithm` with the key in `spkiDer` (whose algorithm
 * OID is `keyAlgorithm`).
 */
export function checkSignature(algorithm: AlgorithmIdentifier, signed: Uint8Array, signature: Uint8Array, spkiDer: Uint8Array, keyAlgorithm: string): SignatureVerdict {
  const memo = createHash('sha256');
  lengthPrefixed(memo, signed);
  lengthPrefixed(memo, signature);
  lengthPrefixed(memo, algorithm.algorithm);
  lengthPrefixed(memo, algorithm.parameters?.der ?? new Uint8Array(0));
  lengthPrefixed(memo, spkiDer);
  const key = memo.digest('base64');
  return verdictCache.getOrCreate(key, () => computeVerdict(algorithm, signed, signature, spkiDer, keyAlgorithm));
}

export function hashNameForOid(oid: string): string | undefined {
  return HASH_BY_OID[oid];
}

export function hashLength(name: string): number | undefined {
  return HASH_LENGTH[name];
}
