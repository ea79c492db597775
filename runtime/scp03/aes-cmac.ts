/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493) built on AES-ECB, as Amd D §4.1.3 prescribes for C-MAC,
 * R-MAC and the KDF's PRF. Full 16-byte output; SCP03 truncates where it needs to.
 */
import { AesKey } from './aes.js';
import { BLOCK_SIZE } from './bytes.js';

/** R_128 of SP 800-38B §5.3: the constant folded in when a doubled subkey overflows. */
const RB = 0x87;

const ZERO_BLOCK = new Uint8Array(BLOCK_SIZE);

/** Doubling in GF(2^128) (SP 800-38B §6.1 step 2–3): shift left one bit, fold the carry into the last byte. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK_SIZE);
  for (let index = 0; index < BLOCK_SIZE; index += 1) {
    out[index] = (((block[index] ?? 0) << 1) | ((block[index + 1] ?? 0) >>> 7)) & 0xff;
  }
  if (((block[0] ?? 0) & 0x80) !== 0) out[BLOCK_SIZE - 1] = (out[BLOCK_SIZE - 1] ?? 0) ^ RB;
  return out;
}

/** A CMAC key: the AES key with its two subkeys derived once, reused for every message. */
export class AesCmac {
  readonly #cipher: AesKey;
  readonly #k1: Uint8Array;
  readonly #k2: Uint8Array;

  constructor(key: Uint8Array | AesKey) {
    this.#cipher = key instanceof AesKey ? key : new AesKey(key);
    const l = this.#cipher.encryptBlocks(new Uint8Array(BLOCK_SIZE));
    this.#k1 = double(l);
    this.#k2 = double(this.#k1);
    l.fill(0);
  }

  /** The full 16-byte tag of `message` (any length, including empty): the last block of a CBC pass from a zero ICV. */
  compute(message: Uint8Array): Uint8Array {
    const blockCount = Math.max(1, Math.ceil(message.length / BLOCK_SIZE));
    const lastIsComplete = message.length > 0 && message.length % BLOCK_SIZE === 0;
    // SP 800-38B §6.2 step 4: the last block is XORed with K1 when complete, else padded (10*) and XORed with K2.
    const blocks = new Uint8Array(blockCount * BLOCK_SIZE);
    blocks.set(message);
    if (!lastIsComplete) blocks[message.length] = 0x80;
    const subkey = lastIsComplete ? this.#k1 : this.#k2;
    const lastOffset = blocks.length - BLOCK_SIZE;
    for (let index = 0; index < BLOCK_SIZE; index += 1) blocks[lastOffset + index] = (blocks[lastOffset + index] ?? 0) ^ (subkey[index] ?? 0);
    const chain = this.#cipher.encryptCbc(ZERO_BLOCK, blocks);
    blocks.fill(0);
    return chain.slice(lastOffset);
  }

  /** Zeroes the subkeys and the AES key. */
  dispose(): void {
    this.#k1.fill(0);
    this.#k2.fill(0);
    this.#cipher.dispose();
  }
}

/** One-shot AES-CMAC for callers that MAC once with a key. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const cmac = new AesCmac(key);
  try {
    return cmac.compute(message);
  } finally {
    cmac.dispose();
  }
}
