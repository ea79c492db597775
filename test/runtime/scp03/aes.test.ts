import { describe, expect, it } from 'vitest';
import { AesKey, aesCbcDecrypt, aesCbcEncrypt } from '../../../runtime/scp03/aes.js';
import { seededRandom } from '../../helpers/random.js';
import { opensslAvailable, opensslCbcEncrypt, opensslEcbEncrypt, opensslSkipNote } from './openssl.js';
import { toHex } from './vectors.js';

describe('AesKey', () => {
  it('round-trips CBC on both of its code paths (chained ECB blocks and a CBC context)', () => {
    const random = seededRandom(3822);
    for (const keyLength of [16, 24, 32]) {
      const key = new AesKey(Uint8Array.from({ length: keyLength }, () => Math.floor(random() * 256)));
      for (const blocks of [1, 2, 4, 5, 9, 64]) {
        const icv = Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256));
        const data = Uint8Array.from({ length: blocks * 16 }, () => Math.floor(random() * 256));
        expect(toHex(key.decryptCbc(icv, key.encryptCbc(icv, data)))).toBe(toHex(data));
      }
      key.dispose();
    }
  });

  it('refuses partial blocks and use after dispose', () => {
    const key = new AesKey(new Uint8Array(16));
    expect(() => key.encryptCbc(new Uint8Array(16), new Uint8Array(15))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => key.encryptBlocks(new Uint8Array(17))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    key.dispose();
    expect(() => key.encryptBlocks(new Uint8Array(16))).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
    expect(() => key.encryptCbc(new Uint8Array(16), new Uint8Array(16))).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });

  it.skipIf(!opensslAvailable)(`agrees with openssl enc for ECB and CBC at 1–9 blocks and every key length${opensslSkipNote}`, () => {
    const random = seededRandom(197);
    for (const keyLength of [16, 24, 32]) {
      const raw = Uint8Array.from({ length: keyLength }, () => Math.floor(random() * 256));
      const key = new AesKey(raw);
      for (const blocks of [1, 3, 4, 5, 9]) {
        const icv = Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256));
        const data = Uint8Array.from({ length: blocks * 16 }, () => Math.floor(random() * 256));
        const expected = toHex(opensslCbcEncrypt(raw, icv, data));
        expect(toHex(key.encryptCbc(icv, data))).toBe(expected);
        expect(toHex(aesCbcEncrypt(raw, icv, data))).toBe(expected);
        expect(toHex(aesCbcDecrypt(raw, icv, opensslCbcEncrypt(raw, icv, data)))).toBe(toHex(data));
        expect(toHex(key.encryptBlocks(data))).toBe(toHex(opensslEcbEncrypt(raw, data)));
      }
      key.dispose();
    }
  });
});
