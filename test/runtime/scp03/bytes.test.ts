import { describe, expect, it } from 'vitest';
import { constantTimeEqual, counterBlock, padIso9797M2, unpadIso9797M2 } from '../../../runtime/scp03/bytes.js';
import { Scp03SecurityError } from '../../../runtime/scp03/errors.js';
import { hexToBytes, toHex } from './vectors.js';

describe('padding and counters (Amd D §4.1.4, §6.2.6)', () => {
  it.each([0, 1, 15, 16, 17, 31, 32])('pads %i bytes with 80 00… to the next multiple of 16', (length) => {
    const padded = padIso9797M2(new Uint8Array(length).fill(0xaa));
    expect(padded.length).toBe((Math.floor(length / 16) + 1) * 16);
    expect(padded[length]).toBe(0x80);
    expect(toHex(unpadIso9797M2(padded))).toBe('AA'.repeat(length));
  });

  it('refuses data without the 80 marker', () => {
    for (const bad of ['00'.repeat(16), 'AA'.repeat(16), `${'AA'.repeat(15)}01`]) {
      expect(() => unpadIso9797M2(hexToBytes(bad))).toThrowError(Scp03SecurityError);
    }
  });

  it('writes the counter big-endian into a 16-byte block', () => {
    expect(toHex(counterBlock(1))).toBe(`${'00'.repeat(15)}01`);
    expect(toHex(counterBlock(0x1_0203))).toBe(`${'00'.repeat(13)}010203`);
    expect(toHex(counterBlock(2 ** 40))).toBe(`${'00'.repeat(10)}010000000000`);
  });

  it('compares in constant time, with unequal lengths simply unequal', () => {
    expect(constantTimeEqual(hexToBytes('0102'), hexToBytes('0102'))).toBe(true);
    expect(constantTimeEqual(hexToBytes('0102'), hexToBytes('0103'))).toBe(false);
    expect(constantTimeEqual(hexToBytes('0102'), hexToBytes('010203'))).toBe(false);
  });
});
