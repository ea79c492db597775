import { constants, createHash, createPublicKey, publicDecrypt, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../../runtime/hex.js';
import { computeDigitalSignature, computeDigitalSignatureScheme, readBinary, selectFile, verify as verifyPin, verifyRetryQuery, changeReferenceData } from '../../../../generated/apdu/jpki-ap.js';
import { JpkiAppletClass, type JpkiApplet } from '../../../../reference/se/jpki-applet/jpki-applet.js';
import { tokenLabelFrom } from '../../../../reference/se/jpki-applet/token-info.js';
import { encodeDgi } from '../../../../reference/se/dgi.js';
import { seededRandom } from '../../../helpers/random.js';
import { contextFor, FIXTURE_CERTIFICATES, JPKI_AID, personalizedApplet, send } from './applet-harness.js';

const fid = (hex: string): Uint8Array => hexToBytes(hex);
const message = new TextEncoder().encode('jpkigen nonce 0123456789abcdef');
function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
const digestInfoOf = (data: Uint8Array): Uint8Array => Uint8Array.from([...hexToBytes('3031300D060960864801650304020105000420'), ...sha256(data)]);

async function readWholeEf(applet: JpkiApplet, fidHex: string): Promise<{ sw: number; content: Uint8Array }> {
  const selected = await send(applet, selectFile({ fid: fid(fidHex) }));
  if (selected.sw !== 0x9000) return { sw: selected.sw, content: new Uint8Array(0) };
  const head = await send(applet, readBinary({ offset: 0, le: 4 }));
  if (head.sw !== 0x9000) return { sw: head.sw, content: new Uint8Array(0) };
  // OpenSC's length rule for certificate EFs (card-jpki.c jpki_select_file): (b[2] << 8 | b[3]) + 4.
  const size = (((head.data[2] ?? 0) << 8) | (head.data[3] ?? 0)) + 4;
  const parts: number[] = [];
  for (let offset = 0; offset < size; offset += 256) {
    const chunk = await send(applet, readBinary({ offset, le: Math.min(256, size - offset) }));
    if (chunk.sw !== 0x9000) return { sw: chunk.sw, content: new Uint8Array(0) };
    parts.push(...chunk.data);
  }
  return { sw: 0x9000, content: Uint8Array.from(parts) };
}

async function verifyWith(applet: JpkiApplet, pinFid: '0018' | '001B', pin: string): Promise<number> {
  await send(applet, selectFile({ fid: fid(pinFid) }));
  return (await send(applet, verifyPin({ pin }))).sw;
}

describe('JPKI applet: files and access per token profile', () => {
  it('personalization generates RSA-2048 keys inside the applet and gives out only the public key', async () => {
    const { applet, publicKeys } = await personalizedApplet('card');
    for (const spki of [publicKeys.authKey, publicKeys.signKey]) {
      const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    }
    expect(bytesToHex(publicKeys.authKey)).not.toBe(bytesToHex(publicKeys.signKey));
    expect(applet.personalized).toBe(true);
  });

  it('the card lets anyone read the auth certificate; gpse and ios need the auth PIN first', async () => {
    for (const profile of ['card', 'gpse', 'ios'] as const) {
      const { applet } = await personalizedApplet(profile);
      const before = await readWholeEf(applet, '000A');
      if (profile === 'card') expect(bytesToHex(before.content)).toBe(bytesToHex(FIXTURE_CERTIFICATES.auth));
      else expect(before.sw).toBe(0x6982);
      expect(await verifyWith(applet, '0018', '1234')).toBe(0x9000);
      const after = await readWholeEf(applet, '000A');
      expect(bytesToHex(after.content)).toBe(bytesToHex(FIXTURE_CERTIFICATES.auth));
    }
  });

  it('the signature certificate needs the sign password on every profile; CA certificates are free', async () => {
    for (const profile of ['card', 'gpse', 'ios'] as const) {
      const { applet } = await personalizedApplet(profile);
      expect((await readWholeEf(applet, '0001')).sw).toBe(0x6982);
      expect(bytesToHex((await readWholeEf(applet, '0002')).content)).toBe(bytesToHex(FIXTURE_CERTIFICATES.signCa));
      expect(bytesToHex((await readWholeEf(applet, '000B')).content)).toBe(bytesToHex(FIXTURE_CERTIFICATES.authCa));
      expect(await verifyWith(applet, '001B', 'ABC123')).toBe(0x9000);
      expect(bytesToHex((await readWholeEf(applet, '0001')).content)).toBe(bytesToHex(FIXTURE_CERTIFICATES.sign));
    }
  });

  it('EF 0006 names the token profile and EF 0008 says both certificates are present', async () => {
    const labels = { card: 'JPKIAPICCTOKEN2', gpse: 'JPKIAPGPSETOKEN', ios: 'JPKIAPIOSTOKEN' } as const;
    for (const profile of ['card', 'gpse', 'ios'] as const) {
      const { applet } = await personalizedApplet(profile);
      await send(applet, selectFile({ fid: fid('0006') }));
      const tokenInfo = await send(applet, readBinary({ offset: 0, le: 256 }));
      expect(tokenInfo.data.length).toBe(160);
      expect(tokenInfo.sw).toBe(0x6282);
      expect(tokenLabelFrom(tokenInfo.data)).toBe(labels[profile]);
      await send(applet, selectFile({ fid: fid('0008') }));
      expect(bytesToHex((await send(applet, readBinary({ offset: 0, le: 3 }))).data)).toBe('8F8F00');
    }
  });

  it('answers the spec status words on its error paths', async () => {
    const { applet } = await personalizedApplet('card');
    expect((await send(applet, selectFile({ fid: fid('0099') }))).sw).toBe(0x6a82);
    expect((await send(applet, readBinary({ offset: 0, le: 4 }))).sw).toBe(0x6986);
    await send(applet, selectFile({ fid: fid('000B') }));
    expect((await send(applet, readBinary({ offset: 0x7000, le: 4 }))).sw).toBe(0x6b00);
    expect((await send(applet, '00A4080C02000A')).sw).toBe(0x6a86);
    expect((await send(applet, '00E0000000')).sw).toBe(0x6d00);
    expect((await send(applet, 'A0A4040C0AD392F000260100000001')).sw).toBe(0x6e00);
    expect((await send(applet, '80FC0000')).sw).toBe(0x6700);
    await send(applet, selectFile({ fid: fid('0017') }));
    expect((await send(applet, readBinary({ offset: 0, le: 4 }))).sw).toBe(0x6986);
  });

  it('takes commands on further logical channels (CLA 40–4F), each channel with its own current EF', async () => {
    const { applet } = await personalizedApplet('card');
    const channel5 = contextFor(5);
    expect((await send(applet, '41A4020C02000B', channel5)).sw).toBe(0x9000);
    expect((await send(applet, '00A4020C020002')).sw).toBe(0x9000);
    expect(bytesToHex((await send(applet, '41B0000004', channel5)).data)).toBe(bytesToHex(FIXTURE_CERTIFICATES.authCa.subarray(0, 4)));
    expect(bytesToHex((await send(applet, '00B0000004')).data)).toBe(bytesToHex(FIXTURE_CERTIFICATES.signCa.subarray(0, 4)));
  });
});

describe('JPKI applet: PINs follow the generated retry-counter life cycles', () => {
  it('counts wrong auth PINs down, blocks on the third, then answers 6984 and the query 63C0', async () => {
    const { applet } = await personalizedApplet('gpse');
    expect(await verifyWith(applet, '0018', '0000')).toBe(0x63c2);
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x63c2);
    expect(await verifyWith(applet, '0018', '0000')).toBe(0x63c1);
    expect(await verifyWith(applet, '0018', '0000')).toBe(0x63c0);
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x6984);
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x63c0);
    applet.reset();
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x6986);
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x6984);
  });

  it('the sign password has 5 tries; a right one restores the counter; the verification ends with the session', async () => {
    const { applet } = await personalizedApplet('card');
    expect(await verifyWith(applet, '001B', 'WRONG1')).toBe(0x63c4);
    expect(await verifyWith(applet, '001B', 'ABC123')).toBe(0x9000);
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x9000);
    applet.reset();
    await send(applet, selectFile({ fid: fid('001B') }));
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x63c5);
  });

  it('a wrong-format PIN is refused (6A80) without consuming a try', async () => {
    const { applet } = await personalizedApplet('card');
    expect(await verifyWith(applet, '0018', '12345')).toBe(0x6a80);
    expect(await verifyWith(applet, '001B', 'abc123')).toBe(0x6a80);
    expect((await send(applet, verifyRetryQuery({}))).sw).toBe(0x63c5);
  });

  it('CHANGE REFERENCE DATA needs VERIFY first, then the new PIN is the one in force', async () => {
    const { applet } = await personalizedApplet('card');
    await send(applet, selectFile({ fid: fid('0018') }));
    expect((await send(applet, changeReferenceData({ newPin: '9876' }))).sw).toBe(0x6982);
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x9000);
    expect((await send(applet, changeReferenceData({ newPin: '9876' }))).sw).toBe(0x9000);
    applet.reset();
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x63c2);
    expect(await verifyWith(applet, '0018', '9876')).toBe(0x9000);
  });

  it('counters survive a restart (saveState → restore) and re-personalizing a PIN unblocks it', async () => {
    const { applet } = await personalizedApplet('gpse');
    for (let attempt = 0; attempt < 3; attempt += 1) await verifyWith(applet, '0018', '0000');
    const restored = new JpkiAppletClass().restore(JPKI_AID, JSON.parse(JSON.stringify(applet.saveState()))) as JpkiApplet;
    expect(await verifyWith(restored, '0018', '1234')).toBe(0x6984);
    expect(await verifyWith(restored, '001B', 'ABC123')).toBe(0x9000);
    const reset = await restored.storeData({ data: encodeDgi(0x8018, new TextEncoder().encode('4321')), last: true, structure: 'dgi', blockNumber: 0 }, contextFor());
    expect(reset.sw).toBe(0x9000);
    expect(await verifyWith(restored, '0018', '4321')).toBe(0x9000);
  });
});

