import { describe, expect, it } from 'vitest';
import { assertSecurityLevel, describeIParameter, levelAllowedByIParameter, levelCovers, SECURITY_LEVELS } from '../../../runtime/scp03/parameters.js';

describe('"i" parameter (Amd D Table 5-1) and security levels (Table 7-3)', () => {
  it('reads the common "i" values', () => {
    expect(describeIParameter(0x00)).toEqual({ mode: 'S8', pseudoRandomChallenge: false, rMac: false, rEncryption: false });
    expect(describeIParameter(0x10)).toEqual({ mode: 'S8', pseudoRandomChallenge: true, rMac: false, rEncryption: false });
    expect(describeIParameter(0x60)).toEqual({ mode: 'S8', pseudoRandomChallenge: false, rMac: true, rEncryption: true });
    expect(describeIParameter(0x71)).toEqual({ mode: 'S16', pseudoRandomChallenge: true, rMac: true, rEncryption: true });
  });

  it('refuses reserved and RFU bits and R-ENCRYPTION without R-MAC', () => {
    for (const i of [0x80, 0x02, 0x04, 0x08, 0x40, 0x50, 0x100, -1]) {
      expect(() => describeIParameter(i), i.toString(16)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    }
  });

  it('accepts exactly the levels of Table 7-3', () => {
    expect([...SECURITY_LEVELS]).toEqual([0x00, 0x01, 0x03, 0x11, 0x13, 0x33]);
    for (let level = 0; level < 256; level += 1) {
      if ((SECURITY_LEVELS as readonly number[]).includes(level)) expect(assertSecurityLevel(level)).toBe(level);
      else expect(() => assertSecurityLevel(level)).toThrowError(expect.objectContaining({ code: 'SCP03_UNSUPPORTED_SECURITY_LEVEL' }));
    }
  });

  it('matches response protection against "i", and levels against a minimum', () => {
    expect(levelAllowedByIParameter(0x13, describeIParameter(0x30))).toBe(true);
    expect(levelAllowedByIParameter(0x33, describeIParameter(0x30))).toBe(false);
    expect(levelAllowedByIParameter(0x11, describeIParameter(0x10))).toBe(false);
    expect(levelAllowedByIParameter(0x03, describeIParameter(0x00))).toBe(true);
    expect(levelCovers(0x33, 0x13)).toBe(true);
    expect(levelCovers(0x13, 0x33)).toBe(false);
    expect(levelCovers(0x03, 0x11)).toBe(false);
  });
});
