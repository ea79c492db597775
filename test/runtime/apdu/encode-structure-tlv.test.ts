/**
 * encodeStructureTlv: a command table's structure encoded on its own (response data, stored objects),
 * checked against the ARA-M spec's example bytes and against decodeStructureTlv.
 */
import { describe, expect, it } from 'vitest';
import { araMTable, type RefArDo, type ResponseAllArDo } from '../../../generated/apdu/ara-m.js';
import { ApduEncodingError, bytesToHex, decodeStructureTlv, decodeTlv, encodeStructureTlv, hexToBytes } from '../../../runtime/index.js';

describe('encodeStructureTlv', () => {
  it('encodes the REF-AR-DO of the spec example (GlobalPlatformPro issue #81) byte for byte', () => {
    const rule: RefArDo = {
      refDo: { aidRefDo: hexToBytes('D2760001180002FF49502589C0019B01'), deviceAppIdRefDo: hexToBytes('54AC1FC8DB794570D0CF2565DBFBE98C266AE07F') },
      arDo: { apduArDo: Uint8Array.of(0x01) },
    };
    const encoded = encodeStructureTlv(araMTable, 'RefArDo', rule);
    expect(bytesToHex(encoded)).toBe('E22FE1284F10D2760001180002FF49502589C0019B01C11454AC1FC8DB794570D0CF2565DBFBE98C266AE07FE303D00101');
    expect(decodeStructureTlv(araMTable, 'RefArDo', decodeTlv(encoded, 0).tlv)).toEqual(rule);
  });

  it('writes long-form lengths and two-byte tags', () => {
    const rules: RefArDo[] = Array.from({ length: 4 }, (_, index) => ({ refDo: { aidRefDo: new Uint8Array(0), deviceAppIdRefDo: new Uint8Array(32).fill(index) }, arDo: { apduArDo: Uint8Array.of(1) } }));
    const encoded = encodeStructureTlv(araMTable, 'ResponseAllArDo', { refArDo: rules } satisfies ResponseAllArDo);
    // 4 × (E2 2B { E1 24 {4F00, C120…}, E3 03 {D00101} }) = 180 bytes: FF40 81 B4.
    expect(bytesToHex(encoded.subarray(0, 4))).toBe('FF4081B4');
    expect(encoded.length).toBe(4 + 180);
    expect((decodeStructureTlv(araMTable, 'ResponseAllArDo', decodeTlv(encoded, 0).tlv) as ResponseAllArDo).refArDo).toEqual(rules);
  });

  it('refuses values the structure does not allow, naming the structure', () => {
    expect(() => encodeStructureTlv(araMTable, 'RefArDo', { refDo: {} })).toThrow(ApduEncodingError);
    expect(() => encodeStructureTlv(araMTable, 'RefArDo', { refDo: {} })).toThrow(/RefArDo.arDo is required/);
    expect(() => encodeStructureTlv(araMTable, 'PermArDo', new Uint8Array(7))).toThrow(/PermArDo must be 8 bytes, got 7/);
    expect(() => encodeStructureTlv(araMTable, 'NoSuchStructure', {})).toThrow(/unknown structure NoSuchStructure/);
  });
});
