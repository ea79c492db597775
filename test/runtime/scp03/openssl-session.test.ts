/**
 * A whole pySim session recomputed from the Amd D formulas with openssl as the only AES/CMAC
 * implementation — the KDF input, cryptograms, C-MAC chaining, C-DECRYPTION, R-MAC and
 * R-ENCRYPTION all spelled out here — and compared with the published bytes and with ours.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveSessionKeys } from '../../../runtime/scp03/kdf.js';
import { opensslAvailable, opensslCbcDecrypt, opensslCbcEncrypt, opensslCmac, opensslEcbEncrypt, opensslSkipNote } from './openssl.js';
import { hexToBytes, readJson, sharedVectorFolder, toHex } from './vectors.js';

interface Step {
  op: string;
  command?: string;
  response?: string;
  plain?: string;
  wrapped?: string;
  protected?: string;
  sw?: string;
}
interface SessionVector {
  keys: { enc: string; mac: string };
  sdAid: string;
  securityLevel: string;
  hostChallenge: string;
  steps: Step[];
}

const bytes = (...parts: (Uint8Array | readonly number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** Amd D §4.1.5, written out: 11 × 00 ‖ constant ‖ 00 ‖ L ‖ i ‖ context, CMAC per block, cut to L. */
function kdf(key: Uint8Array, constant: number, lengthBits: number, context: Uint8Array): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let counter = 1; counter <= Math.ceil(lengthBits / 128); counter += 1) {
    blocks.push(opensslCmac(key, bytes(new Array<number>(11).fill(0), [constant, 0x00, lengthBits >> 8, lengthBits & 0xff, counter], context)));
  }
  return bytes(...blocks).subarray(0, lengthBits / 8);
}

function counterBlock(counter: number, first = 0x00): Uint8Array {
  const block = new Uint8Array(16);
  block[0] = first;
  block[15] = counter;
  return block;
}

function pad(data: Uint8Array): Uint8Array {
  return bytes(data, [0x80], new Array<number>(15 - (data.length % 16)).fill(0));
}

describe(`pySim AES-128 level-33 session recomputed with openssl${opensslSkipNote}`, () => {
  const vector = readJson(path.join(sharedVectorFolder, 'pysim-aes128-33.json')) as SessionVector;
  const enc = hexToBytes(vector.keys.enc);
  const mac = hexToBytes(vector.keys.mac);
  const hostChallenge = hexToBytes(vector.hostChallenge);
  const step = (index: number): Step => vector.steps[index] ?? ({} as Step);
  const response = hexToBytes(step(0).response ?? '');
  const cardChallenge = response.subarray(13, 21);
  const context = bytes(hostChallenge, cardChallenge);

  it.skipIf(!opensslAvailable)('derives the card challenge, session keys and both cryptograms', () => {
    const sequenceCounter = response.subarray(29, 32);
    expect(toHex(kdf(enc, 0x02, 64, bytes(sequenceCounter, hexToBytes(vector.sdAid))))).toBe(toHex(cardChallenge));
    const sMac = kdf(mac, 0x06, 128, context);
    expect(toHex(kdf(sMac, 0x00, 64, context))).toBe(toHex(response.subarray(21, 29)));
    const ours = deriveSessionKeys({ enc, mac }, hostChallenge, cardChallenge);
    expect(toHex(ours.sEnc)).toBe(toHex(kdf(enc, 0x04, 128, context)));
    expect(toHex(ours.sMac)).toBe(toHex(sMac));
    expect(toHex(ours.sRmac)).toBe(toHex(kdf(mac, 0x07, 128, context)));
  });

  it.skipIf(!opensslAvailable)('rebuilds EXTERNAL AUTHENTICATE and every wrapped command and protected response of the file', () => {
    const sEnc = kdf(enc, 0x04, 128, context);
    const sMac = kdf(mac, 0x06, 128, context);
    const sRmac = kdf(mac, 0x07, 128, context);
    const level = Number.parseInt(vector.securityLevel, 16);

    const hostCryptogram = kdf(sMac, 0x01, 64, context);
    let chaining = opensslCmac(sMac, bytes(new Uint8Array(16), [0x84, 0x82, level, 0x00, 0x10], hostCryptogram));
    expect(toHex(bytes([0x84, 0x82, level, 0x00, 0x10], hostCryptogram, chaining.subarray(0, 8)))).toBe(step(1).command);

    let counter = 0;
    for (const current of vector.steps.slice(2)) {
      if (current.op === 'wrapCommand') {
        counter += 1;
        const plain = hexToBytes(current.plain ?? '');
        const header = plain.subarray(0, 4);
        // Short APDUs only here: CLA INS P1 P2 [Lc data] [Le].
        const data = plain.length > 5 ? plain.subarray(5, 5 + (plain[4] ?? 0)) : new Uint8Array(0);
        const le = plain.length === 5 ? plain.subarray(4) : plain.subarray(5 + data.length);
        const ciphertext = data.length === 0 ? data : opensslCbcEncrypt(sEnc, opensslEcbEncrypt(sEnc, counterBlock(counter)), pad(data));
        const lc = ciphertext.length + 8;
        chaining = opensslCmac(sMac, bytes(chaining, [0x84, header[1] ?? 0, header[2] ?? 0, header[3] ?? 0, lc], ciphertext));
        const wrapped = bytes([0x84, header[1] ?? 0, header[2] ?? 0, header[3] ?? 0, lc], ciphertext, chaining.subarray(0, 8), le);
        expect(toHex(wrapped), `command ${counter}`).toBe(current.wrapped);
      } else if (current.op === 'unwrapResponse') {
        const protectedData = hexToBytes(current.protected ?? '');
        const sw = hexToBytes(current.sw ?? '');
        const ciphertext = protectedData.subarray(0, protectedData.length - 8);
        const rMac = opensslCmac(sRmac, bytes(chaining, ciphertext, sw)).subarray(0, 8);
        expect(toHex(rMac)).toBe(toHex(protectedData.subarray(protectedData.length - 8)));
        const clear = opensslCbcDecrypt(sEnc, opensslEcbEncrypt(sEnc, counterBlock(counter, 0x80)), ciphertext);
        const plain = hexToBytes(current.plain ?? '');
        expect(toHex(clear)).toBe(toHex(pad(plain)));
      }
    }
    expect(counter).toBe(5);
  });
});
