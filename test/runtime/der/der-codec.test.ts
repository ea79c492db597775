/**
 * The DER runtime against openssl's encoder (`asn1parse -genstr`, an independent implementation):
 * our writer must produce the same bytes, and our readers must read them back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDecodeContext } from '../../../runtime/der/decode-context.js';
import {
  decodeBigInteger,
  decodeBitString,
  decodeBmpString,
  decodeGeneralizedTime,
  decodeObjectIdentifier,
  decodeUniversalString,
  decodeUtcTime,
} from '../../../runtime/der/der-primitives.js';
import { DerWriter } from '../../../runtime/der/der-writer.js';
import { readTlvHeader, tagIdentifier } from '../../../runtime/der/tlv.js';
import { DecodeError } from '../../../runtime/der/decode-error.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';

const { folder, remove } = temporaryFolder('jpkigen-der-');
afterAll(() => remove());

let counter = 0;
function opensslDer(genstr: string): Uint8Array {
  counter += 1;
  const file = path.join(folder, `value${counter}.der`);
  openssl(['asn1parse', '-genstr', genstr, '-out', file, '-noout']);
  return new Uint8Array(readFileSync(file));
}

function read<T>(bytes: Uint8Array, decode: (context: ReturnType<typeof createDecodeContext>, header: ReturnType<typeof readTlvHeader>) => T): T {
  const context = createDecodeContext(bytes, undefined, 'test');
  return decode(context, readTlvHeader(bytes, 0, bytes.length, context));
}

describe('writer and readers agree with openssl', () => {
  for (const value of [0n, 1n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, 65535n, 2n ** 64n, -(2n ** 64n), 2n ** 159n - 1n]) {
    it(`INTEGER ${value}`, () => {
      const expected = opensslDer(`INTEGER:${value}`);
      const writer = new DerWriter();
      writer.writeInteger(0x02, value, 'v');
      expect(bytesToHex(writer.finish())).toBe(bytesToHex(expected));
      expect(read(expected, decodeBigInteger)).toBe(value);
    });
  }
  for (const oid of ['1.2.392.200149.8.5.5.1', '2.5.29.17', '1.2.840.113549.1.1.11', '2.999.1234567890123', '0.9.2342.19200300.100.1.25']) {
    it(`OBJECT IDENTIFIER ${oid}`, () => {
      const expected = opensslDer(`OID:${oid}`);
      const writer = new DerWriter();
      writer.writeObjectIdentifier(0x06, oid, 'v');
      expect(bytesToHex(writer.finish())).toBe(bytesToHex(expected));
      expect(read(expected, decodeObjectIdentifier)).toBe(oid);
    });
  }
  it('UTCTime and GeneralizedTime', () => {
    const utc = opensslDer('UTCTIME:330715145959Z');
    const generalized = opensslDer('GENERALIZEDTIME:20331231235959Z');
    const date = read(utc, decodeUtcTime);
    expect(date.toISOString()).toBe('2033-07-15T14:59:59.000Z');
    const writer = new DerWriter();
    writer.writeUtcTime(0x17, date, 'v');
    expect(bytesToHex(writer.finish())).toBe(bytesToHex(utc));
    const later = read(generalized, decodeGeneralizedTime);
    const second = new DerWriter();
    second.writeGeneralizedTime(0x18, later, 'v');
    expect(bytesToHex(second.finish())).toBe(bytesToHex(generalized));
    expect(read(opensslDer('UTCTIME:491231235959Z'), decodeUtcTime).getUTCFullYear()).toBe(2049);
    expect(read(opensslDer('UTCTIME:500101000000Z'), decodeUtcTime).getUTCFullYear()).toBe(1950);
  });
  it('BMPString and UniversalString', () => {
    const bmp = opensslDer('FORMAT:UTF8,BMPSTRING:公的個人認証');
    expect(read(bmp, decodeBmpString)).toBe('公的個人認証');
    const writer = new DerWriter();
    writer.writeBmpString(0x1e, '公的個人認証');
    expect(bytesToHex(writer.finish())).toBe(bytesToHex(bmp));
    const universal = opensslDer('FORMAT:UTF8,UNIVERSALSTRING:住所𠀋');
    expect(read(universal, decodeUniversalString)).toBe('住所𠀋');
    const third = new DerWriter();
    third.writeUniversalString(0x1c, '住所𠀋');
    expect(bytesToHex(third.finish())).toBe(bytesToHex(universal));
  });
  it('BIT STRING: named bits drop trailing zero bits, plain ones keep them', () => {
    const expected = opensslDer('FORMAT:BITLIST,BITSTRING:0,1');
    const writer = new DerWriter();
    writer.writeBitString(0x03, { bytes: Uint8Array.of(0xc0, 0x00), unusedBits: 0 }, 'v', true);
    expect(bytesToHex(writer.finish())).toBe(bytesToHex(expected));
    expect(read(expected, decodeBitString)).toEqual({ bytes: Uint8Array.of(0xc0), unusedBits: 6 });
    const plain = new DerWriter();
    plain.writeBitString(0x03, { bytes: Uint8Array.of(0xc0, 0x00), unusedBits: 0 }, 'v', false);
    expect(bytesToHex(plain.finish())).toBe('030300C000');
  });
});

describe('TLV headers', () => {
  it('reads high tag numbers and writes the same identifier octets', () => {
    const identifier = tagIdentifier(2, true, 201);
    const writer = new DerWriter();
    const mark = writer.open(identifier);
    writer.writeNull(0x05);
    writer.close(mark);
    const bytes = writer.finish();
    expect(bytesToHex(bytes)).toBe('BF81490205' + '00');
    const header = readTlvHeader(bytes, 0, bytes.length);
    expect({ tag: header.tag, tagClass: header.tagClass, tagNumber: header.tagNumber, constructed: header.constructed, headerLength: header.headerLength, length: header.length }).toEqual({
      tag: identifier,
      tagClass: 2,
      tagNumber: 201,
      constructed: true,
      headerLength: 4,
      length: 2,
    });
  });

  it('rejects a high-tag form for a low tag number, and a 0x80 first subsequent octet', () => {
    expect(() => readTlvHeader(hexToBytes('1f0500'), 0, 3)).toThrow(DecodeError);
    expect(() => readTlvHeader(hexToBytes('1f800100'), 0, 4)).toThrow(/without leading zero bits/u);
  });

  it('BER indefinite lengths: nested ones are measured, end-of-contents located, depth bounded', () => {
    const bytes = hexToBytes('3080' + '3080' + '020101' + '0000' + '0000');
    const header = readTlvHeader(bytes, 0, bytes.length, { ber: true });
    expect({ indefinite: header.indefinite, contentStart: header.contentStart, end: header.end, elementEnd: header.elementEnd }).toEqual({ indefinite: true, contentStart: 2, end: 9, elementEnd: 11 });
    const deep = hexToBytes('3080'.repeat(100) + '0000'.repeat(100));
    expect(() => readTlvHeader(deep, 0, deep.length, { ber: true, maxDepth: 50 })).toThrow(/nested at most 50/u);
    expect(() => readTlvHeader(hexToBytes('308002010100'), 0, 6, { ber: true })).toThrow(DecodeError);
  });

  it('lengths up to 2^48 are read; a length longer than the input is an overrun, not a crash', () => {
    const error = (() => {
      try {
        readTlvHeader(hexToBytes('3086ffffffffffff'), 0, 8);
      } catch (caught) {
        return caught as DecodeError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('DER_OVERRUN');
  });
});
