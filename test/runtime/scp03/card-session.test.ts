import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AesCmac } from '../../../runtime/scp03/aes-cmac.js';
import { AesKey } from '../../../runtime/scp03/aes.js';
import { Scp03CardSession, type CardSessionOptions } from '../../../runtime/scp03/card-session.js';
import { computeHostCryptogram } from '../../../runtime/scp03/cryptograms.js';
import { Scp03SecurityError } from '../../../runtime/scp03/errors.js';
import { Scp03HostSession } from '../../../runtime/scp03/host-session.js';
import { deriveSessionKeys } from '../../../runtime/scp03/kdf.js';
import { computeCommandMac } from '../../../runtime/scp03/secure-messaging.js';
import { exchange, openPair, SD_AID, testKeys } from './channel.js';
import { hexToBytes, readJson, sharedVectorFolder, toHex } from './vectors.js';

interface Step {
  op: string;
  command?: string;
  response?: string;
  plain?: string;
  wrapped?: string;
  protected?: string;
}
const pysim33 = readJson(path.join(sharedVectorFolder, 'pysim-aes128-33.json')) as {
  keys: { enc: string; mac: string; dek: string };
  sdAid: string;
  steps: Step[];
};
const pysimStep = (index: number): Step => pysim33.steps[index] ?? ({} as Step);

const KEYS = testKeys(16);
const HOST_CHALLENGE = hexToBytes('0102030405060708');
const CARD_CHALLENGE = hexToBytes('1112131415161718');

function card(options: Partial<CardSessionOptions> = {}): Scp03CardSession {
  return new Scp03CardSession({ keys: KEYS, keyVersion: 0x30, i: 0x70, sdAid: SD_AID, ...options });
}

function initializeUpdate(hostChallenge = HOST_CHALLENGE, p1 = 0x30): Uint8Array {
  return Uint8Array.from([0x80, 0x50, p1, 0x00, hostChallenge.length, ...hostChallenge, 0x00]);
}

/** An EXTERNAL AUTHENTICATE built by hand, so tests can send what an honest host never would. */
function externalAuthenticate(level: number, options: { cla?: number; tamperCryptogram?: boolean; tamperMac?: boolean } = {}): Uint8Array {
  const keys = deriveSessionKeys(KEYS, HOST_CHALLENGE, CARD_CHALLENGE);
  const sMac = new AesCmac(keys.sMac);
  const cryptogram = computeHostCryptogram(sMac, HOST_CHALLENGE, CARD_CHALLENGE);
  if (options.tamperCryptogram === true) cryptogram[0] = (cryptogram[0] ?? 0) ^ 1;
  const header = { cla: options.cla ?? 0x84, ins: 0x82, p1: level, p2: 0x00 };
  const mac = computeCommandMac(sMac, new Uint8Array(16), header, cryptogram, 16, false).subarray(0, 8);
  if (options.tamperMac === true) mac[7] = (mac[7] ?? 0) ^ 1;
  return Uint8Array.from([header.cla, 0x82, level, 0x00, 0x10, ...cryptogram, ...mac]);
}

