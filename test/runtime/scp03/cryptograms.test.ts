import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCardCryptogram, computeHostCryptogram } from '../../../runtime/scp03/cryptograms.js';
import { deriveSessionKeys } from '../../../runtime/scp03/kdf.js';
import { parseInitializeUpdateResponse } from '../../../runtime/scp03/initialize-update.js';
import { hexToBytes, readJson, sharedVectorFolder, toHex, vectorFiles } from './vectors.js';

interface SessionVector {
  keys: { enc: string; mac: string };
  hostChallenge: string;
  steps: { op: string; response?: string }[];
}

describe('authentication cryptograms (Amd D §6.2.2.2–6.2.2.3)', () => {
  it('computes the Yubico host cryptogram', () => {
    const cryptogram = computeHostCryptogram(hexToBytes('FC90AA67CDC5DABFD5051663045DFA23'), hexToBytes('360CB43F4301B894'), hexToBytes('CAAFA4DAC615236A'));
    expect(toHex(cryptogram)).toBe('45330AB30BB1A079');
  });

  const sessions = vectorFiles(sharedVectorFolder).filter((file) => path.basename(file).startsWith('pysim-'));
  it.each(sessions.map((file) => ({ name: path.basename(file), file })))('reproduces the card cryptogram recorded in $name', ({ file }) => {
    const vector = readJson(file) as SessionVector;
    const response = parseInitializeUpdateResponse(hexToBytes(vector.steps[0]?.response ?? ''));
    const hostChallenge = hexToBytes(vector.hostChallenge);
    const keys = deriveSessionKeys({ enc: hexToBytes(vector.keys.enc), mac: hexToBytes(vector.keys.mac) }, hostChallenge, response.cardChallenge);
    expect(toHex(computeCardCryptogram(keys.sMac, hostChallenge, response.cardChallenge))).toBe(toHex(response.cardCryptogram));
  });

  it('makes 16-byte cryptograms from 16-byte (S16) challenges', () => {
    const sMac = new Uint8Array(16).fill(3);
    const card = computeCardCryptogram(sMac, new Uint8Array(16).fill(1), new Uint8Array(16).fill(2));
    const host = computeHostCryptogram(sMac, new Uint8Array(16).fill(1), new Uint8Array(16).fill(2));
    expect(card).toHaveLength(16);
    expect(toHex(card)).not.toBe(toHex(host));
  });

  it('refuses challenges of different or unsupported lengths', () => {
    const sMac = new Uint8Array(16);
    expect(() => computeHostCryptogram(sMac, new Uint8Array(8), new Uint8Array(16))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => computeCardCryptogram(sMac, new Uint8Array(12), new Uint8Array(12))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });
});
