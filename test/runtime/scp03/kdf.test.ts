import { describe, expect, it } from 'vitest';
import { DerivationConstant, deriveScp03Data, deriveSessionKeys } from '../../../runtime/scp03/kdf.js';
import { AesCmac } from '../../../runtime/scp03/aes-cmac.js';
import { opensslAvailable, opensslCmac, opensslSkipNote } from './openssl.js';
import { hexToBytes, readJson, sharedVectorFolder, toHex } from './vectors.js';
import path from 'node:path';

interface KdfVector {
  key: string;
  constant: string;
  context: string;
  output: string;
  lengthBits: number;
}

const blaufish = readJson(path.join(sharedVectorFolder, 'kdf-blaufish.json')) as { vectors: KdfVector[] };

/** The Amd D §4.1.5 PRF input, written out here independently of the module under test. */
function kdfInput(constant: number, lengthBits: number, counter: number, context: Uint8Array): Uint8Array {
  return Uint8Array.from([...new Array<number>(11).fill(0), constant, 0x00, lengthBits >> 8, lengthBits & 0xff, counter, ...context]);
}

describe('SCP03 KDF (Amd D §4.1.5)', () => {
  it.each(blaufish.vectors.map((vector, index) => ({ index, ...vector })))(
    'blaufish vector $index (constant $constant, L=$lengthBits)',
    ({ key, constant, context, output, lengthBits }) => {
      const derived = deriveScp03Data(hexToBytes(key), Number.parseInt(constant, 16), hexToBytes(context), lengthBits);
      expect(toHex(derived)).toBe(output.toUpperCase());
    },
  );

  it('derives the Yubico host cryptogram (L = 64)', () => {
    const context = hexToBytes('360CB43F4301B894' + 'CAAFA4DAC615236A');
    expect(toHex(deriveScp03Data(hexToBytes('FC90AA67CDC5DABFD5051663045DFA23'), DerivationConstant.hostCryptogram, context, 64))).toBe('45330AB30BB1A079');
  });

  it('accepts a prepared CMAC key and leaves it usable', () => {
    const prf = new AesCmac(new Uint8Array(16));
    const vector = blaufish.vectors[0] as KdfVector;
    expect(toHex(deriveScp03Data(prf, 1, hexToBytes(vector.context), 256))).toBe(vector.output);
    expect(toHex(deriveScp03Data(prf, 1, hexToBytes(vector.context), 256))).toBe(vector.output);
    prf.dispose();
  });

  it('truncates to L bits, with the counter running 01, 02 for L > 128', () => {
    const key = new Uint8Array(16).fill(7);
    const long = deriveScp03Data(key, 0x04, new Uint8Array(16), 256);
    // L is part of every PRF input, so a shorter output is not a prefix of a longer one.
    expect(toHex(deriveScp03Data(key, 0x04, new Uint8Array(16), 128))).not.toBe(toHex(long.subarray(0, 16)));
    expect(deriveScp03Data(key, 0x04, new Uint8Array(16), 192)).toHaveLength(24);
  });

  it('rejects parameters outside the scheme', () => {
    const key = new Uint8Array(16);
    expect(() => deriveScp03Data(key, 0x100, new Uint8Array(0), 128)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => deriveScp03Data(key, 1, new Uint8Array(0), 0)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => deriveScp03Data(key, 1, new Uint8Array(0), 100)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => deriveScp03Data(new Uint8Array(20), 1, new Uint8Array(0), 128)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it('derives session keys as long as the static keys (Amd D Table 6-2)', () => {
    for (const length of [16, 24, 32]) {
      const keys = deriveSessionKeys({ enc: new Uint8Array(length).fill(1), mac: new Uint8Array(length).fill(2) }, new Uint8Array(8), new Uint8Array(8));
      expect([keys.sEnc.length, keys.sMac.length, keys.sRmac.length]).toEqual([length, length, length]);
      expect(toHex(keys.sMac)).not.toBe(toHex(keys.sRmac));
    }
  });

  it.skipIf(!opensslAvailable)(`session keys for AES-128/192/256 agree with openssl CMAC over the spelled-out PRF input${opensslSkipNote}`, () => {
    const hostChallenge = hexToBytes('FDF38259A1E0DE44');
    const cardChallenge = hexToBytes('3B1ACA81E821F219');
    const context = Uint8Array.from([...hostChallenge, ...cardChallenge]);
    for (const length of [16, 24, 32]) {
      const enc = Uint8Array.from({ length }, (_, index) => index & 0x0f);
      const mac = Uint8Array.from({ length }, (_, index) => 0x10 + (index & 0x0f));
      const keys = deriveSessionKeys({ enc, mac }, hostChallenge, cardChallenge);
      const independent = (key: Uint8Array, constant: number): string => {
        const blocks = [1, 2].slice(0, Math.ceil(length / 16)).map((counter) => opensslCmac(key, kdfInput(constant, length * 8, counter, context)));
        return toHex(Uint8Array.from(blocks.flatMap((block) => [...block])).subarray(0, length));
      };
      expect(toHex(keys.sEnc)).toBe(independent(enc, 0x04));
      expect(toHex(keys.sMac)).toBe(independent(mac, 0x06));
      expect(toHex(keys.sRmac)).toBe(independent(mac, 0x07));
    }
  });
});
