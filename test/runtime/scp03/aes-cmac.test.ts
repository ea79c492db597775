import { describe, expect, it } from 'vitest';
import { AesCmac, aesCmac } from '../../../runtime/scp03/aes-cmac.js';
import { seededRandom } from '../../helpers/random.js';
import { opensslAvailable, opensslCmac, opensslSkipNote } from './openssl.js';
import { hexToBytes, toHex } from './vectors.js';

/** RFC 4493 §4 test vectors (AES-128), the same as NIST SP 800-38B Appendix D.1. */
const RFC4493_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const RFC4493_MESSAGE =
  '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
const RFC4493_CASES = [
  { length: 0, mac: 'bb1d6929e95937287fa37d129b756746' },
  { length: 16, mac: '070a16b46b4d4144f79bdd9dd04a287c' },
  { length: 40, mac: 'dfa66747de9ae63030ca32611497c827' },
  { length: 64, mac: '51f0bebf7e3b9d92fc49741779363cfe' },
] as const;

describe('AES-CMAC (RFC 4493 / NIST SP 800-38B)', () => {
  const key = hexToBytes(RFC4493_KEY);
  const message = hexToBytes(RFC4493_MESSAGE);

  it.each(RFC4493_CASES)('RFC 4493 example with a $length-byte message', ({ length, mac }) => {
    expect(toHex(aesCmac(key, message.subarray(0, length)))).toBe(mac.toUpperCase());
  });

  it('gives the same tags when one key object MACs many messages (subkeys reused)', () => {
    const cmac = new AesCmac(key);
    for (const { length, mac } of [...RFC4493_CASES, ...RFC4493_CASES]) {
      expect(toHex(cmac.compute(message.subarray(0, length)))).toBe(mac.toUpperCase());
    }
    cmac.dispose();
  });

  it('cannot be used after dispose', () => {
    const cmac = new AesCmac(key);
    cmac.dispose();
    expect(() => cmac.compute(new Uint8Array(16))).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });

  it('rejects keys that are not AES keys', () => {
    expect(() => aesCmac(new Uint8Array(15), new Uint8Array(0))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it.skipIf(!opensslAvailable)(`agrees with openssl CMAC for AES-128/192/256 at every length 0–80${opensslSkipNote}`, () => {
    const random = seededRandom(4493);
    for (const keyLength of [16, 24, 32]) {
      const randomKey = Uint8Array.from({ length: keyLength }, () => Math.floor(random() * 256));
      const cmac = new AesCmac(randomKey);
      for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 80]) {
        const input = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        expect(toHex(cmac.compute(input)), `AES-${keyLength * 8}, ${length} bytes`).toBe(toHex(opensslCmac(randomKey, input)));
      }
      cmac.dispose();
    }
  });
});