function initialized(options: Partial<CardSessionOptions> = {}): Scp03CardSession {
  const session = card({ cardChallenge: CARD_CHALLENGE, ...options });
  session.processInitializeUpdate(initializeUpdate());
  return session;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Scp03CardSession: INITIALIZE UPDATE', () => {
  it('answers the pySim AES-128 host exactly as the recorded card did', () => {
    const session = new Scp03CardSession({
      keys: { enc: hexToBytes(pysim33.keys.enc), mac: hexToBytes(pysim33.keys.mac), dek: hexToBytes(pysim33.keys.dek) },
      keyVersion: 0x30,
      sdAid: hexToBytes(pysim33.sdAid),
      sequenceCounter: 2,
    });
    expect(toHex(session.processInitializeUpdate(hexToBytes(pysimStep(0).command ?? '')))).toBe(`${pysimStep(0).response}9000`);
    expect(session.sequenceCounter).toBe(3);
    expect(toHex(session.processExternalAuthenticate(hexToBytes(pysimStep(1).command ?? '')))).toBe('9000');
    expect(session.securityLevel).toBe(0x33);
    expect(toHex(session.unwrapCommand(hexToBytes(pysimStep(2).wrapped ?? '')))).toBe(pysimStep(2).plain);
    expect(toHex(session.wrapResponse(hexToBytes(`${pysimStep(3).plain}9000`)))).toBe(`${pysimStep(3).protected}9000`);
    expect(toHex(session.unwrapCommand(hexToBytes(pysimStep(4).wrapped ?? '')))).toBe(pysimStep(4).plain);
  });

  it('refuses malformed requests with the status word to send and leaves no session', () => {
    const cases: [string, Uint8Array, Partial<CardSessionOptions>, string, number][] = [
      ['16-byte challenge on an S8 card', initializeUpdate(new Uint8Array(16)), {}, 'SCP03_MALFORMED_COMMAND', 0x6700],
      ['8-byte challenge on an S16 card', initializeUpdate(), { i: 0x71 }, 'SCP03_MALFORMED_COMMAND', 0x6700],
      ['unknown key version', initializeUpdate(HOST_CHALLENGE, 0x31), {}, 'SCP03_KEY_NOT_FOUND', 0x6a88],
      ['secure messaging class', Uint8Array.from([0x84, ...initializeUpdate().subarray(1)]), {}, 'SCP03_MALFORMED_COMMAND', 0x6e00],
      ['P2 not 00', Uint8Array.from([0x80, 0x50, 0x30, 0x01, ...initializeUpdate().subarray(4)]), {}, 'SCP03_MALFORMED_COMMAND', 0x6a86],
      ['wrong INS', Uint8Array.from([0x80, 0x51, ...initializeUpdate().subarray(2)]), {}, 'SCP03_MALFORMED_COMMAND', 0x6d00],
      ['sequence counter exhausted', initializeUpdate(), { sequenceCounter: 0xffffff }, 'SCP03_SEQUENCE_COUNTER_EXHAUSTED', 0x6985],
    ];
    for (const [label, command, options, code, statusWord] of cases) {
      const session = card(options);
      expect(() => session.processInitializeUpdate(command), label).toThrowError(expect.objectContaining({ code, statusWord }));
      expect(session.state, label).toBe('idle');
    }
  });

  it('accepts P1 = 00 (first available keyset) and increments the sequence counter per INITIALIZE UPDATE', () => {
    const session = card();
    const first = session.processInitializeUpdate(initializeUpdate(HOST_CHALLENGE, 0x00));
    const second = session.processInitializeUpdate(initializeUpdate(HOST_CHALLENGE, 0x00));
    expect(session.sequenceCounter).toBe(2);
    expect(toHex(first.subarray(29, 32))).toBe('000001');
    expect(toHex(second.subarray(29, 32))).toBe('000002');
    expect(toHex(first.subarray(13, 21))).not.toBe(toHex(second.subarray(13, 21)));
  });

  it('uses random challenges and sends no sequence counter when "i" says so', () => {
    const session = card({ i: 0x60, sdAid: undefined as never });
    const response = session.processInitializeUpdate(initializeUpdate());
    expect(response).toHaveLength(29 + 2);
    expect(toHex(response.subarray(10, 13))).toBe('300360');
    expect(session.sequenceCounter).toBe(0);
  });

  it('refuses configurations the protocol cannot run', () => {
    expect(() => new Scp03CardSession({ keys: KEYS, keyVersion: 0x30, i: 0x70 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ i: 0x80 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ i: 0x50 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ keyDiversificationData: new Uint8Array(9) })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ sdAid: new Uint8Array(4) })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ keyVersion: 0 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => card({ cardChallenge: new Uint8Array(7) }).processInitializeUpdate(initializeUpdate())).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });
});

