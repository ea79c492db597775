/**
 * The demo phones and card, end to end: provisioned over SCP03 with keys generated in the applet
 * and certificates from the reference CA; the ARA-M lets only the Mynaportal app's certificate
 * hash reach the JPKI-AP through OMAPI; many SEs live in one store and come back after a restart.
 */
import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority, MemoryKeystore, openDatabase } from '../../../reference/ca/index.js';
import type { SqlClient } from '../../../reference/ca/database/sql-client.js';
import { createDemoSecureElement, DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH, demoRom } from '../../../reference/se/demo-secure-element.js';
import { AccessControlEnforcer, AccessDeniedError } from '../../../reference/se/omapi/index.js';
import { openSecureElement, SecureElementStore } from '../../../reference/se/state/secure-element-store.js';
import { connectInProcess } from '../../../reference/se/transports/in-process.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import { computeDigitalSignature, readBinary, selectApplication, selectFile, verify as verifyPin, verifyRetryQuery } from '../../../generated/apdu/jpki-ap.js';
import { parseResponseApdu } from '../../../runtime/index.js';
import { hexToBytes } from '../../../runtime/hex.js';
import { tokenLabelFrom } from '../../../reference/se/jpki-applet/token-info.js';

const JPKI_AID = hexToBytes('D392F000260100000001');
let database: SqlClient;
let authority: CertificateAuthority;
const folders: string[] = [];

beforeAll(async () => {
  database = await openDatabase();
  authority = await CertificateAuthority.open({ database, keystore: new MemoryKeystore() });
  await authority.bootstrap();
}, 120_000);
afterAll(async () => {
  await database.close();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function exchange(transmit: (command: Uint8Array) => Promise<Uint8Array>, command: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
  const response = parseResponseApdu(await transmit(command));
  if (response === undefined) throw new Error('no status word');
  return response;
}

async function signNonce(card: CardConnection, pin: string, nonce: Uint8Array): Promise<Uint8Array> {
  const send = (command: Uint8Array) => exchange((bytes) => card.transmit(bytes), command);
  expect((await send(selectApplication({ aid: JPKI_AID }))).sw).toBe(0x9000);
  expect((await send(selectFile({ fid: hexToBytes('0018') }))).sw).toBe(0x9000);
  expect((await send(verifyPin({ pin }))).sw).toBe(0x9000);
  expect((await send(selectFile({ fid: hexToBytes('0017') }))).sw).toBe(0x9000);
  const digestInfo = Uint8Array.from([...hexToBytes('3031300D060960864801650304020105000420'), ...createHash('sha256').update(nonce).digest()]);
  const signature = await send(computeDigitalSignature({ digestInfo }));
  expect(signature.sw).toBe(0x9000);
  await card.reset();
  return signature.data;
}

describe('demo secure elements', () => {
  it('a phone: certificates issued by the CA for the keys its applet generated, linked to the holder card', async () => {
    const demo = await createDemoSecureElement({ profile: 'gpse', authority });
    try {
      const auth = new X509Certificate(demo.certificates.auth);
      expect(auth.verify(new X509Certificate(demo.certificates.authCa).publicKey)).toBe(true);
      expect(new X509Certificate(demo.certificates.sign).verify(new X509Certificate(demo.certificates.signCa).publicKey)).toBe(true);
      expect(demo.issued.userAuthentication.carrier).toBe('smartphone');
      expect(demo.issued.userAuthentication.linkedCardSerialNumber).toBeDefined();
      const nonce = new Uint8Array(32).fill(7);
      const signature = await signNonce(connectInProcess(demo.se), demo.pins.auth, nonce);
      expect(verify('sha256', nonce, auth.publicKey, signature)).toBe(true);
    } finally {
      await demo.close();
    }
  });

  it('OMAPI: the ARA-M lets the Mynaportal app reach the JPKI-AP and refuses another app', async () => {
    const demo = await createDemoSecureElement({ profile: 'ios', authority });
    try {
      const enforcer = new AccessControlEnforcer(connectInProcess(demo.se));
      const channel = await enforcer.openLogicalChannel(JPKI_AID, { certificateHashes: [DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH] });
      const transmit = (command: Uint8Array) => channel.transmit(command);
      expect((await exchange(transmit, selectFile({ fid: hexToBytes('0006') }))).sw).toBe(0x9000);
      expect(tokenLabelFrom((await exchange(transmit, readBinary({ offset: 0, le: 32 }))).data)).toBe('JPKIAPIOSTOKEN');
      await channel.close();
      const otherApp = { certificateHashes: [new Uint8Array(createHash('sha256').update('some other app').digest())] };
      await expect(enforcer.openLogicalChannel(JPKI_AID, otherApp)).rejects.toBeInstanceOf(AccessDeniedError);
    } finally {
      await demo.close();
    }
  });

  it('many secure elements in one store: each personalized on its own, all back after a restart with their counters', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'jpkigen-fleet-'));
    folders.push(folder);
    const store = await SecureElementStore.open(folder);
    const profiles = ['card', 'gpse', 'ios', 'gpse', 'gpse', 'ios'] as const;
    const demos = await Promise.all(profiles.map((profile, index) => createDemoSecureElement({ profile, authority, persist: (snapshot) => store.write(`phone-${index}`, snapshot) })));
    for (const [index, demo] of demos.entries()) await store.write(`phone-${index}`, demo.se.snapshot());
    expect(new Set(demos.map((demo) => Buffer.from(demo.certificates.auth).toString('hex'))).size).toBe(profiles.length);
    // One wrong auth PIN on every other card, then "restart": reopen each from the store.
    for (const [index, demo] of demos.entries()) {
      if (index % 2 === 1) continue;
      const card = connectInProcess(demo.se);
      await exchange((bytes) => card.transmit(bytes), selectApplication({ aid: JPKI_AID }));
      await exchange((bytes) => card.transmit(bytes), selectFile({ fid: hexToBytes('0018') }));
      const wrong = demo.pins.auth === '0000' ? '1111' : '0000';
      expect((await exchange((bytes) => card.transmit(bytes), verifyPin({ pin: wrong }))).sw).toBe(0x63c2);
    }
    for (const demo of demos) await demo.close();
    expect((await store.ids()).length).toBe(profiles.length);
    for (const [index, demo] of demos.entries()) {
      const reopened = await openSecureElement(store, `phone-${index}`, demoRom());
      const card = connectInProcess(reopened);
      await exchange((bytes) => card.transmit(bytes), selectApplication({ aid: JPKI_AID }));
      await exchange((bytes) => card.transmit(bytes), selectFile({ fid: hexToBytes('0018') }));
      expect((await exchange((bytes) => card.transmit(bytes), verifyRetryQuery({}))).sw).toBe(index % 2 === 0 ? 0x63c2 : 0x63c3);
      await card.reset();
      const nonce = new Uint8Array(32).fill(index);
      const signature = await signNonce(card, demo.pins.auth, nonce);
      expect(verify('sha256', nonce, createPublicKey(new X509Certificate(demo.certificates.auth).publicKey.export({ type: 'spki', format: 'pem' })), signature)).toBe(true);
    }
  }, 180_000);
});
