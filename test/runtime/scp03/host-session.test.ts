import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AesKey } from '../../../runtime/scp03/aes.js';
import { Scp03SecurityError, Scp03StateError } from '../../../runtime/scp03/errors.js';
import { Scp03HostSession } from '../../../runtime/scp03/host-session.js';
import { openPair, SD_AID, testKeys } from './channel.js';
import { hexToBytes, localVectorFolder, readJson, sharedVectorFolder, toHex } from './vectors.js';

interface Step {
  op: string;
  command?: string;
  response?: string;
  sw?: string;
  plain?: string;
  wrapped?: string;
  protected?: string;
}
interface SessionVector {
  keys: { kvn: string; enc: string; mac: string; dek: string };
  sdAid?: string;
  securityLevel: string;
  hostChallenge: string;
  steps: Step[];
}

function load(folder: string, name: string): SessionVector {
  return readJson(path.join(folder, name)) as SessionVector;
}

function hostFor(vector: SessionVector, overrides: { sdAid?: Uint8Array } = {}): Scp03HostSession {
  return new Scp03HostSession({
    keys: { enc: hexToBytes(vector.keys.enc), mac: hexToBytes(vector.keys.mac), dek: hexToBytes(vector.keys.dek) },
    keyVersion: Number.parseInt(vector.keys.kvn, 16),
    securityLevel: Number.parseInt(vector.securityLevel, 16),
    hostChallenge: hexToBytes(vector.hostChallenge),
    ...(vector.sdAid === undefined ? {} : { sdAid: hexToBytes(vector.sdAid) }),
    ...overrides,
  });
}

function step(vector: SessionVector, index: number): Step {
  const found = vector.steps[index];
  if (found === undefined) throw new Error(`no step ${index}`);
  return found;
}

const pysim33 = load(sharedVectorFolder, 'pysim-aes128-33.json');
const iuResponse = () => hexToBytes(`${step(pysim33, 0).response}9000`);

