import { describe, expect, it } from 'vitest';
import { PINS, pinStatusOf, wrongPinFor } from '../../../conformance/jpki-ap/session.js';

describe('jpki-ap session helpers', () => {
  it('derives a wrong PIN of the same format that differs from the right one', () => {
    expect(wrongPinFor('auth', '1239')).toBe('1230');
    expect(wrongPinFor('auth', '0000')).toBe('0001');
    expect(wrongPinFor('sign', 'ABC12Z')).toBe('ABC12A');
    expect(wrongPinFor('sign', 'PASSWORD9')).toBe('PASSWORD0');
    for (const right of ['1234', '9999', 'ZZZZZZ', 'A1B2C3D4E5F6G7H8']) {
      const wrong = wrongPinFor('sign', right);
      expect(wrong).not.toBe(right);
      expect(wrong).toHaveLength(right.length);
      expect(wrong).toMatch(/^[0-9A-Z]+$/);
    }
  });

  it('reads the retry query answers of the PIN life cycles', () => {
    expect(pinStatusOf(0x63c3)).toEqual({ kind: 'tries', left: 3 });
    expect(pinStatusOf(0x9000)).toEqual({ kind: 'verified' });
    for (const sw of [0x63c0, 0x6983, 0x6984]) expect(pinStatusOf(sw).kind).toBe('blocked');
    expect(pinStatusOf(0x6a82)).toEqual({ kind: 'other', sw: 0x6a82 });
  });

  it('takes the maximum tries from the generated life cycles (3 auth, 5 sign) and the EFs from the file map', () => {
    expect(PINS.auth).toMatchObject({ pinFid: '0018', keyFid: '0017', certificateFid: '000A', maxTries: 3 });
    expect(PINS.sign).toMatchObject({ pinFid: '001B', keyFid: '001A', certificateFid: '0001', maxTries: 5 });
  });
});