describe('JPKI applet: COMPUTE DIGITAL SIGNATURE, checked by node:crypto (OpenSSL)', () => {
  it('needs VERIFY, then signs the DigestInfo as given (PKCS#1 v1.5) with the key of the current EF', async () => {
    const { applet, publicKeys } = await personalizedApplet('gpse');
    await send(applet, selectFile({ fid: fid('0017') }));
    expect((await send(applet, computeDigitalSignature({ digestInfo: digestInfoOf(message) }))).sw).toBe(0x6982);
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x9000);
    await send(applet, selectFile({ fid: fid('0017') }));
    const signature = await send(applet, computeDigitalSignature({ digestInfo: digestInfoOf(message) }));
    expect(signature.sw).toBe(0x9000);
    expect(signature.data.length).toBe(256);
    const authKey = createPublicKey({ key: Buffer.from(publicKeys.authKey), format: 'der', type: 'spki' });
    const signKey = createPublicKey({ key: Buffer.from(publicKeys.signKey), format: 'der', type: 'spki' });
    expect(verify('sha256', message, authKey, signature.data)).toBe(true);
    expect(verify('sha256', message, signKey, signature.data)).toBe(false);
    await send(applet, selectFile({ fid: fid('001A') }));
    expect((await send(applet, computeDigitalSignature({ digestInfo: digestInfoOf(message) }))).sw).toBe(0x6982);
  });

  it('the empirical schemes 01–05 give signatures OpenSSL verifies their way', async () => {
    const { applet, publicKeys } = await personalizedApplet('card');
    const key = createPublicKey({ key: Buffer.from(publicKeys.signKey), format: 'der', type: 'spki' });
    expect(await verifyWith(applet, '001B', 'ABC123')).toBe(0x9000);
    await send(applet, selectFile({ fid: fid('001A') }));
    const signWith = async (scheme: Parameters<typeof computeDigitalSignatureScheme>[0]['scheme'], input: Uint8Array) =>
      send(applet, computeDigitalSignatureScheme({ scheme, input }));
    const bare = await signWith('sha256Bare', message);
    expect(bytesToHex(publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, bare.data))).toBe(bytesToHex(sha256(message)));
    expect(verify('sha256', message, key, (await signWith('preHashedDigestInfo', sha256(message))).data)).toBe(true);
    expect(verify('sha256', message, key, (await signWith('sha256DigestInfo', message)).data)).toBe(true);
    const pss = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', message, pss, (await signWith('preHashedPss', sha256(message))).data)).toBe(true);
    expect(verify('sha256', message, pss, (await signWith('sha256Pss', message)).data)).toBe(true);
    expect((await signWith('preHashedDigestInfo', message)).sw).toBe(0x6985);
    expect((await send(applet, '802A0680333031300D060960864801650304020105000420BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD00')).sw).toBe(0x6a86);
  });
});

