import { describe, expect, it } from 'vitest';
import {
  buildPutKeyCommand,
  buildPutKeyData,
  buildPutKeyResponseData,
  decryptSensitiveData,
  encodeAesKeyDataField,
  encryptSensitiveData,
  parsePutKeyData,
} from '../../../runtime/scp03/put-key.js';
import { Scp03SecurityError } from '../../../runtime/scp03/errors.js';
import { opensslAvailable, opensslCbcEncrypt, opensslEcbEncrypt, opensslSkipNote } from './openssl.js';
import { hexToBytes, toHex } from './vectors.js';

const ENC = hexToBytes('000102030405060708090A0B0C0D0E0F');
const MAC = hexToBytes('101112131415161718191A1B1C1D1E1F');
const DEK = hexToBytes('202122232425262728292A2B2C2D2E2F');

describe('PUT KEY key data (Amd D §7.2, Table 7-10)', () => {
  it('builds the reference PUT KEY for KVN 31 with the pySim keys under their own DEK', () => {
    // reference/globalplatform.md §2.8 [derived]; its KCVs are pySim's published ones.
    const command = buildPutKeyCommand({ newKeyVersion: 0x31, keys: [ENC, MAC, DEK], dek: DEK });
    expect(toHex(command)).toBe(
      '80D8008146' +
        '31' +
        '881110DB7CE67AF13DE57A95D922E5325ABF1303C35280' +
        '881110771098A6B78CB45C029CF1C0DDEE0F1B03013808' +
        '881110CC0DD15B23E6829E05F6E417F464B69903840DE5' +
        '00',
    );
  });

  it('codes P1 as the replaced KVN, P2 as the first key id with b8 for several keys, and the channel in CLA', () => {
    const command = buildPutKeyCommand({ newKeyVersion: 0x32, replaceKeyVersion: 0x31, firstKeyId: 1, keys: [ENC], dek: DEK, channel: 5 });
    expect([...command.subarray(0, 4)]).toEqual([0xc1, 0xd8, 0x31, 0x01]);
    expect(command[4]).toBe(1 + 23);
    expect(command[command.length - 1]).toBe(0x00);
  });

  it('pads a 24-byte key to 32 bytes before encryption and codes its length as 18', () => {
    const key = Uint8Array.from({ length: 24 }, (_, index) => index);
    const dek = new Uint8Array(24).fill(0x5a);
    const field = encodeAesKeyDataField(key, dek);
    expect([...field.subarray(0, 3)]).toEqual([0x88, 0x21, 0x18]);
    expect(field).toHaveLength(3 + 32 + 1 + 3);
    const clear = decryptSensitiveData(dek, field.subarray(3, 35));
    expect(toHex(clear.subarray(0, 24))).toBe(toHex(key));
  });

  it('round-trips through the card-side parser for every key length, with KCVs checked', () => {
    for (const length of [16, 24, 32]) {
      const keys = [1, 2, 3].map((seed) => Uint8Array.from({ length }, (_, index) => (seed * 31 + index) & 0xff));
      const dek = new Uint8Array(length).fill(0x42);
      const decoded = parsePutKeyData(buildPutKeyData(0x10, keys, dek), dek);
      expect(decoded.newKeyVersion).toBe(0x10);
      expect(decoded.keys.map((entry) => toHex(entry.key))).toEqual(keys.map(toHex));
      const response = buildPutKeyResponseData(0x10, decoded.keys.map((entry) => entry.keyCheckValue));
      expect(toHex(response)).toBe(`10${decoded.keys.map((entry) => toHex(entry.keyCheckValue)).join('')}`);
    }
  });

  it('rejects a key whose check value does not match (6982) and malformed key data (6A80)', () => {
    const data = buildPutKeyData(0x31, [ENC], DEK);
    const tampered = data.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    expect(() => parsePutKeyData(tampered, DEK)).toThrowError(Scp03SecurityError);
    expect(() => parsePutKeyData(tampered, DEK)).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_KEY_CHECK_VALUE', statusWord: 0x6982 }));
    expect(() => parsePutKeyData(data, MAC)).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_KEY_CHECK_VALUE' }));
    expect(() => parsePutKeyData(data.subarray(0, 10), DEK)).toThrowError(expect.objectContaining({ code: 'SCP03_MALFORMED_COMMAND', statusWord: 0x6a80 }));
    expect(() => parsePutKeyData(Uint8Array.of(0x31, 0x80, 0x10), DEK)).toThrowError(expect.objectContaining({ statusWord: 0x6a80 }));
    expect(() => parsePutKeyData(Uint8Array.of(0x31), DEK)).toThrowError(expect.objectContaining({ statusWord: 0x6a80 }));
  });

  it('refuses out-of-range key versions, identifiers and key lengths', () => {
    expect(() => buildPutKeyData(0x80, [ENC], DEK)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => buildPutKeyData(0x31, [], DEK)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => buildPutKeyCommand({ newKeyVersion: 0x31, firstKeyId: 0x80, keys: [ENC], dek: DEK })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => encodeAesKeyDataField(new Uint8Array(20), DEK)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => encryptSensitiveData(DEK, new Uint8Array(15))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it.skipIf(!opensslAvailable)(`matches openssl: key under the DEK in CBC with a zero ICV, KCV by ECB${opensslSkipNote}`, () => {
    for (const length of [16, 32]) {
      const key = Uint8Array.from({ length }, (_, index) => (index * 7 + 3) & 0xff);
      const dek = Uint8Array.from({ length }, (_, index) => (index * 13 + 1) & 0xff);
      const ciphered = opensslCbcEncrypt(dek, new Uint8Array(16), key);
      const kcv = opensslEcbEncrypt(key, new Uint8Array(16).fill(1)).subarray(0, 3);
      const expected = Uint8Array.from([0x88, 1 + length, length, ...ciphered, 0x03, ...kcv]);
      expect(toHex(encodeAesKeyDataField(key, dek))).toBe(toHex(expected));
    }
  });
});
