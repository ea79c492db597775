import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computePseudoRandomCardChallenge, MAX_SEQUENCE_COUNTER } from '../../../runtime/scp03/card-challenge.js';
import { parseInitializeUpdateResponse } from '../../../runtime/scp03/initialize-update.js';
import { hexToBytes, readJson, sharedVectorFolder, toHex, vectorFiles } from './vectors.js';

interface SessionVector {
  keys: { enc: string };
  sdAid: string;
  steps: { op: string; response?: string }[];
}

describe('pseudo-random card challenge (Amd D §6.2.2.1)', () => {
  const sessions = vectorFiles(sharedVectorFolder).filter((file) => path.basename(file).startsWith('pysim-'));
  it.each(sessions.map((file) => ({ name: path.basename(file), file })))('derives the card challenge recorded in $name from its sequence counter and the ISD-R AID', ({ file }) => {
    const vector = readJson(file) as SessionVector;
    const response = parseInitializeUpdateResponse(hexToBytes(vector.steps[0]?.response ?? ''));
    expect(response.sequenceCounter).toBeDefined();
    const challenge = computePseudoRandomCardChallenge(hexToBytes(vector.keys.enc), response.sequenceCounter ?? -1, hexToBytes(vector.sdAid));
    expect(toHex(challenge)).toBe(toHex(response.cardChallenge));
  });

  it('is 16 bytes in S16 mode and changes with the counter and the AID', () => {
    const key = new Uint8Array(16).fill(9);
    const aid = hexToBytes('A000000151000000');
    const s16 = computePseudoRandomCardChallenge(key, 1, aid, 'S16');
    expect(s16).toHaveLength(16);
    expect(toHex(computePseudoRandomCardChallenge(key, 1, aid))).not.toBe(toHex(computePseudoRandomCardChallenge(key, 2, aid)));
    expect(toHex(computePseudoRandomCardChallenge(key, 1, aid))).not.toBe(toHex(computePseudoRandomCardChallenge(key, 1, hexToBytes('A000000151000001'))));
  });

  it('refuses counters beyond three bytes and AIDs outside 5–16 bytes', () => {
    const key = new Uint8Array(16);
    const aid = hexToBytes('A000000151');
    expect(() => computePseudoRandomCardChallenge(key, MAX_SEQUENCE_COUNTER + 1, aid)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => computePseudoRandomCardChallenge(key, -1, aid)).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => computePseudoRandomCardChallenge(key, 1, new Uint8Array(4))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => computePseudoRandomCardChallenge(key, 1, new Uint8Array(17))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(computePseudoRandomCardChallenge(key, MAX_SEQUENCE_COUNTER, aid)).toHaveLength(8);
  });
});
