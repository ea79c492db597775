/**
 * The per-APDU transforms of an open SCP03 channel — C-MAC, C-DECRYPTION, R-MAC, R-ENCRYPTION
 * (Amd D §6.2.4–6.2.7) — as functions of the session keys, the MAC chaining value and the
 * encryption counter. The sessions own that state and call these; nothing here mutates it.
 */
import { AesCmac } from './aes-cmac.js';
import { AesKey } from './aes.js';
import {
  decodeClass,
  encodeClass,
  encodeCommandApdu,
  encodeResponseApdu,
  isSuccessOrWarning,
  macClass,
  needsExtendedLength,
  parseResponseApdu,
  SHORT_MAX_DATA,
  type CommandApdu,
} from './apdu.js';
import { BLOCK_SIZE, concatBytes, constantTimeEqual, counterBlock, padIso9797M2, unpadIso9797M2 } from './bytes.js';
import { Scp03FormatError, Scp03SecurityError, StatusWord } from './errors.js';
import type { Scp03SessionKeys } from './kdf.js';
import { modeLength, SecurityLevelBit, type Scp03Mode } from './parameters.js';

/** The session keys as ready-to-use cipher objects. */
export class ChannelKeys {
  readonly sEnc: AesKey;
  readonly sMac: AesCmac;
  readonly sRmac: AesCmac;

  /** Takes ownership of `keys`: the raw arrays are zeroed once the cipher objects hold copies. */
  constructor(keys: Scp03SessionKeys) {
    this.sEnc = new AesKey(keys.sEnc);
    this.sMac = new AesCmac(keys.sMac);
    this.sRmac = new AesCmac(keys.sRmac);
    keys.sEnc.fill(0);
    keys.sMac.fill(0);
    keys.sRmac.fill(0);
  }

  dispose(): void {
    this.sEnc.dispose();
    this.sMac.dispose();
    this.sRmac.dispose();
  }
}

/** What every transform needs to know about the channel. */
export interface ChannelContext {
  readonly keys: ChannelKeys;
  readonly mode: Scp03Mode;
  readonly securityLevel: number;
  /** The 16-byte MAC chaining value: the full C-MAC of the last command (16 × '00' before EXTERNAL AUTHENTICATE). */
  readonly macChainingValue: Uint8Array;
  /** The encryption counter of the current command (Amd D §6.2.6), 1 for the first after EXTERNAL AUTHENTICATE. */
  readonly counter: number;
  /** Whether extended-length APDUs may be used (GPCS §11.1.5 keeps GP commands short by default). */
  readonly extendedLength: boolean;
}

export function hasLevel(level: number, bit: number): boolean {
  return (level & bit) !== 0;
}

/** Amd D §6.2.6: ICV = AES(S-ENC, counter left-padded to 16 bytes). */
export function commandIcv(sEnc: AesKey, counter: number): Uint8Array {
  return sEnc.encryptBlocks(counterBlock(counter));
}

/** Amd D §6.2.7: the same counter block with its most significant byte set to '80'. */
export function responseIcv(sEnc: AesKey, counter: number): Uint8Array {
  const block = counterBlock(counter);
  block[0] = 0x80;
  return sEnc.encryptBlocks(block);
}

/** Lc as it appears on the wire, which is also what the C-MAC covers: 1 byte, or '00' + 2 bytes extended. */
function lcField(length: number, extended: boolean): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  return extended ? Uint8Array.of(0x00, length >>> 8, length & 0xff) : Uint8Array.of(length);
}

/**
 * Amd D §6.2.4: CMAC(S-MAC, MCV ‖ CLA' INS P1 P2 Lc' ‖ data) over the header with the MAC class
 * byte and the final Lc (data plus MAC); Le is not covered. Returns the full 16 bytes, which
 * become the next MAC chaining value; the command carries the leftmost 8 (S8) or all 16 (S16).
 */
export function computeCommandMac(
  sMac: AesCmac,
  macChainingValue: Uint8Array,
  apdu: Pick<CommandApdu, 'cla' | 'ins' | 'p1' | 'p2'>,
  protectedData: Uint8Array,
  wrappedLength: number,
  extended: boolean,
): Uint8Array {
  const lc = lcField(wrappedLength, extended);
  const input = new Uint8Array(BLOCK_SIZE + 4 + lc.length + protectedData.length);
  input.set(macChainingValue);
  input.set([macClass(apdu.cla), apdu.ins, apdu.p1, apdu.p2], BLOCK_SIZE);
  input.set(lc, BLOCK_SIZE + 4);
  input.set(protectedData, BLOCK_SIZE + 4 + lc.length);
  return sMac.compute(input);
}

