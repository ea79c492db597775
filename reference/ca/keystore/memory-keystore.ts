/** Keys held in memory only: for tests and the demo, where nothing must outlive the process. */
import { checkKeyLabel, KeystoreError, type Keystore } from './keystore.js';
import { HeldKeys } from './held-keys.js';
import { generateRsa2048 } from './rsa-keys.js';

export class MemoryKeystore extends HeldKeys implements Keystore {
  protected readonly where = '';

  async generateKey(label: string): Promise<Uint8Array> {
    checkKeyLabel(label);
    if (this.keys.has(label)) throw new KeystoreError('KEYSTORE_KEY_EXISTS', `a key labelled '${label}' already exists`);
    const pair = await generateRsa2048();
    this.keys.set(label, pair);
    return pair.publicKey;
  }
}
