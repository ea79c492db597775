import { describe, expect, it } from 'vitest';
import { decodeTlvs, encodeLength, encodeTlv, TlvError } from '../../../runtime/apdu/ber-tlv.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { seededRandom } from '../../helpers/random.js';

describe('BER-TLV', () => {
  it('decodes a GET STATUS entry with a two-byte tag (GPCS 2.3.1 §11.4.3)', () => {
    const [entry] = decodeTlvs(hexToBytes('E3134F08A0000001510000009F70010FC5039EFE80'));
    expect(entry?.tag).toBe(0xe3);
    expect(entry?.constructed).toBe(true);
    const children = decodeTlvs(entry?.value ?? new Uint8Array(), entry?.offset);
    expect(children.map((child) => [child.tag.toString(16), bytesToHex(child.value)])).toEqual([
      ['4f', 'A000000151000000'],
      ['9f70', '0F'],
      ['c5', '9EFE80'],
    ]);
  });

  it.each([
    [0, '00'],
    [127, '7F'],
    [128, '8180'],
    [255, '81FF'],
    [256, '820100'],
    [65536, '83010000'],
  ])('encodes length %i as %s', (length, hex) => {
    expect(bytesToHex(encodeLength(length))).toBe(hex);
  });

  it('skips 00 padding between objects, and reads FF as the first byte of a tag (SEAC FF40)', () => {
    expect(decodeTlvs(hexToBytes('00004F010100')).map((tlv) => tlv.tag)).toEqual([0x4f]);
    expect(decodeTlvs(hexToBytes('FF4003E20100')).map((tlv) => tlv.tag)).toEqual([0xff40]);
  });

  it.each([
    ['a value longer than the buffer', '4F05010203', 0],
    ['an indefinite length', '4F80', 1],
    ['a truncated multi-byte tag', '9F', 1],
    ['a tag longer than three bytes', '9F818101', 0],
    ['a five-byte length', '4F850000000001', 1],
  ])('rejects %s at its byte offset', (_name, hex, offset) => {
    let caught: unknown;
    try {
      decodeTlvs(hexToBytes(hex));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TlvError);
    expect((caught as TlvError).offset).toBe(offset);
  });

  it('round-trips random objects and never throws anything but TlvError on random bytes', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 2000; round += 1) {
      const tag = [0x4f, 0x9f70, 0xdf20, 0xe3, 0xff40][Math.floor(random() * 5)] ?? 0x4f;
      const value = Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256));
      const [decoded] = decodeTlvs(encodeTlv(tag, value));
      expect(decoded?.tag).toBe(tag);
      expect(bytesToHex(decoded?.value ?? new Uint8Array())).toBe(bytesToHex(value));
    }
    for (let round = 0; round < 20000; round += 1) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 10) }, () => Math.floor(random() * 256));
      try {
        decodeTlvs(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(TlvError);
      }
    }
  });
});