/** Amd D §6.2.5: CMAC(S-RMAC, MCV ‖ response data ‖ SW1 SW2), full 16 bytes. */
export function computeResponseMac(sRmac: AesCmac, macChainingValue: Uint8Array, data: Uint8Array, sw: number): Uint8Array {
  const input = new Uint8Array(BLOCK_SIZE + data.length + 2);
  input.set(macChainingValue);
  input.set(data, BLOCK_SIZE);
  input[BLOCK_SIZE + data.length] = (sw >>> 8) & 0xff;
  input[BLOCK_SIZE + data.length + 1] = sw & 0xff;
  return sRmac.compute(input);
}

/** Amd D §6.2.6: pad and encrypt; a command without data is sent without encryption. */
export function encryptCommandData(sEnc: AesKey, counter: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  return sEnc.encryptCbc(commandIcv(sEnc, counter), padIso9797M2(data));
}

export function encryptResponseData(sEnc: AesKey, counter: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  return sEnc.encryptCbc(responseIcv(sEnc, counter), padIso9797M2(data));
}

function decryptPadded(sEnc: AesKey, icv: Uint8Array, ciphertext: Uint8Array, what: string): Uint8Array {
  if (ciphertext.length % BLOCK_SIZE !== 0) {
    throw new Scp03SecurityError('SCP03_SECURITY_LEVEL_NOT_MET', `${what} of ${ciphertext.length} bytes is not encrypted (not whole blocks)`, StatusWord.securityStatusNotSatisfied);
  }
  return unpadIso9797M2(sEnc.decryptCbc(icv, ciphertext));
}

export function decryptCommandData(sEnc: AesKey, counter: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  return decryptPadded(sEnc, commandIcv(sEnc, counter), data, 'command data');
}

export function decryptResponseData(sEnc: AesKey, counter: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  return decryptPadded(sEnc, responseIcv(sEnc, counter), data, 'response data');
}

export interface ProtectedCommand {
  readonly bytes: Uint8Array;
  /** The full C-MAC: the channel's next MAC chaining value. */
  readonly macChainingValue: Uint8Array;
}

/**
 * Host side of Amd D §6.2.4/§6.2.6: encrypt the data if C-DECRYPTION, then C-MAC, set the GP
 * secure-messaging bit in CLA. With no C-MAC in the level the command goes out as it is.
 */
export function protectCommand(context: ChannelContext, plain: CommandApdu): ProtectedCommand {
  const level = context.securityLevel;
  if (!hasLevel(level, SecurityLevelBit.cMac)) return { bytes: encodeCommandApdu(plain), macChainingValue: context.macChainingValue };
  const cla = decodeClass(plain.cla);
  if (cla.secureMessaging || (cla.channel <= 3 && (plain.cla & 0x0c) !== 0)) {
    throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'the plain command already carries a secure messaging indication in CLA');
  }
  const macLength = modeLength(context.mode);
  const data = hasLevel(level, SecurityLevelBit.cDecryption) ? encryptCommandData(context.keys.sEnc, context.counter, plain.data) : plain.data;
  const wrappedLength = data.length + macLength;
  const extended = plain.extended || wrappedLength > SHORT_MAX_DATA || needsExtendedLength(new Uint8Array(0), plain.le);
  if (extended && !context.extendedLength) {
    throw new Scp03FormatError(
      'SCP03_COMMAND_TOO_LONG',
      `wrapped command data of ${wrappedLength} bytes needs extended length, which this session does not use (GPCS §11.1.5)`,
    );
  }
  const wrappedCla = encodeClass({ ...cla, secureMessaging: true });
  const mac = computeCommandMac(context.keys.sMac, context.macChainingValue, plain, data, wrappedLength, extended);
  const bytes = encodeCommandApdu({
    cla: wrappedCla,
    ins: plain.ins,
    p1: plain.p1,
    p2: plain.p2,
    data: concatBytes(data, mac.subarray(0, macLength)),
    le: plain.le,
    extended,
  });
  return { bytes, macChainingValue: mac };
}

export interface UnprotectedCommand {
  readonly apdu: CommandApdu;
  readonly macChainingValue: Uint8Array;
}

/**
 * Card side: check the level is met (GP SM bit, a C-MAC that verifies), then decrypt. The
 * recovered command uses the shortest length coding its data and Le allow.
 */
