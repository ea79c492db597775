import { describe, expect, it } from 'vitest';
import {
  buildInitializeUpdateCommand,
  encodeInitializeUpdateResponse,
  parseInitializeUpdateResponse,
} from '../../../runtime/scp03/initialize-update.js';
import { hexToBytes, toHex } from './vectors.js';

describe('INITIALIZE UPDATE (Amd D §7.1.1)', () => {
  it('builds the command with KVN in P1, the host challenge and Le 00', () => {
    expect(toHex(buildInitializeUpdateCommand({ keyVersion: 0x30, hostChallenge: hexToBytes('FDF38259A1E0DE44') }))).toBe('8050300008FDF38259A1E0DE4400');
    expect(toHex(buildInitializeUpdateCommand({ keyVersion: 0, hostChallenge: new Uint8Array(16), channel: 2 })).slice(0, 10)).toBe('8250000010');
    expect(() => buildInitializeUpdateCommand({ keyVersion: 0x30, hostChallenge: new Uint8Array(12) })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it('reads the S8 pseudo-random response (32 bytes) of Table 7-2', () => {
    const response = parseInitializeUpdateResponse(hexToBytes('000000000000000000003003703B1ACA81E821F219081CDC01C26B372D000003'));
    expect(response).toMatchObject({ keyVersion: 0x30, scpIdentifier: 0x03, i: 0x70, sequenceCounter: 3 });
    expect(response.parameters).toEqual({ mode: 'S8', pseudoRandomChallenge: true, rMac: true, rEncryption: true });
    expect(toHex(response.cardChallenge)).toBe('3B1ACA81E821F219');
    expect(toHex(response.cardCryptogram)).toBe('081CDC01C26B372D');
  });

  it('reads S16 (48 bytes with counter) and random-challenge (29 bytes, no counter) responses', () => {
    const s16 = parseInitializeUpdateResponse(hexToBytes('A1A01243058551312085300371' + '0617A2C34D50B562F7DECFC3DBF58A64' + '9EF733B7486D813C92E4CA61E5102F91' + '00082A'));
    expect(s16).toMatchObject({ i: 0x71, sequenceCounter: 0x082a });
    expect(s16.cardChallenge).toHaveLength(16);
    const random = parseInitializeUpdateResponse(hexToBytes(`${'00'.repeat(10)}300360${'11'.repeat(8)}${'22'.repeat(8)}`));
    expect(random.sequenceCounter).toBeUndefined();
    expect(toHex(encodeInitializeUpdateResponse(random))).toBe(`${'00'.repeat(10)}300360${'11'.repeat(8)}${'22'.repeat(8)}`);
  });

  it('refuses responses whose length does not match "i" or that are not SCP03', () => {
    const good = '000000000000000000003003703B1ACA81E821F219081CDC01C26B372D000003';
    for (const bad of [good.slice(0, -6), `${good}00`, good.replace(/^(.{22})03/, '$102'), '0000', good.replace(/^(.{24})70/, '$1F0')]) {
      expect(() => parseInitializeUpdateResponse(hexToBytes(bad))).toThrowError(expect.objectContaining({ code: 'SCP03_MALFORMED_RESPONSE' }));
    }
  });
});
