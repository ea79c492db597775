/** Key check values. */
import { aesEcbEncrypt } from './aes.js';

const KCV_LENGTH = 3;

/** Amd D §7.2.2: AES-encrypt one block of sixteen '01' bytes and keep the three leftmost bytes. */
export function computeAesKeyCheckValue(key: Uint8Array): Uint8Array {
  return aesEcbEncrypt(key, new Uint8Array(16).fill(0x01)).slice(0, KCV_LENGTH);
}