describe('JPKI applet: seeded faults (for the conformance suite to catch)', () => {
  it('pinCounterDoesNotCount keeps the counter where it was', async () => {
    const { applet } = await personalizedApplet('card', undefined, { pinCounterDoesNotCount: true });
    expect(await verifyWith(applet, '0018', '0000')).toBe(0x63c3);
    expect(await verifyWith(applet, '0018', '0000')).toBe(0x63c3);
  });

  it('signWithoutVerifyAnswers9000 signs before VERIFY', async () => {
    const { applet } = await personalizedApplet('card', undefined, { signWithoutVerifyAnswers9000: true });
    await send(applet, selectFile({ fid: fid('0017') }));
    expect((await send(applet, computeDigitalSignature({ digestInfo: digestInfoOf(message) }))).sw).toBe(0x9000);
  });

  it('signatureOverWrongDigest gives a signature that does not verify', async () => {
    const { applet, publicKeys } = await personalizedApplet('card', undefined, { signatureOverWrongDigest: true });
    expect(await verifyWith(applet, '0018', '1234')).toBe(0x9000);
    await send(applet, selectFile({ fid: fid('0017') }));
    const signature = await send(applet, computeDigitalSignature({ digestInfo: digestInfoOf(message) }));
    expect(signature.sw).toBe(0x9000);
    expect(verify('sha256', message, createPublicKey({ key: Buffer.from(publicKeys.authKey), format: 'der', type: 'spki' }), signature.data)).toBe(false);
  });
});

