import { describe, expect, it } from 'vitest';
import { encodeCommandApdu, parseCommandApdu, parseResponseApdu, encodeResponseApdu } from '../../../runtime/apdu/command-apdu.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { seededRandom } from '../../helpers/random.js';

const parse = (hex: string) => parseCommandApdu(hexToBytes(hex));

describe('parseCommandApdu (ISO/IEC 7816-4 §5.1)', () => {
  it.each([
    ['case 1', '00A40000', { isoCase: 1, data: '', le: undefined, extended: false }],
    ['case 2 short, Le 00 = 256', '00B0000000', { isoCase: 2, data: '', le: 256, extended: false }],
    ['case 3 short', '00A4020C020001', { isoCase: 3, data: '0001', le: undefined, extended: false }],
    ['case 4 short', '802A00800301020300', { isoCase: 4, data: '010203', le: 256, extended: false }],
    ['case 2 extended, Le 0000 = 65536', '00B00000000000', { isoCase: 2, data: '', le: 65536, extended: true }],
    ['case 3 extended', '00DA0000000003010203', { isoCase: 3, data: '010203', le: undefined, extended: true }],
    ['case 4 extended', '802A008000000301020301F4', { isoCase: 4, data: '010203', le: 500, extended: true }],
  ])('%s', (_name, hex, expected) => {
    const result = parse(hex);
    if (!result.ok) throw new Error(result.reason);
    expect({ ...result.apdu, data: bytesToHex(result.apdu.data) }).toMatchObject(expected);
  });

  it.each([
    ['too short', '00A4'],
    ['Lc longer than the data', '00A4020C0300'],
    ['Lc shorter than the data, no room for Le', '00A4020C01000102'],
    ['extended with too few bytes', '00B0000000FF'],
    ['extended Lc of zero', '00B00000000000FF'],
    ['extended Lc mismatch', '00DA0000000005010203'],
  ])('answers 6700 for %s', (_name, hex) => {
    expect(parse(hex)).toMatchObject({ ok: false, sw: 0x6700 });
  });

  it('round-trips every case and length form', () => {
    const random = seededRandom(7816);
    for (let round = 0; round < 2000; round += 1) {
      const dataLength = random() < 0.3 ? 0 : Math.floor(random() * (random() < 0.2 ? 600 : 255)) + 1;
      const le = random() < 0.4 ? undefined : Math.floor(random() * (random() < 0.2 ? 65536 : 256)) + 1;
      const input = {
        cla: Math.floor(random() * 256),
        ins: Math.floor(random() * 256),
        p1: Math.floor(random() * 256),
        p2: Math.floor(random() * 256),
        data: Uint8Array.from({ length: dataLength }, () => Math.floor(random() * 256)),
        ...(le === undefined ? {} : { le }),
      };
      const result = parseCommandApdu(encodeCommandApdu(input));
      if (!result.ok) throw new Error(`round ${round}: ${result.reason}`);
      expect(bytesToHex(result.apdu.data)).toBe(bytesToHex(input.data));
      expect(result.apdu.le).toBe(le);
      expect([result.apdu.cla, result.apdu.ins, result.apdu.p1, result.apdu.p2]).toEqual([input.cla, input.ins, input.p1, input.p2]);
    }
  });

  it('never throws on random bytes', () => {
    const random = seededRandom(1);
    for (let round = 0; round < 20000; round += 1) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 12) }, () => (random() < 0.3 ? 0 : Math.floor(random() * 256)));
      const result = parseCommandApdu(bytes);
      if (!result.ok) expect(result.sw).toBe(0x6700);
    }
  });
});

describe('response APDUs', () => {
  it('split data from SW1 SW2 and back', () => {
    const response = parseResponseApdu(hexToBytes('01029000'));
    expect(response && { data: bytesToHex(response.data), sw: response.sw }).toEqual({ data: '0102', sw: 0x9000 });
    expect(bytesToHex(encodeResponseApdu({ data: hexToBytes('AB'), sw: 0x63c2 }))).toBe('AB63C2');
    expect(parseResponseApdu(hexToBytes('90'))).toBeUndefined();
  });
});
