/** Keys held in memory only: for tests and the demo, where nothing must outlive the process. */
import type { KeyObject } from 'node:crypto';
import { checkKeyLabel, KeystoreError, type Keystore } from './keystore.js';
import { generateRsa2048, signSha256WithRsa } from './rsa-keys.js';

export class MemoryKeystore implements Keystore {
  readonly #keys = new Map<string, { privateKey: KeyObject; publicKey: Uint8Array }>();

  async generateKey(label: string): Promise<Uint8Array> {
    checkKeyLabel(label);
    if (this.#keys.has(label)) throw new KeystoreError('KEYSTORE_KEY_EXISTS', `a key labelled '${label}' already exists`);
    const pair = await generateRsa2048();
    this.#keys.set(label, pair);
    return pair.publicKey;
  }

  async hasKey(label: string): Promise<boolean> {
    return this.#keys.has(label);
  }

  async labels(): Promise<readonly string[]> {
    return [...this.#keys.keys()].sort();
  }

  async publicKey(label: string): Promise<Uint8Array> {
    return this.#entry(label).publicKey;
  }

  async sign(label: string, data: Uint8Array): Promise<Uint8Array> {
    return signSha256WithRsa(this.#entry(label).privateKey, data);
  }

  #entry(label: string): { privateKey: KeyObject; publicKey: Uint8Array } {
    const entry = this.#keys.get(label);
    if (entry === undefined) throw new KeystoreError('KEYSTORE_KEY_NOT_FOUND', `no key labelled '${label}'`);
    return entry;
  }
}
