import { describe, expect, it } from 'vitest';
import { parseCommandApdu } from '../../../runtime/scp03/apdu.js';
import { deriveSessionKeys } from '../../../runtime/scp03/kdf.js';
import {
  ChannelKeys,
  commandIcv,
  protectCommand,
  protectResponse,
  responseIcv,
  unprotectCommand,
  unprotectResponse,
  type ChannelContext,
} from '../../../runtime/scp03/secure-messaging.js';
import { exchange, openPair, testKeys } from './channel.js';
import { opensslAvailable, opensslCbcDecrypt, opensslEcbEncrypt, opensslSkipNote } from './openssl.js';
import { toHex } from './vectors.js';

function command(length: number, le?: number): Uint8Array {
  const data = Array.from({ length }, (_, index) => (index * 11 + 5) & 0xff);
  const extended = length > 255 || (le ?? 0) > 256;
  const lc = length === 0 ? [] : extended ? [0, length >> 8, length & 0xff] : [length];
  const leField = le === undefined ? [] : extended ? (length === 0 ? [0, (le >> 8) & 0xff, le & 0xff] : [(le >> 8) & 0xff, le & 0xff]) : [le & 0xff];
  return Uint8Array.from([0x80, 0xe2, 0x90, 0x00, ...lc, ...data, ...leField]);
}

function response(length: number): Uint8Array {
  return Uint8Array.from([...Array.from({ length }, (_, index) => (index * 7 + 1) & 0xff), 0x90, 0x00]);
}

/** Amd D §4.1.4 + §6.2.6: padded length, and no padding at all for empty data. */
function encryptedLength(length: number): number {
  return length === 0 ? 0 : (Math.floor(length / 16) + 1) * 16;
}

describe('C-DECRYPTION / R-ENCRYPTION padding boundaries (Amd D §4.1.4, §6.2.6–6.2.7)', () => {
  for (const mode of ['S8', 'S16'] as const) {
    const macLength = mode === 'S16' ? 16 : 8;
    it.each([0, 1, 15, 16, 17, 31, 32, 200, 255])(`${mode}: a %i-byte payload pads to whole blocks, carries the MAC and comes back intact`, (length) => {
      const pair = openPair({ securityLevel: 0x33, mode, extendedLength: true });
      const plain = command(length, 0x100);
      const { wrapped, received, protectedResponse, plainResponse } = exchange(pair, plain, response(length));
      const parsed = parseCommandApdu(wrapped);
      expect(parsed.data.length).toBe(encryptedLength(length) + macLength);
      expect(parsed.extended).toBe(encryptedLength(length) + macLength > 255);
      expect(toHex(received)).toBe(toHex(plain));
      expect(protectedResponse.length - 2).toBe(encryptedLength(length) + macLength);
      expect(toHex(plainResponse)).toBe(toHex(response(length)));
    });
  }

  it('encrypts a 16-byte payload into 32 bytes (padding is always added)', () => {
    const pair = openPair({ securityLevel: 0x03 });
    expect(parseCommandApdu(pair.host.wrapCommand(command(16))).data).toHaveLength(32 + 8);
  });

  it('refuses a wrapped command over 255 bytes unless extended length is on (GPCS §11.1.5)', () => {
    const pair = openPair({ securityLevel: 0x33 });
    expect(() => pair.host.wrapCommand(command(240))).toThrowError(expect.objectContaining({ code: 'SCP03_COMMAND_TOO_LONG' }));
    expect(parseCommandApdu(pair.host.wrapCommand(command(239))).data).toHaveLength(248); // 240 padded + 8
  });

  it('carries extended-length payloads of up to thousands of bytes both ways', () => {
    const pair = openPair({ securityLevel: 0x33, extendedLength: true, keyLength: 32 });
    for (const length of [256, 1000, 4000]) {
      const plain = command(length, 65536);
      const { wrapped, received, plainResponse } = exchange(pair, plain, response(length));
      expect(toHex(wrapped.subarray(4, 7))).toBe(`00${(encryptedLength(length) + 8).toString(16).padStart(4, '0').toUpperCase()}`);
      expect(toHex(received)).toBe(toHex(plain));
      expect(toHex(plainResponse)).toBe(toHex(response(length)));
    }
  });

  it('a card without extended length aborts on an extended command', () => {
    const pair = openPair({ securityLevel: 0x01, host: { extendedLength: true }, card: { extendedLength: false } });
    expect(() => pair.card.unwrapCommand(pair.host.wrapCommand(command(300)))).toThrowError(expect.objectContaining({ code: 'SCP03_MALFORMED_COMMAND' }));
    expect(pair.card.state).toBe('closed');
  });
});

