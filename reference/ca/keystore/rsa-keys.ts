/** RSA key generation and PKCS #1 v1.5 signing with node:crypto, shared by both keystores. */
import { createPrivateKey, createPublicKey, generateKeyPair, sign as signWith, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  readonly publicKey: Uint8Array;
}

export async function generateRsa2048(): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return { privateKey, publicKey: toBytes(publicKey.export({ type: 'spki', format: 'der' })) };
}

export function privateKeyFromPkcs8(der: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
}

export function privateKeyToPkcs8(key: KeyObject): Uint8Array {
  return toBytes(key.export({ type: 'pkcs8', format: 'der' }));
}

export function publicKeyOf(privateKey: KeyObject): Uint8Array {
  return toBytes(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

/** RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2), node's default padding for RSA keys. */
export function signSha256WithRsa(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return toBytes(signWith('sha256', data, privateKey));
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
