/**
 * AES as SCP03 uses it (Amd D §4.1.1–4.1.2): single blocks, ECB over whole blocks and CBC with an
 * explicit ICV, without padding — SCP03 pads itself (§4.1.4).
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { BLOCK_SIZE } from './bytes.js';
import { Scp03FormatError, Scp03StateError } from './errors.js';

export type AesKeyLength = 16 | 24 | 32;

export function isAesKeyLength(length: number): length is AesKeyLength {
  return length === 16 || length === 24 || length === 32;
}

export function assertAesKey(key: Uint8Array, what: string): void {
  if (!isAesKeyLength(key.length)) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `${what} must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/** Amd D §6.1: a keyset's three keys are AES keys of one length. */
export function assertAesKeyset(keys: { readonly enc: Uint8Array; readonly mac: Uint8Array; readonly dek: Uint8Array }): void {
  assertAesKey(keys.enc, 'Key-ENC');
  assertAesKey(keys.mac, 'Key-MAC');
  assertAesKey(keys.dek, 'Key-DEK');
  if (keys.enc.length !== keys.mac.length || keys.enc.length !== keys.dek.length) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', 'Key-ENC, Key-MAC and Key-DEK must have the same length');
  }
}

function assertWholeBlocks(data: Uint8Array, what: string): void {
  if (data.length % BLOCK_SIZE !== 0) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `${what} must be a multiple of 16 bytes, got ${data.length}`);
  }
}

/**
 * One AES key. Keeps one ECB encryptor, one ECB decryptor and one CBC encryptor open for the key's
 * lifetime: opening a cipher context, and even each call into one, costs more than the AES work
 * itself for the short messages of a secure channel, so every operation here is a single
 * `update()`. `dispose()` zeroes our copy of the key and finalises the contexts, which makes
 * OpenSSL free (and cleanse) its key schedule.
 */
export class AesKey {
  readonly #key: Uint8Array;
  readonly #algorithm: string;
  #ecbEncryptor: Cipher | undefined;
  #ecbDecryptor: Decipher | undefined;
  #cbcEncryptor: Cipher | undefined;
  /** The open CBC context's chaining state: its last output block (zeros, its IV, before any). */
  readonly #cbcChain = new Uint8Array(BLOCK_SIZE);
  #disposed = false;

  constructor(key: Uint8Array) {
    assertAesKey(key, 'AES key');
    this.#key = Uint8Array.from(key);
    this.#algorithm = `aes-${key.length * 8}`;
  }

  get length(): AesKeyLength {
    return this.#key.length as AesKeyLength;
  }

  /** AES-ECB over whole blocks (FIPS 197 applied block by block). */
  encryptBlocks(blocks: Uint8Array): Uint8Array {
    assertWholeBlocks(blocks, 'ECB input');
    const encryptor = (this.#ecbEncryptor ??= this.#open(createCipheriv, 'ecb'));
    return view(encryptor.update(blocks));
  }

  decryptBlocks(blocks: Uint8Array): Uint8Array {
    assertWholeBlocks(blocks, 'ECB input');
    const decryptor = (this.#ecbDecryptor ??= this.#open(createDecipheriv, 'ecb'));
    return view(decryptor.update(blocks));
  }

  /**
   * AES-CBC (SP 800-38A) with the given ICV; data must already be padded. The open CBC context
   * chains from its last output block, so folding that block and the ICV into the first input
   * block restarts the chain from `icv` in the same context: E(P1 ⊕ ICV ⊕ C_last ⊕ C_last).
   */
  encryptCbc(icv: Uint8Array, data: Uint8Array): Uint8Array {
    assertWholeBlocks(data, 'CBC input');
    if (data.length === 0) return new Uint8Array(0);
    const encryptor = (this.#cbcEncryptor ??= this.#open(createCipheriv, 'cbc'));
    const input = Uint8Array.from(data);
    for (let index = 0; index < BLOCK_SIZE; index += 1) input[index] = (input[index] ?? 0) ^ (this.#cbcChain[index] ?? 0) ^ (icv[index] ?? 0);
    const output = view(encryptor.update(input));
    this.#cbcChain.set(output.subarray(output.length - BLOCK_SIZE));
    input.fill(0);
    return output;
  }

  /** CBC decryption as ECB decryption plus XOR with the previous ciphertext block: one pass, no new context. */
  decryptCbc(icv: Uint8Array, data: Uint8Array): Uint8Array {
    const plain = this.decryptBlocks(data);
    for (let index = 0; index < plain.length; index += 1) {
      const previous = index < BLOCK_SIZE ? (icv[index] ?? 0) : (data[index - BLOCK_SIZE] ?? 0);
      plain[index] = (plain[index] ?? 0) ^ previous;
    }
    return plain;
  }

  /** Zeroes the key and releases the cipher contexts. Later use throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#key.fill(0);
    this.#cbcChain.fill(0);
    for (const context of [this.#ecbEncryptor, this.#ecbDecryptor, this.#cbcEncryptor]) {
      try {
        context?.final();
      } catch {
        // final() only fails on a partial block, which whole-block use never leaves behind.
      }
    }
    this.#ecbEncryptor = undefined;
    this.#ecbDecryptor = undefined;
    this.#cbcEncryptor = undefined;
  }

  #liveKey(): Uint8Array {
    if (this.#disposed) throw new Scp03StateError('SCP03_CHANNEL_CLOSED', 'AES key was disposed');
    return this.#key;
  }

  #open<T extends Cipher | Decipher>(open: (algorithm: string, key: Uint8Array, iv: Uint8Array | null) => T, mode: 'ecb' | 'cbc'): T {
    const context = open(`${this.#algorithm}-${mode}`, this.#liveKey(), mode === 'ecb' ? null : new Uint8Array(BLOCK_SIZE));
    context.setAutoPadding(false);
    return context;
  }
}

/** One-shot AES-ECB of whole blocks, for callers that use a key once (KCV, sensitive data). */
export function aesEcbEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  assertAesKey(key, 'AES key');
  assertWholeBlocks(blocks, 'ECB input');
  const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  cipher.setAutoPadding(false);
  return concatOutput(cipher.update(blocks), cipher.final());
}

export function aesCbcEncrypt(key: Uint8Array, icv: Uint8Array, data: Uint8Array): Uint8Array {
  assertAesKey(key, 'AES key');
  assertWholeBlocks(data, 'CBC input');
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, icv);
  cipher.setAutoPadding(false);
  return concatOutput(cipher.update(data), cipher.final());
}

export function aesCbcDecrypt(key: Uint8Array, icv: Uint8Array, data: Uint8Array): Uint8Array {
  assertAesKey(key, 'AES key');
  assertWholeBlocks(data, 'CBC input');
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, icv);
  decipher.setAutoPadding(false);
  return concatOutput(decipher.update(data), decipher.final());
}

/** A plain Uint8Array view of a Buffer, so callers never see Buffer-only behaviour. */
function view(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function concatOutput(head: Uint8Array, tail: Uint8Array): Uint8Array {
  if (tail.length === 0) return view(head);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