describe('JPKI applet: personalization and bad input', () => {
  it('refuses to finish personalization without keys and PINs, and refuses unknown DGIs', async () => {
    const applet = new JpkiAppletClass().install(JPKI_AID, Uint8Array.of(0x02)) as JpkiApplet;
    expect(applet.profile).toBe('gpse');
    expect((await applet.storeData({ data: encodeDgi(0x000a, FIXTURE_CERTIFICATES.auth), last: true, structure: 'dgi', blockNumber: 0 }, contextFor())).sw).toBe(0x6985);
    expect((await applet.storeData({ data: encodeDgi(0x0017, new Uint8Array(4)), last: false, structure: 'dgi', blockNumber: 1 }, contextFor())).sw).toBe(0x6a80);
    expect((await applet.storeData({ data: encodeDgi(0x8018, new TextEncoder().encode('12')), last: false, structure: 'dgi', blockNumber: 2 }, contextFor())).sw).toBe(0x6a80);
    expect((await send(applet, selectFile({ fid: fid('000A') }))).sw).toBe(0x6985);
    expect(() => new JpkiAppletClass().install(JPKI_AID, Uint8Array.of(0x07))).toThrow(/install parameters/);
  });

  it('never throws on random and mutated APDUs, and its state still saves and restores', async () => {
    const { applet } = await personalizedApplet('gpse');
    const random = seededRandom(0x5e);
    const seeds = ['00A4020C02000A', '00B0000004', '0020008004313233', '00200080', '802A00803330', '00B08A0000', '0084000010', '80FC0000', '002401800439393939'].map(hexToBytes);
    for (let round = 0; round < 3000; round += 1) {
      const base = seeds[Math.floor(random() * seeds.length)] ?? new Uint8Array(4);
      const apdu = round % 3 === 0 ? Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)) : base.map((byte) => (random() < 0.15 ? Math.floor(random() * 256) : byte));
      const response = await send(applet, apdu);
      expect(response.sw).toBeGreaterThanOrEqual(0x6100);
      if (round % 500 === 0) applet.reset();
    }
    const restored = new JpkiAppletClass().restore(JPKI_AID, JSON.parse(JSON.stringify(applet.saveState()))) as JpkiApplet;
    expect(restored.personalized).toBe(true);
  });
});
