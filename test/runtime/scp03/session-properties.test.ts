/**
 * Property tests with a seeded PRNG (a failure names its seed and case): for every security
 * level, key size and mode, random APDUs survive host wrap → card unwrap → card wrap → host
 * unwrap unchanged; tampering, replay and reordering are caught and end the channel.
 */
import { describe, expect, it } from 'vitest';
import { encodeCommandApdu, parseCommandApdu } from '../../../runtime/scp03/apdu.js';
import { Scp03SecurityError } from '../../../runtime/scp03/errors.js';
import { SECURITY_LEVELS, SecurityLevelBit } from '../../../runtime/scp03/parameters.js';
import { pick, seededRandom } from '../../helpers/random.js';
import { exchange, openPair } from './channel.js';
import { toHex } from './vectors.js';

type Random = () => number;

const KEY_LENGTHS = [16, 24, 32] as const;
const MODES = ['S8', 'S16'] as const;
const BOUNDARY_LENGTHS = [0, 1, 15, 16, 17, 31, 32, 47, 48, 200];
const SUCCESS_SWS = [0x9000, 0x6283, 0x63c2];
const ERROR_SWS = [0x6a82, 0x6982, 0x6d00, 0x6700];

function integer(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function bytes(random: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => integer(random, 256));
}

function classFor(random: Random, channel: number): number {
  const proprietary = random() < 0.8 ? 0x80 : 0x00;
  return channel <= 3 ? proprietary | channel : proprietary | 0x40 | (channel - 4);
}

/** A random plain command on `channel` that still fits a short APDU once wrapped. */
function randomCommand(random: Random, channel: number): Uint8Array {
  const length = random() < 0.5 ? pick(random, BOUNDARY_LENGTHS) : integer(random, 200);
  const le = random() < 0.5 ? undefined : 1 + integer(random, 256);
  return encodeCommandApdu({ cla: classFor(random, channel), ins: integer(random, 256), p1: integer(random, 256), p2: integer(random, 256), data: bytes(random, length), le });
}

function randomResponse(random: Random): Uint8Array {
  if (random() < 0.2) {
    const sw = pick(random, ERROR_SWS);
    return Uint8Array.of(sw >> 8, sw & 0xff);
  }
  const sw = pick(random, SUCCESS_SWS);
  return Uint8Array.from([...bytes(random, random() < 0.3 ? pick(random, BOUNDARY_LENGTHS) : integer(random, 220)), sw >> 8, sw & 0xff]);
}

const configurations = SECURITY_LEVELS.flatMap((level) =>
  KEY_LENGTHS.flatMap((keyLength) => MODES.map((mode) => ({ level, keyLength, mode, label: `level ${level.toString(16).padStart(2, '0')}, AES-${keyLength * 8}, ${mode}` }))),
);

describe('host wrap → card unwrap → card wrap → host unwrap is the identity', () => {
  it.each(configurations)('$label', ({ level, keyLength, mode }) => {
    const seed = level * 1000 + keyLength * 10 + (mode === 'S16' ? 1 : 0);
    const random = seededRandom(seed);
    const channel = integer(random, 20);
    const pair = openPair({ securityLevel: level, keyLength, mode, channel });
    for (let round = 0; round < 25; round += 1) {
      const command = randomCommand(random, channel);
      const response = randomResponse(random);
      const { received, plainResponse } = exchange(pair, command, response);
      expect(toHex(received), `seed ${seed} round ${round}: command`).toBe(toHex(command));
      const ok = [0x90, 0x62, 0x63].includes(response[response.length - 2] ?? 0);
      const expected = ok || (level & SecurityLevelBit.rMac) === 0 ? response : response.subarray(response.length - 2);
      expect(toHex(plainResponse), `seed ${seed} round ${round}: response`).toBe(toHex(expected));
    }
    expect([pair.host.state, pair.card.state]).toEqual(['open', 'open']);
    expect(pair.host.encryptionCounter).toBe(25);
  });
});

