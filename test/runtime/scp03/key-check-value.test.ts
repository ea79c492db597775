import { describe, expect, it } from 'vitest';
import { computeAesKeyCheckValue } from '../../../runtime/scp03/key-check-value.js';
import { seededRandom } from '../../helpers/random.js';
import { opensslAvailable, opensslEcbEncrypt, opensslSkipNote } from './openssl.js';
import { hexToBytes, toHex } from './vectors.js';

describe('AES key check value (Amd D §7.2.2)', () => {
  it('matches pySim SCP03_KCV_Test for its three AES-128 keys', () => {
    expect(toHex(computeAesKeyCheckValue(hexToBytes('000102030405060708090A0B0C0D0E0F')))).toBe('C35280');
    expect(toHex(computeAesKeyCheckValue(hexToBytes('101112131415161718191A1B1C1D1E1F')))).toBe('013808');
    expect(toHex(computeAesKeyCheckValue(hexToBytes('202122232425262728292A2B2C2D2E2F')))).toBe('840DE5');
  });

  it('is three bytes for every AES key length and refuses other lengths', () => {
    for (const length of [16, 24, 32]) expect(computeAesKeyCheckValue(new Uint8Array(length))).toHaveLength(3);
    expect(() => computeAesKeyCheckValue(new Uint8Array(8))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it.skipIf(!opensslAvailable)(`agrees with openssl enc -aes-*-ecb -nopad over sixteen '01' bytes${opensslSkipNote}`, () => {
    const random = seededRandom(722);
    for (const length of [16, 24, 32, 16, 24, 32]) {
      const key = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      const independent = opensslEcbEncrypt(key, new Uint8Array(16).fill(0x01)).subarray(0, 3);
      expect(toHex(computeAesKeyCheckValue(key))).toBe(toHex(independent));
    }
  });
});
