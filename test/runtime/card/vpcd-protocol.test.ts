import { describe, expect, it } from 'vitest';
import {
  encodeVpcdApdu,
  encodeVpcdControl,
  encodeVpcdFrame,
  parseVpcdReaderMessage,
  VPCD_MAX_PAYLOAD,
  VpcdFrameDecoder,
  VpcdProtocolError,
} from '../../../runtime/card/vpcd-protocol.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { seededRandom } from '../../helpers/random.js';

describe('vpcd frames', () => {
  it('prefixes the payload with its length, big-endian (vsmartcard vpcd.c sendToVICC)', () => {
    expect(bytesToHex(encodeVpcdFrame(hexToBytes('00A4040C')))).toBe('000400A4040C');
    expect(bytesToHex(encodeVpcdFrame(new Uint8Array(0x0102)).subarray(0, 2))).toBe('0102');
    expect(bytesToHex(encodeVpcdFrame(new Uint8Array(0)))).toBe('0000');
  });

  it('encodes the control messages as 1-byte frames: 00 off, 01 on, 02 reset, 04 get ATR', () => {
    expect(['powerOff', 'powerOn', 'reset', 'getAtr'].map((name) => bytesToHex(encodeVpcdControl(name as 'powerOff')))).toEqual(['000100', '000101', '000102', '000104']);
  });

  it('refuses a payload the 2-byte length cannot carry, and APDUs that would read as control or nothing', () => {
    expect(() => encodeVpcdFrame(new Uint8Array(VPCD_MAX_PAYLOAD + 1))).toThrow(expect.objectContaining({ reason: 'payload-too-long', code: 'CARD_CONNECTION' }));
    expect(encodeVpcdFrame(new Uint8Array(VPCD_MAX_PAYLOAD)).length).toBe(VPCD_MAX_PAYLOAD + 2);
    expect(() => encodeVpcdApdu(Uint8Array.of(0x00))).toThrow(expect.objectContaining({ reason: 'ambiguous-apdu' }));
    expect(() => encodeVpcdApdu(new Uint8Array(0))).toThrow(VpcdProtocolError);
    expect(bytesToHex(encodeVpcdApdu(hexToBytes('6D00')))).toBe('00026D00');
  });

  it('classifies what a reader sends: 1 byte is control, more is an APDU', () => {
    expect(parseVpcdReaderMessage(Uint8Array.of(4))).toEqual({ kind: 'control', control: 'getAtr' });
    expect(parseVpcdReaderMessage(Uint8Array.of(0))).toEqual({ kind: 'control', control: 'powerOff' });
    const apdu = hexToBytes('00B0000004');
    expect(parseVpcdReaderMessage(apdu)).toEqual({ kind: 'apdu', apdu });
    expect(() => parseVpcdReaderMessage(Uint8Array.of(3))).toThrow(/unknown control byte 0x03/u);
    expect(() => parseVpcdReaderMessage(new Uint8Array(0))).toThrow(expect.objectContaining({ reason: 'empty-frame' }));
  });

  it('reassembles frames split and merged anywhere', () => {
    const decoder = new VpcdFrameDecoder();
    const stream = hexToBytes('000104' + '0005' + '00A4040C00' + '0002' + '9000');
    expect(decoder.push(stream.subarray(0, 1))).toEqual([]);
    expect(decoder.push(stream.subarray(1, 5)).map(bytesToHex)).toEqual(['04']);
    expect(decoder.pendingBytes).toBe(2);
    expect(decoder.push(stream.subarray(5)).map(bytesToHex)).toEqual(['00A4040C00', '9000']);
    expect(decoder.pendingBytes).toBe(0);
    expect(() => decoder.end()).not.toThrow();
  });

  it('reports a connection that ends inside a frame, with what was expected', () => {
    const decoder = new VpcdFrameDecoder();
    decoder.push(hexToBytes('0010AABB'));
    expect(() => decoder.end()).toThrow(/4 bytes received, expected 18 bytes/u);
    const header = new VpcdFrameDecoder();
    header.push(Uint8Array.of(0x01));
    expect(() => header.end()).toThrow(expect.objectContaining({ reason: 'truncated-frame' }));
  });
});

describe('vpcd frame fuzz', () => {
  it('decodes any sequence of frames identically however TCP chunks it (2 000 seeded cases)', () => {
    for (let seed = 1; seed <= 2_000; seed += 1) {
      const random = seededRandom(seed);
      const payloads = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const size = random() < 0.1 ? Math.floor(random() * 3000) : Math.floor(random() * 300);
        return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
      });
      const stream = concat(payloads.map(encodeVpcdFrame));
      const decoder = new VpcdFrameDecoder();
      const decoded: Uint8Array[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const step = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 700));
        decoded.push(...decoder.push(stream.slice(offset, offset + step)));
        offset += step;
      }
      expect(decoded.map(bytesToHex), `seed ${seed}`).toEqual(payloads.map(bytesToHex));
      expect(() => decoder.end()).not.toThrow();
    }
  });

  it('never throws anything but a typed error on random bytes, and never holds more than one frame (2 000 seeded cases)', () => {
    for (let seed = 1; seed <= 2_000; seed += 1) {
      const random = seededRandom(seed * 7919);
      const decoder = new VpcdFrameDecoder();
      for (let chunk = 0; chunk < 8; chunk += 1) {
        const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
        for (const payload of decoder.push(bytes)) {
          try {
            parseVpcdReaderMessage(payload);
          } catch (error) {
            expect(error, `seed ${seed}`).toBeInstanceOf(VpcdProtocolError);
          }
        }
        expect(decoder.pendingBytes).toBeLessThanOrEqual(VPCD_MAX_PAYLOAD + 2);
      }
      try {
        decoder.end();
      } catch (error) {
        expect(error, `seed ${seed}`).toBeInstanceOf(VpcdProtocolError);
      }
    }
  });
});

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
