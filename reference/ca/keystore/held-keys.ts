/** The reading half both keystores share: RSA keys held decrypted in memory, by label. */
import type { Keystore } from './keystore.js';
import { KeystoreError } from './keystore.js';
import { signSha256WithRsa, type RsaKeyPair } from './rsa-keys.js';

export abstract class HeldKeys implements Pick<Keystore, 'hasKey' | 'labels' | 'publicKey' | 'sign'> {
  protected readonly keys = new Map<string, RsaKeyPair>();

  /** Where the keys live, for error messages (e.g. ` in /path/keystore.json`). */
  protected abstract readonly where: string;

  async hasKey(label: string): Promise<boolean> {
    return this.keys.has(label);
  }

  async labels(): Promise<readonly string[]> {
    return [...this.keys.keys()].sort();
  }

  async publicKey(label: string): Promise<Uint8Array> {
    return this.entry(label).publicKey;
  }

  async sign(label: string, data: Uint8Array): Promise<Uint8Array> {
    return signSha256WithRsa(this.entry(label).privateKey, data);
  }

  protected entry(label: string): RsaKeyPair {
    const entry = this.keys.get(label);
    if (entry === undefined) throw new KeystoreError('KEYSTORE_KEY_NOT_FOUND', `no key labelled '${label}'${this.where}`);
    return entry;
  }
}