function authenticated(vector = pysim33): Scp03HostSession {
  const host = hostFor(vector);
  host.buildInitializeUpdate();
  host.processInitializeUpdateResponse(hexToBytes(`${step(vector, 0).response}9000`));
  host.buildExternalAuthenticate();
  host.processExternalAuthenticateResponse(hexToBytes('9000'));
  return host;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Scp03HostSession', () => {
  it('plays the pySim AES-128 level-33 session byte for byte', () => {
    const host = hostFor(pysim33);
    expect(host.state).toBe('new');
    expect(toHex(host.buildInitializeUpdate())).toBe(step(pysim33, 0).command);
    const card = host.processInitializeUpdateResponse(iuResponse());
    expect({ kvn: card.keyVersion, i: card.i, counter: card.sequenceCounter, kdd: toHex(card.keyDiversificationData) }).toEqual({
      kvn: 0x30,
      i: 0x70,
      counter: 3,
      kdd: '00000000000000000000',
    });
    expect(toHex(host.buildExternalAuthenticate())).toBe(step(pysim33, 1).command);
    host.processExternalAuthenticateResponse(hexToBytes('9000'));
    expect(host.state).toBe('open');
    expect(toHex(host.wrapCommand(hexToBytes(step(pysim33, 2).plain ?? '')))).toBe(step(pysim33, 2).wrapped);
    expect(toHex(host.unwrapResponse(hexToBytes(`${step(pysim33, 3).protected}9000`)))).toBe(`${step(pysim33, 3).plain}9000`);
    expect(host.encryptionCounter).toBe(1);
    host.wrapCommand(hexToBytes(step(pysim33, 4).plain ?? ''));
    expect(host.encryptionCounter).toBe(2); // no data, still counted (Amd D §6.2.6)
  });

  it('refuses calls out of protocol order without closing', () => {
    const host = hostFor(pysim33);
    expect(() => host.wrapCommand(hexToBytes('80CA006600'))).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_STATE' }));
    expect(() => host.buildExternalAuthenticate()).toThrowError(Scp03StateError);
    host.buildInitializeUpdate();
    expect(() => host.buildInitializeUpdate()).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_STATE' }));
    expect(host.state).toBe('initializing');
  });

  it('closes on a wrong card cryptogram, and stays closed', () => {
    const host = hostFor(pysim33);
    host.buildInitializeUpdate();
    const response = iuResponse();
    response[21] = (response[21] ?? 0) ^ 0x01; // first cryptogram byte
    expect(() => host.processInitializeUpdateResponse(response)).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_CARD_CRYPTOGRAM' }));
    expect(host.state).toBe('closed');
    expect(() => host.buildExternalAuthenticate()).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });

  it('checks a pseudo-random card challenge against its own derivation when it knows the SD AID', () => {
    const host = hostFor(pysim33, { sdAid: SD_AID });
    host.buildInitializeUpdate();
    expect(() => host.processInitializeUpdateResponse(iuResponse())).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_CARD_CHALLENGE' }));
    expect(host.state).toBe('closed');
  });

  it('closes when the card refuses INITIALIZE UPDATE or answers in another mode, KVN or "i"', () => {
    const cases: [string, Uint8Array, string][] = [
      ['refused', hexToBytes('6A88'), 'SCP03_AUTHENTICATION_REJECTED'],
      ['S16 answer to an S8 challenge', hexToBytes(`${'00'.repeat(10)}300371${'11'.repeat(32)}0000019000`), 'SCP03_MALFORMED_RESPONSE'],
      ['other KVN', hexToBytes(`${step(pysim33, 0).response?.replace(/^(.{20})30/, '$131')}9000`), 'SCP03_MALFORMED_RESPONSE'],
      ['not SCP03', hexToBytes(`${step(pysim33, 0).response?.replace(/^(.{22})03/, '$102')}9000`), 'SCP03_MALFORMED_RESPONSE'],
      ['truncated', iuResponse().subarray(5), 'SCP03_MALFORMED_RESPONSE'],
      ['no R-MAC support in "i"', hexToBytes(`${step(pysim33, 0).response?.replace(/^(.{24})70/, '$110')}9000`), 'SCP03_UNSUPPORTED_SECURITY_LEVEL'],
      ['reserved "i" bits', hexToBytes(`${step(pysim33, 0).response?.replace(/^(.{24})70/, '$172')}9000`), 'SCP03_MALFORMED_RESPONSE'],
    ];
    for (const [label, response, code] of cases) {
      const host = hostFor(pysim33);
      host.buildInitializeUpdate();
      expect(() => host.processInitializeUpdateResponse(response), label).toThrowError(expect.objectContaining({ code }));
      expect(host.state, label).toBe('closed');
    }
  });

  it('refuses a level the card\'s "i" cannot serve', () => {
    // i = '10': pseudo-random challenge, no R-MAC — and a 3-byte counter still follows.
    const host = new Scp03HostSession({ keys: testKeys(16), securityLevel: 0x11 });
    host.buildInitializeUpdate();
    const response = hexToBytes(`${'00'.repeat(10)}300310${'11'.repeat(16)}0000019000`);
    expect(() => host.processInitializeUpdateResponse(response)).toThrowError(expect.objectContaining({ code: 'SCP03_UNSUPPORTED_SECURITY_LEVEL' }));
  });

  it('closes when the card refuses EXTERNAL AUTHENTICATE', () => {
    const host = hostFor(pysim33);
    host.buildInitializeUpdate();
    host.processInitializeUpdateResponse(iuResponse());
    host.buildExternalAuthenticate();
    expect(() => host.processExternalAuthenticateResponse(hexToBytes('6300'))).toThrowError(expect.objectContaining({ code: 'SCP03_AUTHENTICATION_REJECTED' }));
    expect(host.state).toBe('closed');
  });

  it('closes on a bad R-MAC and zeroes the session keys', () => {
    const host = authenticated();
    host.wrapCommand(hexToBytes(step(pysim33, 2).plain ?? ''));
    const response = hexToBytes(`${step(pysim33, 3).protected}9000`);
    response[response.length - 3] = (response[response.length - 3] ?? 0) ^ 0x80;
    const dispose = vi.spyOn(AesKey.prototype, 'dispose');
    expect(() => host.unwrapResponse(response)).toThrowError(Scp03SecurityError);
    expect(dispose.mock.calls.length).toBeGreaterThanOrEqual(3); // S-ENC, S-MAC, S-RMAC
    expect(host.state).toBe('closed');
    expect(() => host.wrapCommand(hexToBytes('80CA006600'))).toThrowError(expect.objectContaining({ code: 'SCP03_CHANNEL_CLOSED' }));
  });

  it('accepts each response once: a replayed response closes the channel', () => {
    const host = authenticated();
    host.wrapCommand(hexToBytes(step(pysim33, 2).plain ?? ''));
    const response = hexToBytes(`${step(pysim33, 3).protected}9000`);
    host.unwrapResponse(response);
    expect(() => host.unwrapResponse(response)).toThrowError(expect.objectContaining({ code: 'SCP03_UNEXPECTED_RESPONSE' }));
    expect(host.state).toBe('closed');
  });

  it('closes on a success response without R-MAC when the level asks for one', () => {
    const host = authenticated();
    host.wrapCommand(hexToBytes('80CA006600'));
    expect(() => host.unwrapResponse(hexToBytes('9000'))).toThrowError(expect.objectContaining({ code: 'SCP03_SECURITY_LEVEL_NOT_MET' }));
    expect(host.state).toBe('closed');
  });

  it('passes a bare error status word, but closes on error status words carrying data', () => {
    const host = authenticated();
    host.wrapCommand(hexToBytes('80CA006600'));
    expect(toHex(host.unwrapResponse(hexToBytes('6A82')))).toBe('6A82');
    expect(host.state).toBe('open');
    host.wrapCommand(hexToBytes('80CA006600'));
    expect(() => host.unwrapResponse(hexToBytes('01026A82'))).toThrowError(expect.objectContaining({ code: 'SCP03_UNEXPECTED_RESPONSE_DATA' }));
  });

  it('rejects bad plain commands before touching the channel state', () => {
    const host = authenticated();
    const bad: [string, Uint8Array, string][] = [
      ['malformed', hexToBytes('80CA00'), 'SCP03_MALFORMED_COMMAND'],
      ['other logical channel', hexToBytes('81CA006600'), 'SCP03_WRONG_LOGICAL_CHANNEL'],
      ['already secure messaging', hexToBytes('84CA006600'), 'SCP03_MALFORMED_COMMAND'],
      ['too long without extended length', Uint8Array.from([0x80, 0xe2, 0, 0, 240, ...new Uint8Array(240)]), 'SCP03_COMMAND_TOO_LONG'],
    ];
    for (const [label, command, code] of bad) {
      expect(() => host.wrapCommand(command), label).toThrowError(expect.objectContaining({ code }));
      expect(host.state, label).toBe('open');
      expect(host.encryptionCounter, label).toBe(0);
    }
    // The channel still matches the pySim card: the next wrap is the file's first command.
    expect(toHex(host.wrapCommand(hexToBytes(step(pysim33, 2).plain ?? '')))).toBe(step(pysim33, 2).wrapped);
  });

  it("accepts Samsung OpenSCP's R-ENCRYPTION padding that runs past one block", () => {
    const vector = load(localVectorFolder, 'samsung-aes128-s16-33.json');
    const host = authenticated(vector);
    for (const index of [2, 4]) {
      host.wrapCommand(hexToBytes(step(vector, index).plain ?? ''));
      host.unwrapResponse(hexToBytes(`${step(vector, index + 1).protected}9000`));
    }
    expect(toHex(host.wrapCommand(hexToBytes('80F28000024F00')))).toBe(
      '84F2800020A9DDD67660ECC75765C431CD69AD53A79202F01E13B24C15F4CFF4C9B335EEE5',
    );
    // Samsung/OpenSCP-Java SmartCardScp03Aes128S16ModeEmulation LIST_ISSUER_DOMAIN_RAPDU: '80' + 20 zero bytes of padding.
    const response = hexToBytes('5A866565D1D0F35427E010043F82E8ABCA25C79A3CAA41547838978F779563FFDEA329E3ABD1CBA719A6D9C13B7D45CC9000');
    expect(toHex(host.unwrapResponse(response))).toBe('08A0000001510000000F9E9000');
  });

  it('refuses options outside the protocol', () => {
    const keys = testKeys(16);
    expect(() => new Scp03HostSession({ keys, securityLevel: 0x31 })).toThrowError(expect.objectContaining({ code: 'SCP03_UNSUPPORTED_SECURITY_LEVEL' }));
    expect(() => new Scp03HostSession({ keys, securityLevel: 0x07 })).toThrowError(expect.objectContaining({ code: 'SCP03_UNSUPPORTED_SECURITY_LEVEL' }));
    expect(() => new Scp03HostSession({ keys: { ...keys, dek: new Uint8Array(32) }, securityLevel: 0x01 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => new Scp03HostSession({ keys, securityLevel: 0x01, hostChallenge: new Uint8Array(9) })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => new Scp03HostSession({ keys, securityLevel: 0x01, hostChallenge: new Uint8Array(8), mode: 'S16' })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
    expect(() => new Scp03HostSession({ keys, securityLevel: 0x01, channel: 20 })).toThrowError(expect.objectContaining({ code: 'SCP03_INVALID_ARGUMENT' }));
  });

  it('draws a random host challenge of the mode\'s length when none is given', () => {
    const s8 = new Scp03HostSession({ keys: testKeys(16), securityLevel: 0x01 });
    const s16 = new Scp03HostSession({ keys: testKeys(16), securityLevel: 0x01, mode: 'S16' });
    expect(s8.hostChallenge).toHaveLength(8);
    expect(s16.hostChallenge).toHaveLength(16);
    expect(toHex(s8.buildInitializeUpdate()).slice(0, 10)).toBe('8050000008');
    expect(toHex(new Scp03HostSession({ keys: testKeys(16), securityLevel: 0x01, channel: 6 }).buildInitializeUpdate()).slice(0, 2)).toBe('C2');
  });

  it('zeroes its keys on close()', () => {
    const { host, card } = openPair();
    const dispose = vi.spyOn(AesKey.prototype, 'dispose');
    host.close();
    expect(dispose).toHaveBeenCalledTimes(3);
    expect(host.state).toBe('closed');
    card.dispose();
  });
});
