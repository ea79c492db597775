import { describe, expect, it } from 'vitest';
import {
  decodeClass,
  encodeClass,
  encodeCommandApdu,
  isSuccessOrWarning,
  macClass,
  parseCommandApdu,
  parseResponseApdu,
} from '../../../runtime/scp03/apdu.js';
import { Scp03FormatError } from '../../../runtime/scp03/errors.js';
import { hexToBytes, toHex } from './vectors.js';

describe('class byte (GPCS §11.1.4)', () => {
  it('codes channels 0–3 in b2b1 and GP secure messaging as b4b3 = 01', () => {
    expect(encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: 0 })).toBe(0x80);
    expect(encodeClass({ proprietary: true, secureMessaging: true, chaining: false, channel: 0 })).toBe(0x84);
    expect(encodeClass({ proprietary: true, secureMessaging: true, chaining: false, channel: 3 })).toBe(0x87);
    expect(decodeClass(0x86)).toEqual({ proprietary: true, secureMessaging: true, chaining: false, channel: 2 });
  });

  it('codes channels 4–19 in the further interindustry class with secure messaging in b6', () => {
    expect(encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: 4 })).toBe(0xc0);
    expect(encodeClass({ proprietary: true, secureMessaging: true, chaining: false, channel: 19 })).toBe(0xef);
    expect(decodeClass(0xe5)).toEqual({ proprietary: true, secureMessaging: true, chaining: false, channel: 9 });
    for (let channel = 0; channel <= 19; channel += 1) {
      for (const secureMessaging of [false, true]) {
        const cla = encodeClass({ proprietary: true, secureMessaging, chaining: false, channel });
        expect(decodeClass(cla)).toEqual({ proprietary: true, secureMessaging, chaining: false, channel });
      }
    }
  });

  it("puts '84' into the C-MAC whatever channel the command travels on (Amd D §6.2.4)", () => {
    for (const cla of [0x80, 0x83, 0x84, 0x87, 0xc0, 0xcf, 0xe0, 0xef]) expect(macClass(cla)).toBe(0x84);
    expect(macClass(0x00)).toBe(0x04);
  });

  it('refuses reserved class bytes and channels beyond 19', () => {
    expect(() => decodeClass(0xa0)).toThrowError(Scp03FormatError);
    expect(() => encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: 20 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });
});

describe('APDU coding used by the channel', () => {
  it('turns malformed commands into SCP03 errors carrying 6700', () => {
    expect(() => parseCommandApdu(hexToBytes('8050'))).toThrowError(expect.objectContaining({ code: 'SCP03_MALFORMED_COMMAND', statusWord: 0x6700 }));
    expect(() => parseCommandApdu(hexToBytes('80500000050102'))).toThrowError(expect.objectContaining({ statusWord: 0x6700 }));
    expect(() => parseResponseApdu(hexToBytes('90'))).toThrowError(expect.objectContaining({ code: 'SCP03_MALFORMED_RESPONSE' }));
  });

  it('keeps short form unless the lengths need extended form', () => {
    const short = encodeCommandApdu({ cla: 0x80, ins: 0xe2, p1: 0, p2: 0, data: new Uint8Array(255), le: 256 });
    expect(short).toHaveLength(4 + 1 + 255 + 1);
    const extended = encodeCommandApdu({ cla: 0x80, ins: 0xe2, p1: 0, p2: 0, data: new Uint8Array(256), le: 256 });
    expect(toHex(extended.subarray(4, 7))).toBe('000100');
    expect(parseCommandApdu(extended)).toMatchObject({ extended: true, le: 256 });
  });

  it("treats only '9000', '62xx' and '63xx' as success (Amd D §6.2.5)", () => {
    expect([0x9000, 0x6283, 0x6310].every(isSuccessOrWarning)).toBe(true);
    expect([0x6982, 0x6a82, 0x6700, 0x9001, 0x6100].some(isSuccessOrWarning)).toBe(false);
  });
});
