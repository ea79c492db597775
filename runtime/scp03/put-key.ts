/**
 * PUT KEY key data for AES keys under an AES Key-DEK (Amd D §7.2, GPCS §11.8), both ways: the
 * host encodes new keys, the card decodes them and checks their key check values.
 */
import { aesCbcDecrypt, aesCbcEncrypt, assertAesKey, isAesKeyLength } from './aes.js';
import { encodeClass } from './apdu.js';
import { BLOCK_SIZE, concatBytes, constantTimeEqual } from './bytes.js';
import { Scp03FormatError, Scp03SecurityError, StatusWord } from './errors.js';
import { computeAesKeyCheckValue } from './key-check-value.js';

/** GPCS Table 11-16: key type coding for AES. */
export const AES_KEY_TYPE = 0x88;
const KCV_LENGTH = 3;
const ZERO_ICV = new Uint8Array(BLOCK_SIZE);

/**
 * Amd D §6.2.8: sensitive data is AES-CBC encrypted under the static Key-DEK with a zero ICV.
 * Padding is the caller's business (keys are padded per §7.2.1), so the data must fill whole blocks.
 */
export function encryptSensitiveData(dek: Uint8Array, data: Uint8Array): Uint8Array {
  assertAesKey(dek, 'Key-DEK');
  return aesCbcEncrypt(dek, ZERO_ICV, data);
}

export function decryptSensitiveData(dek: Uint8Array, data: Uint8Array): Uint8Array {
  assertAesKey(dek, 'Key-DEK');
  return aesCbcDecrypt(dek, ZERO_ICV, data);
}

/**
 * One key data field of Amd D Table 7-10: '88' ‖ length ‖ key length ‖ ciphered key ‖ '03' ‖ KCV.
 * A 24-byte key is padded to 32 with 8 arbitrary bytes (§6.2.8); `padding` chooses them
 * (default zeros, which reveal nothing: the block is encrypted with the key bytes before it).
 */
export function encodeAesKeyDataField(key: Uint8Array, dek: Uint8Array, padding: Uint8Array = new Uint8Array(8)): Uint8Array {
  assertAesKey(key, 'key to load');
  const clear = new Uint8Array(Math.ceil(key.length / BLOCK_SIZE) * BLOCK_SIZE);
  clear.set(key);
  if (key.length === 24) {
    if (padding.length !== 8) throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `padding for a 24-byte key must be 8 bytes, got ${padding.length}`);
    clear.set(padding, 24);
  }
  try {
    const ciphered = encryptSensitiveData(dek, clear);
    const kcv = computeAesKeyCheckValue(key);
    const field = new Uint8Array(3 + ciphered.length + 1 + KCV_LENGTH);
    field.set([AES_KEY_TYPE, 1 + ciphered.length, key.length]);
    field.set(ciphered, 3);
    field.set([KCV_LENGTH, ...kcv], 3 + ciphered.length);
    return field;
  } finally {
    clear.fill(0);
  }
}

/** The PUT KEY data field (GPCS Table 11-67): new key version number, then one field per key. */
export function buildPutKeyData(newKeyVersion: number, keys: readonly Uint8Array[], dek: Uint8Array): Uint8Array {
  assertKeyVersion(newKeyVersion, 'new key version number');
  if (keys.length === 0) throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', 'PUT KEY needs at least one key');
  return concatBytes(Uint8Array.of(newKeyVersion), ...keys.map((key) => encodeAesKeyDataField(key, dek)));
}

export interface PutKeyCommandOptions {
  /** KVN of the new keys ('01'–'7F'). */
  readonly newKeyVersion: number;
  /** KVN being replaced (P1 b7–b1); 0 adds a new keyset. */
  readonly replaceKeyVersion?: number;
  /** Key identifier of the first key (P2 b7–b1); defaults to 1 (Key-ENC of an SCP03 keyset). */
  readonly firstKeyId?: number;
  readonly keys: readonly Uint8Array[];
  readonly dek: Uint8Array;
  readonly channel?: number;
}

/**
 * The plain PUT KEY C-APDU (GPCS §11.8.2): CLA '80' (+ channel), INS 'D8', P1 = KVN replaced,
 * P2 = first key id with b8 set when several keys follow, Le '00' for the KVN + KCV response.
 * Wrap it with the session for secure messaging.
 */