describe('the channel functions', () => {
  const keys = () => new ChannelKeys(deriveSessionKeys(testKeys(16), new Uint8Array(8).fill(1), new Uint8Array(8).fill(2)));
  const context = (securityLevel: number, channelKeys: ChannelKeys, counter = 1): ChannelContext => ({
    keys: channelKeys,
    mode: 'S8',
    securityLevel,
    macChainingValue: new Uint8Array(16),
    counter,
    extendedLength: false,
  });

  it('zeroes the raw session key arrays once the cipher objects hold them', () => {
    const raw = deriveSessionKeys(testKeys(16), new Uint8Array(8), new Uint8Array(8));
    const channelKeys = new ChannelKeys(raw);
    expect([raw.sEnc, raw.sMac, raw.sRmac].every((key) => key.every((byte) => byte === 0))).toBe(true);
    channelKeys.dispose();
  });

  it('uses distinct ICVs for commands and responses of the same counter', () => {
    const channelKeys = keys();
    expect(toHex(commandIcv(channelKeys.sEnc, 5))).not.toBe(toHex(responseIcv(channelKeys.sEnc, 5)));
    expect(toHex(commandIcv(channelKeys.sEnc, 5))).not.toBe(toHex(commandIcv(channelKeys.sEnc, 6)));
  });

  it('a card at C-DECRYPTION refuses data that was only MACed', () => {
    const channelKeys = keys();
    const macOnly = protectCommand(context(0x01, channelKeys), parseCommandApdu(command(5)));
    expect(() => unprotectCommand(context(0x03, channelKeys), parseCommandApdu(macOnly.bytes))).toThrowError(expect.objectContaining({ code: 'SCP03_SECURITY_LEVEL_NOT_MET' }));
    const macOnlyBlock = protectCommand(context(0x01, channelKeys), parseCommandApdu(command(16)));
    expect(() => unprotectCommand(context(0x03, channelKeys), parseCommandApdu(macOnlyBlock.bytes))).toThrowError(expect.objectContaining({ code: 'SCP03_BAD_PADDING' }));
  });

  it('the host refuses R-ENCRYPTED data that is not whole blocks', () => {
    const channelKeys = keys();
    const rMacOnly = protectResponse(context(0x11, channelKeys), response(5));
    expect(() => unprotectResponse(context(0x33, channelKeys), rMacOnly)).toThrowError(expect.objectContaining({ code: 'SCP03_SECURITY_LEVEL_NOT_MET' }));
  });

  it.skipIf(!opensslAvailable)(`advances the counter for commands without data, as openssl decryption of the next command shows${opensslSkipNote}`, () => {
    const pair = openPair({ securityLevel: 0x33, keyLength: 24 });
    const card = pair.host.cardInfo;
    if (card === undefined) throw new Error('no card info');
    const { sEnc } = deriveSessionKeys(testKeys(24), pair.host.hostChallenge, card.cardChallenge);
    exchange(pair, Uint8Array.of(0x80, 0xca, 0x00, 0x66, 0x00), response(0)); // counter 1, no data
    exchange(pair, Uint8Array.of(0x80, 0xf2, 0x20, 0x02), response(3)); // counter 2, no data
    const plain = command(40);
    const wrappedBytes = pair.host.wrapCommand(plain); // counter 3
    const wrapped = parseCommandApdu(wrappedBytes);
    const counterBlock = new Uint8Array(16);
    counterBlock[15] = 3;
    const icv = opensslEcbEncrypt(sEnc, counterBlock);
    const decrypted = opensslCbcDecrypt(sEnc, icv, wrapped.data.subarray(0, wrapped.data.length - 8));
    expect(toHex(decrypted)).toBe(toHex(Uint8Array.from([...plain.subarray(5), 0x80, ...new Uint8Array(7)])));
    // R-ENCRYPTION of the answer uses the same counter with '80' as its first byte.
    pair.card.unwrapCommand(wrappedBytes);
    const protectedResponse = pair.card.wrapResponse(response(20));
    counterBlock[0] = 0x80;
    const responseData = protectedResponse.subarray(0, protectedResponse.length - 2 - 8);
    const clear = opensslCbcDecrypt(sEnc, opensslEcbEncrypt(sEnc, counterBlock), responseData);
    expect(toHex(clear.subarray(0, 20))).toBe(toHex(response(20).subarray(0, 20)));
    expect(clear[20]).toBe(0x80);
  });
});
