/**
 * Where the CA's private keys live. The CA only ever asks for a key by label, signs through it and
 * reads its public half, so a hardware module can stand behind the same interface later.
 */
import { JpkigenError } from '../../../runtime/errors.js';

export interface Keystore {
  /** Makes an RSA-2048 key (e = 65537) under `label`; returns its public key as SubjectPublicKeyInfo DER. Fails when the label exists. */
  generateKey(label: string): Promise<Uint8Array>;
  /** Whether a key is stored under `label`. */
  hasKey(label: string): Promise<boolean>;
  /** Every label, sorted. */
  labels(): Promise<readonly string[]>;
  /** The SubjectPublicKeyInfo DER of the key under `label`. */
  publicKey(label: string): Promise<Uint8Array>;
  /** sha256WithRSAEncryption (RSASSA-PKCS1-v1_5 over SHA-256) of `data` with the key under `label`. */
  sign(label: string, data: Uint8Array): Promise<Uint8Array>;
}

export type KeystoreErrorCode =
  | 'KEYSTORE_WRONG_PASSPHRASE'
  | 'KEYSTORE_TAMPERED'
  | 'KEYSTORE_MALFORMED'
  | 'KEYSTORE_KEY_NOT_FOUND'
  | 'KEYSTORE_KEY_EXISTS'
  | 'KEYSTORE_BAD_LABEL'
  | 'KEYSTORE_NO_PASSPHRASE';

export class KeystoreError extends JpkigenError {
  declare readonly code: KeystoreErrorCode;

  constructor(code: KeystoreErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Labels become parts of file records and log lines: keep them plain. */
export function checkKeyLabel(label: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/u.test(label)) {
    throw new KeystoreError('KEYSTORE_BAD_LABEL', `key label '${label.slice(0, 80)}': expected 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit`);
  }
}
