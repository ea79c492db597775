/** Card and host authentication cryptograms (Amd D §6.2.2.2–6.2.2.3). */
import type { AesCmac } from './aes-cmac.js';
import { concatBytes } from './bytes.js';
import { Scp03FormatError } from './errors.js';
import { DerivationConstant, deriveScp03Data } from './kdf.js';

/**
 * The cryptogram is as long as the challenges (§6.2.2): 8 bytes in S8, 16 in S16, with the KDF's
 * L reflecting it; context = host challenge ‖ card challenge.
 */
function computeCryptogram(sMac: Uint8Array | AesCmac, constant: number, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  if (hostChallenge.length !== cardChallenge.length || (hostChallenge.length !== 8 && hostChallenge.length !== 16)) {
    throw new Scp03FormatError(
      'SCP03_INVALID_ARGUMENT',
      `host and card challenges must both be 8 or both 16 bytes, got ${hostChallenge.length} and ${cardChallenge.length}`,
    );
  }
  return deriveScp03Data(sMac, constant, concatBytes(hostChallenge, cardChallenge), hostChallenge.length * 8);
}

export function computeCardCryptogram(sMac: Uint8Array | AesCmac, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return computeCryptogram(sMac, DerivationConstant.cardCryptogram, hostChallenge, cardChallenge);
}

export function computeHostCryptogram(sMac: Uint8Array | AesCmac, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return computeCryptogram(sMac, DerivationConstant.hostCryptogram, hostChallenge, cardChallenge);
}
