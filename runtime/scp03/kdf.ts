/**
 * The SCP03 data derivation scheme (Amd D §4.1.5): NIST SP 800-108 KDF in counter mode with
 * AES-CMAC as PRF, with the fixed input laid out in the order Amd D defines — which is not the
 * order of a generic SP 800-108 helper (the counter sits between L and the context).
 */
import { AesCmac } from './aes-cmac.js';
import { BLOCK_SIZE } from './bytes.js';
import { Scp03FormatError } from './errors.js';

/** Amd D Table 4-1. */
export const DerivationConstant = {
  cardCryptogram: 0x00,
  hostCryptogram: 0x01,
  cardChallenge: 0x02,
  sEnc: 0x04,
  sMac: 0x06,
  sRmac: 0x07,
} as const;

const LABEL_LENGTH = 12;

/**
 * Derives `lengthBits` bits: PRF(key, 11×'00' ‖ constant ‖ '00' ‖ L (2 bytes) ‖ i ‖ context)
 * for i = 1, 2, … concatenated and cut to L. Amd D only uses L = 64, 128, 192 and 256.
 */
export function deriveScp03Data(
  key: Uint8Array | AesCmac,
  constant: number,
  context: Uint8Array,
  lengthBits: number,
): Uint8Array {
  if (!Number.isInteger(constant) || constant < 0 || constant > 0xff) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `derivation constant must be one byte, got ${constant}`);
  }
  if (!Number.isInteger(lengthBits) || lengthBits <= 0 || lengthBits % 8 !== 0 || lengthBits > 0xffff) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `derived length must be a positive whole number of bytes in bits, got ${lengthBits}`);
  }
  const iterations = Math.ceil(lengthBits / (BLOCK_SIZE * 8));
  if (iterations > 0xff) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `derived length ${lengthBits} bits needs more than 255 PRF calls`);
  }
  const prf = key instanceof AesCmac ? key : new AesCmac(key);
  try {
    const input = new Uint8Array(LABEL_LENGTH + 1 + 2 + 1 + context.length);
    input[LABEL_LENGTH - 1] = constant;
    input[LABEL_LENGTH + 1] = lengthBits >>> 8;
    input[LABEL_LENGTH + 2] = lengthBits & 0xff;
    input.set(context, LABEL_LENGTH + 4);
    const output = new Uint8Array(iterations * BLOCK_SIZE);
    for (let counter = 1; counter <= iterations; counter += 1) {
      input[LABEL_LENGTH + 3] = counter;
      output.set(prf.compute(input), (counter - 1) * BLOCK_SIZE);
    }
    return output.slice(0, lengthBits / 8);
  } finally {
    if (!(key instanceof AesCmac)) prf.dispose();
  }
}

/** The three session keys of Amd D §6.2.1. There is no session DEK: the static Key-DEK is used as is. */
export interface Scp03SessionKeys {
  readonly sEnc: Uint8Array;
  readonly sMac: Uint8Array;
  readonly sRmac: Uint8Array;
}

/** The static keyset of Amd D Table 6-1: three AES keys of one length. */
export interface Scp03StaticKeys {
  readonly enc: Uint8Array;
  readonly mac: Uint8Array;
  readonly dek: Uint8Array;
}

/**
 * Amd D §6.2.1 / Table 6-2: session keys as long as the static keys, context = host challenge ‖
 * card challenge. S-RMAC is derived whether or not "i" announces R-MAC; deriving it costs one
 * CMAC and keeps the session shape fixed.
 */
export function deriveSessionKeys(
  keys: Pick<Scp03StaticKeys, 'enc' | 'mac'>,
  hostChallenge: Uint8Array,
  cardChallenge: Uint8Array,
): Scp03SessionKeys {
  const context = new Uint8Array(hostChallenge.length + cardChallenge.length);
  context.set(hostChallenge);
  context.set(cardChallenge, hostChallenge.length);
  const macPrf = new AesCmac(keys.mac);
  try {
    return {
      sEnc: deriveScp03Data(keys.enc, DerivationConstant.sEnc, context, keys.enc.length * 8),
      sMac: deriveScp03Data(macPrf, DerivationConstant.sMac, context, keys.mac.length * 8),
      sRmac: deriveScp03Data(macPrf, DerivationConstant.sRmac, context, keys.mac.length * 8),
    };
  } finally {
    macPrf.dispose();
  }
}
