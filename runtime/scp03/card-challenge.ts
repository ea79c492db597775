/** The pseudo-random card challenge (Amd D §6.2.2.1). */
import { concatBytes, uint24 } from './bytes.js';
import { Scp03FormatError } from './errors.js';
import { DerivationConstant, deriveScp03Data } from './kdf.js';
import { modeLength, type Scp03Mode } from './parameters.js';

/** The sequence counter is three bytes (§6.2.2.1). */
export const MAX_SEQUENCE_COUNTER = 0xff_ffff;

/**
 * KDF(Key-ENC, '02', sequence counter (3 bytes) ‖ SD AID) cut to the challenge length. The
 * counter passed is the value after the increment that INITIALIZE UPDATE triggers — the same
 * value the card returns in its response.
 */
export function computePseudoRandomCardChallenge(
  keyEnc: Uint8Array,
  sequenceCounter: number,
  sdAid: Uint8Array,
  mode: Scp03Mode = 'S8',
): Uint8Array {
  if (!Number.isInteger(sequenceCounter) || sequenceCounter < 0 || sequenceCounter > MAX_SEQUENCE_COUNTER) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `sequence counter must be 0–FFFFFF, got ${sequenceCounter}`);
  }
  if (sdAid.length < 5 || sdAid.length > 16) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `security domain AID must be 5–16 bytes, got ${sdAid.length}`);
  }
  return deriveScp03Data(keyEnc, DerivationConstant.cardChallenge, concatBytes(uint24(sequenceCounter), sdAid), modeLength(mode) * 8);
}
