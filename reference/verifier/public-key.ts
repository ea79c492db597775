/**
 * Public keys from SubjectPublicKeyInfo or certificate DER, as node:crypto KeyObjects. Building a
 * KeyObject costs far more than one RSA verification, so keys are cached by their DER.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeCertificate, decodeSubjectPublicKeyInfo, encodeSubjectPublicKeyInfo } from '../../generated/asn1/index.js';
import { VerifierError } from './errors.js';

export interface PublicKeyFacts {
  readonly key: KeyObject;
  readonly type: 'rsa' | 'ec';
  /** RSA modulus length in bits (0 for EC). */
  readonly modulusBits: number;
  /** EC named curve as node:crypto names it (empty for RSA). */
  readonly namedCurve: string;
}

const CACHE_LIMIT = 2048;
/** Keyed by the bytes object, checked against a copy of its bytes (an overwritten buffer is not trusted). */
const byIdentity = new WeakMap<Uint8Array, { readonly copy: Buffer; readonly facts: PublicKeyFacts }>();
const byContent = new Map<string, PublicKeyFacts>();

/** The key of `der`: a SubjectPublicKeyInfo, or a certificate whose subjectPublicKeyInfo is taken. */
export function publicKeyOf(der: Uint8Array): PublicKeyFacts {
  const known = byIdentity.get(der);
  if (known !== undefined && known.copy.equals(der)) return known.facts;
  const contentKey = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let facts = byContent.get(contentKey);
  if (facts === undefined) {
    facts = describeKey(createPublicKey({ key: Buffer.from(subjectPublicKeyInfoOf(der)), format: 'der', type: 'spki' }));
    if (byContent.size >= CACHE_LIMIT) byContent.delete(byContent.keys().next().value as string);
    byContent.set(contentKey, facts);
  }
  byIdentity.set(der, { copy: Buffer.from(der), facts });
  return facts;
}

function subjectPublicKeyInfoOf(der: Uint8Array): Uint8Array {
  try {
    decodeSubjectPublicKeyInfo(der);
    return der;
  } catch {
    // not an SPKI: a certificate, then
  }
  try {
    return encodeSubjectPublicKeyInfo(decodeCertificate(der).tbsCertificate.subjectPublicKeyInfo);
  } catch (error) {
    throw new VerifierError('invalidPublicKey', 'the public key is neither a DER SubjectPublicKeyInfo nor a DER certificate', { cause: error });
  }
}

function describeKey(key: KeyObject): PublicKeyFacts {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { key, type: 'rsa', modulusBits: details.modulusLength ?? 0, namedCurve: '' };
  if (key.asymmetricKeyType === 'ec') return { key, type: 'ec', modulusBits: 0, namedCurve: details.namedCurve ?? '' };
  throw new VerifierError('invalidPublicKey', `unsupported key type ${String(key.asymmetricKeyType)} (expected RSA or EC)`);
}

/** Wraps a key decoding failure so callers see one typed error. */
export function tryPublicKeyOf(der: Uint8Array): PublicKeyFacts | VerifierError {
  try {
    return publicKeyOf(der);
  } catch (error) {
    return error instanceof VerifierError ? error : new VerifierError('invalidPublicKey', 'the public key could not be read', { cause: error });
  }
}