describe('Scp03CardSession: EXTERNAL AUTHENTICATE', () => {
  it('opens the session at the requested level on a correct command', () => {
    const session = initialized();
    expect(toHex(session.processExternalAuthenticate(externalAuthenticate(0x13)))).toBe('9000');
    expect(session.state).toBe('open');
    expect(session.securityLevel).toBe(0x13);
  });

  it('aborts on a wrong host cryptogram (6300), a wrong C-MAC or a missing one (6982)', () => {
    const cases: [string, Uint8Array, string, number][] = [
      ['host cryptogram', externalAuthenticate(0x33, { tamperCryptogram: true }), 'SCP03_BAD_HOST_CRYPTOGRAM', 0x6300],
      ['C-MAC', externalAuthenticate(0x33, { tamperMac: true }), 'SCP03_BAD_C_MAC', 0x6982],
      ['no secure messaging', externalAuthenticate(0x33, { cla: 0x80 }), 'SCP03_SECURITY_LEVEL_NOT_MET', 0x6982],
      ['wrong length', externalAuthenticate(0x33).subarray(0, 20), 'SCP03_MALFORMED_COMMAND', 0x6700],
    ];
    for (const [label, command, code, statusWord] of cases) {
      const session = initialized();
      expect(() => session.processExternalAuthenticate(command), label).toThrowError(expect.objectContaining({ code, statusWord }));
      expect(session.state, label).toBe('closed');
      expect(() => session.unwrapCommand(hexToBytes('84CA006608' + '00'.repeat(8))), label).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED', statusWord: 0x6982 }));
    }
  });

  it('refuses levels outside Table 7-3, beyond "i", or below the card\'s minimum', () => {
    const cases: [string, number, Partial<CardSessionOptions>, string][] = [
      ['31 is not in Table 7-3', 0x31, {}, 'SCP03_UNSUPPORTED_SECURITY_LEVEL'],
      ['02 is not in Table 7-3', 0x02, {}, 'SCP03_UNSUPPORTED_SECURITY_LEVEL'],
      ['R-MAC without R-MAC support', 0x11, { i: 0x10 }, 'SCP03_UNSUPPORTED_SECURITY_LEVEL'],
      ['R-ENCRYPTION with R-MAC support only', 0x33, { i: 0x30 }, 'SCP03_UNSUPPORTED_SECURITY_LEVEL'],
      ['below the minimum', 0x01, { minimumSecurityLevel: 0x03 }, 'SCP03_SECURITY_LEVEL_NOT_MET'],
      ['below the minimum, R-MAC missing', 0x03, { minimumSecurityLevel: 0x11 }, 'SCP03_SECURITY_LEVEL_NOT_MET'],
    ];
    for (const [label, level, options, code] of cases) {
      const session = initialized(options);
      expect(() => session.processExternalAuthenticate(externalAuthenticate(level)), label).toThrowError(expect.objectContaining({ code }));
      expect(session.state, label).toBe('closed');
    }
  });

  it('must follow INITIALIZE UPDATE', () => {
    expect(() => card().processExternalAuthenticate(externalAuthenticate(0x01))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_STATE', statusWord: 0x6985 }));
  });
});

describe('Scp03CardSession: protected commands', () => {
  const COMMAND = hexToBytes('80E2900008' + '0102030405060708' + '00');

  it('aborts on a command below the level, a bad C-MAC, a replay or a reorder — then refuses everything until a new INITIALIZE UPDATE', () => {
    const attacks: [string, (pair: ReturnType<typeof openPair>) => Uint8Array, string][] = [
      ['no secure messaging', () => COMMAND, 'SCP03_SECURITY_LEVEL_NOT_MET'],
      ['flipped C-MAC bit', ({ host }) => flip(host.wrapCommand(COMMAND), -2), 'SCP03_BAD_C_MAC'],
      ['flipped ciphertext bit', ({ host }) => flip(host.wrapCommand(COMMAND), 6), 'SCP03_BAD_C_MAC'],
      ['flipped header bit', ({ host }) => flip(host.wrapCommand(COMMAND), 2), 'SCP03_BAD_C_MAC'],
      ['too short for a C-MAC', () => hexToBytes('84E2900004AABBCCDD'), 'SCP03_BAD_C_MAC'],
      [
        'replayed command',
        ({ host, card: session }) => {
          const wrapped = host.wrapCommand(COMMAND);
          session.unwrapCommand(wrapped);
          return wrapped;
        },
        'SCP03_BAD_C_MAC',
      ],
      [
        'reordered commands',
        ({ host }) => {
          host.wrapCommand(COMMAND);
          return host.wrapCommand(COMMAND);
        },
        'SCP03_BAD_C_MAC',
      ],
      ['malformed APDU', () => hexToBytes('84E29000'), 'SCP03_MALFORMED_COMMAND'],
      ['other logical channel', ({ host }) => Uint8Array.from([0x85, ...host.wrapCommand(COMMAND).subarray(1)]), 'SCP03_WRONG_LOGICAL_CHANNEL'],
    ];
    for (const [label, attack, code] of attacks) {
      const pair = openPair();
      const dispose = vi.spyOn(AesKey.prototype, 'dispose');
      const command = attack(pair);
      dispose.mockClear();
      expect(() => pair.card.unwrapCommand(command), label).toThrowError(Scp03SecurityError);
      expect(dispose.mock.calls.length, `${label}: session keys zeroed`).toBe(3);
      dispose.mockRestore();
      expect(pair.card.state, label).toBe('closed');
      expect(() => pair.card.unwrapCommand(pair.host.wrapCommand(COMMAND)), label).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
      expect(() => pair.card.wrapResponse(hexToBytes('9000')), label).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
    }
    const first = openPair();
    expect(() => first.card.unwrapCommand(COMMAND)).toThrowError(expect.objectContaining({ code: 'SCP03_SECURITY_LEVEL_NOT_MET' }));
    // A new INITIALIZE UPDATE starts over (Amd D §5.6).
    const host = new Scp03HostSession({ keys: KEYS, keyVersion: 0x30, securityLevel: 0x33 });
    host.processInitializeUpdateResponse(first.card.processInitializeUpdate(host.buildInitializeUpdate()));
    host.processExternalAuthenticateResponse(first.card.processExternalAuthenticate(host.buildExternalAuthenticate()));
    expect(toHex(exchange({ host, card: first.card }, COMMAND, hexToBytes('9000')).received)).toBe(toHex(COMMAND));
  });

  it('passes commands and responses through at level 00 and leaves responses alone without R-MAC', () => {
    const none = openPair({ securityLevel: 0x00 });
    expect(toHex(none.host.wrapCommand(COMMAND))).toBe(toHex(COMMAND));
    expect(toHex(none.card.unwrapCommand(COMMAND))).toBe(toHex(COMMAND));
    expect(toHex(none.card.wrapResponse(hexToBytes('01029000')))).toBe('01029000');
    const macOnly = openPair({ securityLevel: 0x01 });
    const { protectedResponse } = exchange(macOnly, COMMAND, hexToBytes('01029000'));
    expect(toHex(protectedResponse)).toBe('01029000');
  });

  it('returns an error status word alone and unprotected (Amd D §6.2.5)', () => {
    const pair = openPair({ securityLevel: 0x33 });
    const { protectedResponse, plainResponse } = exchange(pair, COMMAND, hexToBytes('AABB6A82'));
    expect(toHex(protectedResponse)).toBe('6A82');
    expect(toHex(plainResponse)).toBe('6A82');
    expect(pair.card.state).toBe('open');
  });

  it('wraps one response per unwrapped command', () => {
    const pair = openPair();
    expect(() => pair.card.wrapResponse(hexToBytes('9000'))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_STATE' }));
    exchange(pair, COMMAND, hexToBytes('9000'));
    expect(() => pair.card.wrapResponse(hexToBytes('9000'))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_STATE' }));
    expect(pair.card.state).toBe('open');
  });

  it.each([1, 3, 4, 11, 19])('runs on logical channel %i with the channel in CLA but not in the C-MAC', (channel) => {
    const pair = openPair({ channel });
    const cla = channel <= 3 ? 0x80 | channel : 0xc0 | (channel - 4);
    const plain = Uint8Array.from([cla, ...COMMAND.subarray(1)]);
    const { wrapped, received } = exchange(pair, plain, hexToBytes('9000'));
    expect(wrapped[0]).toBe(channel <= 3 ? 0x84 | channel : 0xe0 | (channel - 4));
    expect(toHex(received)).toBe(toHex(plain));
    expect(pair.card.channel).toBe(channel);
  });

  it('zeroes the session keys on close() and refuses everything after dispose()', () => {
    const pair = openPair();
    const dispose = vi.spyOn(AesKey.prototype, 'dispose');
    pair.card.close();
    expect(dispose).toHaveBeenCalledTimes(3);
    pair.card.dispose();
    expect(() => pair.card.processInitializeUpdate(initializeUpdate())).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });
});

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  const at = index < 0 ? out.length + index : index;
  out[at] = (out[at] ?? 0) ^ 0x01;
  return out;
}