/** Where the Le field sits in a wrapped command: it is outside the C-MAC (Amd D §6.2.4), so flipping it is not an attack. */
function leFieldLength(wrapped: Uint8Array): number {
  const parsed = parseCommandApdu(wrapped);
  if (parsed.le === undefined) return 0;
  return parsed.extended ? 2 : 1;
}

const protectedConfigurations = configurations.filter(({ level }) => (level & SecurityLevelBit.cMac) !== 0);

describe('tampering, replay and reordering end the channel', () => {
  it.each(protectedConfigurations)('a flipped bit in a wrapped command: $label', ({ level, keyLength, mode }) => {
    const random = seededRandom(7_000 + level * 100 + keyLength + (mode === 'S16' ? 1 : 0));
    for (let trial = 0; trial < 12; trial += 1) {
      const channel = integer(random, 20);
      const pair = openPair({ securityLevel: level, keyLength, mode, channel });
      for (let round = integer(random, 3); round > 0; round -= 1) exchange(pair, randomCommand(random, channel), randomResponse(random));
      const wrapped = pair.host.wrapCommand(randomCommand(random, channel));
      const covered = wrapped.length - leFieldLength(wrapped);
      const tampered = wrapped.slice();
      const at = integer(random, covered);
      tampered[at] = (tampered[at] ?? 0) ^ (1 << integer(random, 8));
      expect(() => pair.card.unwrapCommand(tampered), `trial ${trial}: byte ${at}`).toThrowError(Scp03SecurityError);
      expect(pair.card.state).toBe('closed');
      expect(() => pair.card.unwrapCommand(wrapped)).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
    }
  });

  it.each(protectedConfigurations.filter(({ level }) => (level & SecurityLevelBit.rMac) !== 0))('a flipped bit in a protected response: $label', ({ level, keyLength, mode }) => {
    const random = seededRandom(9_000 + level * 100 + keyLength + (mode === 'S16' ? 1 : 0));
    for (let trial = 0; trial < 12; trial += 1) {
      const pair = openPair({ securityLevel: level, keyLength, mode });
      pair.card.unwrapCommand(pair.host.wrapCommand(randomCommand(random, 0)));
      const sw = pick(random, SUCCESS_SWS);
      const protectedResponse = pair.card.wrapResponse(Uint8Array.from([...bytes(random, integer(random, 60)), sw >> 8, sw & 0xff]));
      const at = integer(random, protectedResponse.length);
      protectedResponse[at] = (protectedResponse[at] ?? 0) ^ (1 << integer(random, 8));
      expect(() => pair.host.unwrapResponse(protectedResponse), `trial ${trial}: byte ${at}`).toThrowError(Scp03SecurityError);
      expect(pair.host.state).toBe('closed');
    }
  });

  it.each(protectedConfigurations)('a replayed or reordered command: $label', ({ level, keyLength, mode }) => {
    const random = seededRandom(11_000 + level * 100 + keyLength + (mode === 'S16' ? 1 : 0));
    const replay = openPair({ securityLevel: level, keyLength, mode });
    const earlier: Uint8Array[] = [];
    for (let round = 0; round < 4; round += 1) {
      const wrapped = replay.host.wrapCommand(randomCommand(random, 0));
      replay.card.unwrapCommand(wrapped);
      earlier.push(wrapped);
    }
    expect(() => replay.card.unwrapCommand(pick(random, earlier))).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_C_MAC' }));
    expect(replay.card.state).toBe('closed');

    const reorder = openPair({ securityLevel: level, keyLength, mode });
    const first = reorder.host.wrapCommand(randomCommand(random, 0));
    const second = reorder.host.wrapCommand(randomCommand(random, 0));
    expect(() => reorder.card.unwrapCommand(second)).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_C_MAC' }));
    expect(() => reorder.card.unwrapCommand(first)).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });
});