export function buildPutKeyCommand(options: PutKeyCommandOptions): Uint8Array {
  const replace = options.replaceKeyVersion ?? 0;
  const firstKeyId = options.firstKeyId ?? 1;
  if (replace !== 0) assertKeyVersion(replace, 'replaced key version number');
  if (!Number.isInteger(firstKeyId) || firstKeyId < 0 || firstKeyId > 0x7f) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `key identifier must be 00–7F, got ${firstKeyId}`);
  }
  const data = buildPutKeyData(options.newKeyVersion, options.keys, options.dek);
  if (data.length > 255) throw new Scp03FormatError('SCP03_COMMAND_TOO_LONG', `PUT KEY data of ${data.length} bytes exceeds 255`);
  const cla = encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: options.channel ?? 0 });
  const p2 = firstKeyId | (options.keys.length > 1 ? 0x80 : 0);
  return Uint8Array.from([cla, 0xd8, replace, p2, data.length, ...data, 0x00]);
}

export interface DecodedKey {
  readonly keyType: number;
  readonly key: Uint8Array;
  readonly keyCheckValue: Uint8Array;
}

export interface DecodedPutKeyData {
  readonly newKeyVersion: number;
  readonly keys: readonly DecodedKey[];
}

function badData(message: string): Scp03FormatError {
  return new Scp03FormatError('SCP03_MALFORMED_COMMAND', message, StatusWord.incorrectData);
}

/**
 * The card's side: decrypts each key with the Key-DEK and checks its KCV. A KCV mismatch answers
 * '6982' (GPCS §11.8: "security status not satisfied", the code for an invalid key check value).
 */
export function parsePutKeyData(data: Uint8Array, dek: Uint8Array): DecodedPutKeyData {
  if (data.length < 1) throw badData('PUT KEY data is empty');
  const newKeyVersion = data[0] ?? 0;
  const keys: DecodedKey[] = [];
  let offset = 1;
  while (offset < data.length) {
    const keyType = data[offset] ?? 0;
    if (keyType !== AES_KEY_TYPE) throw badData(`key ${keys.length + 1}: key type ${keyType.toString(16).padStart(2, '0')} is not AES ('88')`);
    const fieldLength = data[offset + 1];
    const keyLength = data[offset + 2] ?? 0;
    if (fieldLength === undefined || fieldLength < 1 || (fieldLength - 1) % BLOCK_SIZE !== 0 || !isAesKeyLength(keyLength)) {
      throw badData(`key ${keys.length + 1}: key data length or key length is not that of an AES key`);
    }
    const cipheredLength = fieldLength - 1;
    if (cipheredLength !== Math.ceil(keyLength / BLOCK_SIZE) * BLOCK_SIZE) {
      throw badData(`key ${keys.length + 1}: ${cipheredLength} ciphered bytes do not fit a ${keyLength}-byte key`);
    }
    const cipheredStart = offset + 3;
    const kcvLengthAt = cipheredStart + cipheredLength;
    if ((data[kcvLengthAt] ?? -1) !== KCV_LENGTH || kcvLengthAt + 1 + KCV_LENGTH > data.length) {
      throw badData(`key ${keys.length + 1}: key check value must be 3 bytes`);
    }
    const clear = decryptSensitiveData(dek, data.subarray(cipheredStart, kcvLengthAt));
    const key = clear.slice(0, keyLength);
    clear.fill(0);
    const keyCheckValue = data.slice(kcvLengthAt + 1, kcvLengthAt + 1 + KCV_LENGTH);
    if (!constantTimeEqual(computeAesKeyCheckValue(key), keyCheckValue)) {
      key.fill(0);
      for (const decoded of keys) decoded.key.fill(0);
      throw new Scp03SecurityError('SCP03_BAD_KEY_CHECK_VALUE', `key ${keys.length + 1}: key check value does not match the decrypted key`, StatusWord.securityStatusNotSatisfied);
    }
    keys.push({ keyType, key, keyCheckValue });
    offset = kcvLengthAt + 1 + KCV_LENGTH;
  }
  if (keys.length === 0) throw badData('PUT KEY data holds no key');
  return { newKeyVersion, keys };
}

/** The PUT KEY response data (GPCS §11.8.3): the new KVN followed by each key's KCV. */
export function buildPutKeyResponseData(newKeyVersion: number, keyCheckValues: readonly Uint8Array[]): Uint8Array {
  assertKeyVersion(newKeyVersion, 'new key version number');
  return concatBytes(Uint8Array.of(newKeyVersion), ...keyCheckValues);
}

function assertKeyVersion(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0x01 || value > 0x7f) {
    // GPCS §11.8.2: KVNs '01'–'7F'; 'FF' marks initial keys and is never loaded by PUT KEY.
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `${what} must be 01–7F, got ${value}`);
  }
}