export function unprotectCommand(context: ChannelContext, wrapped: CommandApdu): UnprotectedCommand {
  const level = context.securityLevel;
  if (!hasLevel(level, SecurityLevelBit.cMac)) return { apdu: wrapped, macChainingValue: context.macChainingValue };
  if (wrapped.extended && !context.extendedLength) {
    throw new Scp03SecurityError('SCP03_MALFORMED_COMMAND', 'extended-length command on a channel that does not use extended length', StatusWord.wrongLength);
  }
  const cla = decodeClass(wrapped.cla);
  if (!cla.secureMessaging) {
    throw new Scp03SecurityError('SCP03_SECURITY_LEVEL_NOT_MET', 'command without secure messaging on a channel that requires C-MAC', StatusWord.securityStatusNotSatisfied);
  }
  const macLength = modeLength(context.mode);
  if (wrapped.data.length < macLength) {
    throw new Scp03SecurityError('SCP03_BAD_C_MAC', `command data of ${wrapped.data.length} bytes cannot hold a ${macLength}-byte C-MAC`, StatusWord.securityStatusNotSatisfied);
  }
  const protectedData = wrapped.data.subarray(0, wrapped.data.length - macLength);
  const received = wrapped.data.subarray(wrapped.data.length - macLength);
  const mac = computeCommandMac(context.keys.sMac, context.macChainingValue, wrapped, protectedData, wrapped.data.length, wrapped.extended);
  if (!constantTimeEqual(mac.subarray(0, macLength), received)) {
    throw new Scp03SecurityError('SCP03_BAD_C_MAC', 'C-MAC does not verify', StatusWord.securityStatusNotSatisfied);
  }
  const data = hasLevel(level, SecurityLevelBit.cDecryption)
    ? decryptCommandData(context.keys.sEnc, context.counter, protectedData)
    : protectedData.slice();
  const apdu: CommandApdu = {
    cla: encodeClass({ ...cla, secureMessaging: false }),
    ins: wrapped.ins,
    p1: wrapped.p1,
    p2: wrapped.p2,
    data,
    le: wrapped.le,
    extended: needsExtendedLength(data, wrapped.le),
  };
  return { apdu, macChainingValue: mac };
}

/**
 * Card side of Amd D §6.2.5/§6.2.7: an error status word goes back alone and unprotected;
 * otherwise encrypt the data if R-ENCRYPTION, then append the R-MAC.
 */
export function protectResponse(context: ChannelContext, plain: Uint8Array): Uint8Array {
  const level = context.securityLevel;
  if (!hasLevel(level, SecurityLevelBit.rMac)) return plain;
  const { data, sw } = parseResponseApdu(plain);
  if (!isSuccessOrWarning(sw)) return encodeResponseApdu({ data: new Uint8Array(0), sw });
  const protectedData = hasLevel(level, SecurityLevelBit.rEncryption) ? encryptResponseData(context.keys.sEnc, context.counter, data) : data;
  const mac = computeResponseMac(context.keys.sRmac, context.macChainingValue, protectedData, sw);
  return encodeResponseApdu({ data: concatBytes(protectedData, mac.subarray(0, modeLength(context.mode))), sw });
}

/** Host side: verify the R-MAC, then decrypt. Errors carry no R-MAC and must carry no data. */
export function unprotectResponse(context: ChannelContext, received: Uint8Array): Uint8Array {
  const level = context.securityLevel;
  if (!hasLevel(level, SecurityLevelBit.rMac)) return received;
  const { data, sw } = parseResponseApdu(received);
  if (!isSuccessOrWarning(sw)) {
    if (data.length > 0) {
      throw new Scp03SecurityError('SCP03_UNEXPECTED_RESPONSE_DATA', `error status word with ${data.length} bytes of unauthenticated data`);
    }
    return received;
  }
  const macLength = modeLength(context.mode);
  if (data.length < macLength) {
    throw new Scp03SecurityError('SCP03_SECURITY_LEVEL_NOT_MET', `response data of ${data.length} bytes cannot hold a ${macLength}-byte R-MAC`);
  }
  const protectedData = data.subarray(0, data.length - macLength);
  const mac = computeResponseMac(context.keys.sRmac, context.macChainingValue, protectedData, sw);
  if (!constantTimeEqual(mac.subarray(0, macLength), data.subarray(data.length - macLength))) {
    throw new Scp03SecurityError('SCP03_BAD_R_MAC', 'R-MAC does not verify');
  }
  const plain = hasLevel(level, SecurityLevelBit.rEncryption)
    ? decryptResponseData(context.keys.sEnc, context.counter, protectedData)
    : protectedData;
  return encodeResponseApdu({ data: plain, sw });
}
