/**
 * Supplementary security domains: created by the ISD, given their first keys by STORE DATA DGIs
 * (00B9 + 8113, ciphered under the ISD's Key-DEK — checked with node:crypto AES), then managed in
 * their own SCP03 sessions: PUT KEY, load and install into themselves (Authorized Management),
 * a registry view limited to their content, lock with their applications, cascade delete.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, decodeTlvs, encodeTlv, hexToBytes } from '../../../runtime/index.js';
import { buildPutKeyCommand, computeAesKeyCheckValue } from '../../../runtime/scp03/index.js';
import {
  deleteCommand,
  getStatus,
  installForInstallAndMakeSelectable,
  installForLoad,
  installForPersonalization,
  load,
  parseGetStatusResponse,
  parsePutKeyResponse,
  select,
  setStatus,
  storeData,
} from '../../../generated/apdu/global-platform.js';
import { encodeDgi } from '../../../reference/se/dgi.js';
import { SECURITY_DOMAIN_LOAD_FILE_AID, SECURITY_DOMAIN_MODULE_AID } from '../../../reference/se/card-manager/security-domain.js';
import { buildLoadFileImage } from '../../../reference/se/load-file.js';
import { SecureElement } from '../../../reference/se/secure-element.js';
import { connectInProcess } from '../../../reference/se/transports/in-process.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import { DEFAULT_KEYS, EchoApplet, ECHO_INSTANCE_AID, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession, send } from './se-harness.js';

const ISD = hexToBytes('A000000151000000');
const SSD = hexToBytes('A0000001515350443101');
const SSD_KEYS = { enc: hexToBytes('3031323334353637383930313233343A'), mac: hexToBytes('4041424344454647484940414243444A'), dek: hexToBytes('5051525354555657585950515253545A') };
const EMPTY = new Uint8Array(0);

/** AES-CBC with a zero ICV under the Key-DEK (Amd D §6.2.8), by node:crypto rather than runtime/scp03. */
function cipherUnderDek(dek: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-cbc', dek, new Uint8Array(16)).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function keyCrt(keyVersion: number, keyId: number, key: Uint8Array): Uint8Array {
  return encodeTlv(0xb9, concatBytes(encodeTlv(0x95, Uint8Array.of(keyId === 3 ? 0x48 : keyId === 2 ? 0x34 : 0x38)), encodeTlv(0x80, Uint8Array.of(0x88)), encodeTlv(0x81, Uint8Array.of(key.length)), encodeTlv(0x82, Uint8Array.of(keyId)), encodeTlv(0x83, Uint8Array.of(keyVersion)), encodeTlv(0x84, computeAesKeyCheckValue(key))));
}

function install(session: GpSession, aid: Uint8Array, privileges: string, module = SECURITY_DOMAIN_MODULE_AID, file = SECURITY_DOMAIN_LOAD_FILE_AID) {
  return session.send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: file, executableModuleAid: module, applicationAid: aid, privileges: hexToBytes(privileges), installParameters: hexToBytes('C900'), installToken: EMPTY, le: 256 }));
}

async function createPersonalizedSsd(connection: CardConnection, privileges = '804000'): Promise<void> {
  const isd = await GpSession.open(connection, { securityLevel: 0x33, sdAid: ISD });
  expect((await install(isd, SSD, privileges)).sw).toBe(0x9000);
  expect((await isd.send(installForPersonalization({ moreCommands: false, emptyField1: EMPTY, emptyField2: EMPTY, applicationAid: SSD, emptyField3: EMPTY, emptyField4: EMPTY, emptyField5: EMPTY, le: 256 }))).sw).toBe(0x9000);
  const announce = encodeDgi(0x00b9, concatBytes(keyCrt(0x30, 1, SSD_KEYS.enc), keyCrt(0x30, 2, SSD_KEYS.mac), keyCrt(0x30, 3, SSD_KEYS.dek)));
  expect((await isd.send(storeData({ lastBlock: false, encryption: 'none', structure: 'dgi', responseExpected: false, blockNumber: 0, data: announce }))).sw).toBe(0x9000);
  const secrets = concatBytes(...[SSD_KEYS.enc, SSD_KEYS.mac, SSD_KEYS.dek].map((key) => encodeDgi(0x8113, cipherUnderDek(DEFAULT_KEYS.dek, key))));
  expect((await isd.send(storeData({ lastBlock: true, encryption: 'encrypted', structure: 'dgi', responseExpected: false, blockNumber: 1, data: secrets }))).sw).toBe(0x9000);
}

async function openSsd(connection: CardConnection, keys = SSD_KEYS, keyVersion = 0x30, securityLevel = 0x33): Promise<GpSession> {
  expect((await send(connection, select({ nextOccurrence: false, aid: SSD }))).sw).toBe(0x9000);
  return GpSession.open(connection, { keys, keyVersion, securityLevel, sdAid: SSD });
}

async function loadEcho(session: GpSession, targetSd: Uint8Array = EMPTY) {
  const forLoad = await session.send(installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: targetSd, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }));
  if (forLoad.sw !== 0x9000) return forLoad;
  return session.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }), le: 256 }));
}

const entries = (data: Uint8Array) => parseGetStatusResponse(Uint8Array.of(...data, 0x90, 0x00)).fields?.entries ?? [];

describe('supplementary security domains', () => {
  it('are created by the ISD, keyed by DGIs, and then run their own sessions and content', async () => {
    const card = new SecureElement({ rom: [echoAppletClass] });
    const connection = connectInProcess(card);
    await createPersonalizedSsd(connection);
    const ssd = await openSsd(connection);
    // The SD declares itself PERSONALIZED (GPCS §5.3.2.3).
    expect((await ssd.send(setStatus({ statusType: 'application', state: 0x0f, aid: SSD }))).sw).toBe(0x9000);
    expect((await loadEcho(ssd)).sw).toBe(0x9000);
    expect((await install(ssd, ECHO_INSTANCE_AID, '000000', ECHO_MODULE_AID, ECHO_PACKAGE_AID)).sw).toBe(0x9000);
    const view = await ssd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
    expect(entries(view.data).map((entry) => bytesToHex(entry.aid))).toEqual([bytesToHex(ECHO_INSTANCE_AID)]);
    expect(bytesToHex(entries(view.data)[0]?.associatedSecurityDomainAid ?? EMPTY)).toBe(bytesToHex(SSD));
    // Without Global Registry the SSD does not see the ISD.
    expect((await ssd.send(getStatus({ subset: 'issuerSecurityDomain', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }))).sw).toBe(0x6a88);
    // PUT KEY in the SSD's own session, under the SSD's Key-DEK.
    const rotated = { enc: new Uint8Array(16).fill(0x11), mac: new Uint8Array(16).fill(0x22), dek: new Uint8Array(16).fill(0x33) };
    const put = await ssd.send(buildPutKeyCommand({ newKeyVersion: 0x31, replaceKeyVersion: 0x30, keys: [rotated.enc, rotated.mac, rotated.dek], dek: SSD_KEYS.dek }));
    expect(put.sw).toBe(0x9000);
    expect(parsePutKeyResponse(Uint8Array.of(...put.data, 0x90, 0x00)).fields?.keyVersionNumber).toBe(0x31);
    // Personalize the echo applet through the SSD: a ciphered DGI arrives deciphered.
    expect((await ssd.send(installForPersonalization({ moreCommands: false, emptyField1: EMPTY, emptyField2: EMPTY, applicationAid: ECHO_INSTANCE_AID, emptyField3: EMPTY, emptyField4: EMPTY, emptyField5: EMPTY, le: 256 }))).sw).toBe(0x9000);
    const secret = new Uint8Array(16).fill(0xab);
    expect((await ssd.send(storeData({ lastBlock: false, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: 0, data: hexToBytes('5F2001AA') }))).sw).toBe(0x9000);
    expect((await ssd.send(storeData({ lastBlock: true, encryption: 'encrypted', structure: 'dgi', responseExpected: false, blockNumber: 1, data: encodeDgi(0x0101, cipherUnderDek(SSD_KEYS.dek, secret)) }))).sw).toBe(0x9000);
    const echo = card.applet(ECHO_INSTANCE_AID) as EchoApplet;
    expect(echo.state.personalization).toEqual(['0:berTlv:false:5F2001AA', `1:dgi:true:010110${bytesToHex(secret)}`]);
    // The rotated keys open the next session; the old ones do not.
    await connection.reset();
    await expect(openSsd(connection)).rejects.toThrow();
    await connection.reset();
    const next = await openSsd(connection, rotated, 0x31, 0x01);
    expect((await next.send(getStatus({ subset: 'executableLoadFiles', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }))).sw).toBe(0x9000);
  });

  it('lock with their applications (P1 60), and go with them on DELETE P2 80', async () => {
    const card = new SecureElement({ rom: [echoAppletClass] });
    const connection = connectInProcess(card);
    await createPersonalizedSsd(connection);
    const ssd = await openSsd(connection);
    expect((await loadEcho(ssd)).sw).toBe(0x9000);
    expect((await install(ssd, ECHO_INSTANCE_AID, '000000', ECHO_MODULE_AID, ECHO_PACKAGE_AID)).sw).toBe(0x9000);
    await connection.reset();
    const isd = await GpSession.open(connection, { securityLevel: 0x13 });
    expect((await isd.send(setStatus({ statusType: 'securityDomainAndApplications', state: 0x80, aid: SSD }))).sw).toBe(0x9000);
    const view = await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
    expect(entries(view.data).map((entry) => `${bytesToHex(entry.aid)}:${bytesToHex(entry.lifeCycleState)}`)).toEqual([`${bytesToHex(SSD)}:87`, `${bytesToHex(ECHO_INSTANCE_AID)}:87`]);
    expect((await send(connection, select({ nextOccurrence: false, aid: SSD }, { channel: 0 }))).sw).toBe(0x6a82);
    await send(connection, '00A4040000');
    const again = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await again.send(setStatus({ statusType: 'securityDomainAndApplications', state: 0x00, aid: SSD }))).sw).toBe(0x9000);
    expect((await again.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: Uint8Array.of(0x4f, SSD.length, ...SSD), le: 256 }))).sw).toBe(0x6985);
    expect((await again.send(deleteCommand({ moreCommands: false, relatedObjects: true, deleteData: Uint8Array.of(0x4f, SSD.length, ...SSD), le: 256 }))).sw).toBe(0x9000);
    expect(card.registry.instances.map((entry) => bytesToHex(entry.aid))).toEqual([bytesToHex(ISD)]);
    expect(card.registry.loadFile(ECHO_PACKAGE_AID)).toBeUndefined();
    expect(card.applet(ECHO_INSTANCE_AID)).toBeUndefined();
  });

  it('without Authorized Management an SSD manages no content; the ISD places content under it', async () => {
    const card = new SecureElement({ rom: [echoAppletClass] });
    const connection = connectInProcess(card);
    await createPersonalizedSsd(connection, '800000');
    const ssd = await openSsd(connection);
    expect((await loadEcho(ssd)).sw).toBe(0x6982);
    await connection.reset();
    const isd = await GpSession.open(connection, { securityLevel: 0x03 });
    expect((await loadEcho(isd, SSD)).sw).toBe(0x9000);
    expect(bytesToHex(card.registry.loadFile(ECHO_PACKAGE_AID)?.associatedSdAid ?? EMPTY)).toBe(bytesToHex(SSD));
    // AM and DM exclude each other (GPCS §6.6); an SD privilege on an application module is refused.
    expect((await install(isd, hexToBytes('A0000001515350443102'), 'A04000')).sw).toBe(0x6a80);
    expect((await install(isd, hexToBytes('F0000000EC010109'), '800000', ECHO_MODULE_AID, ECHO_PACKAGE_AID)).sw).toBe(0x6a80);
  });

  it('page GET STATUS with 6310 and [next], and answer the deprecated format', async () => {
    const card = new SecureElement({ rom: [echoAppletClass] });
    const connection = connectInProcess(card);
    const isd = await GpSession.open(connection, { securityLevel: 0x33 });
    expect((await loadEcho(isd)).sw).toBe(0x9000);
    const aids = Array.from({ length: 12 }, (_, index) => hexToBytes(`F0000000EC0101010101${index.toString(16).padStart(2, '0')}`));
    for (const aid of aids) expect((await install(isd, aid, '000000', ECHO_MODULE_AID, ECHO_PACKAGE_AID)).sw).toBe(0x9000);
    const seen: string[] = [];
    let answer = await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
    expect(answer.sw).toBe(0x6310);
    let rounds = 1;
    for (;;) {
      seen.push(...entries(answer.data).map((entry) => bytesToHex(entry.aid)));
      if (answer.sw !== 0x6310) break;
      answer = await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: true, searchCriteria: hexToBytes('4F00'), le: 256 }));
      rounds += 1;
    }
    expect(answer.sw).toBe(0x9000);
    expect(rounds).toBeGreaterThan(1);
    expect(seen).toEqual(aids.map(bytesToHex));
    // A tag list keeps only the named objects.
    const onlyAids = await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: concatBytes(hexToBytes('4F00'), hexToBytes('5C014F')), le: 256 }));
    const templates = decodeTlvs(onlyAids.data);
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) expect(decodeTlvs(template.value).map((object) => object.tag)).toEqual([0x4f]);
    // Deprecated format: length, AID, life cycle, one privileges byte.
    const legacy = await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: false, nextOccurrence: false, searchCriteria: Uint8Array.of(0x4f, 11, ...(aids[0] as Uint8Array)), le: 256 }));
    expect(bytesToHex(legacy.data)).toBe(`0B${bytesToHex(aids[0] as Uint8Array)}0700`);
    expect((await isd.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F03AABBCC'), le: 256 }))).sw).toBe(0x6a88);
  });

  it('chain a protected response longer than 256 bytes with 61xx; the R-MAC covers all of it', async () => {
    const card = new SecureElement({ rom: [echoAppletClass] });
    const connection = connectInProcess(card);
    const isd = await GpSession.open(connection, { securityLevel: 0x33 });
    expect((await loadEcho(isd)).sw).toBe(0x9000);
    const aids = Array.from({ length: 24 }, (_, index) => hexToBytes(`F0000000EC0101010101${index.toString(16).padStart(2, '0')}`));
    for (const aid of aids) expect((await install(isd, aid, '000000', ECHO_MODULE_AID, ECHO_PACKAGE_AID)).sw).toBe(0x9000);
    const first = await connection.transmit(isd.host.wrapCommand(hexToBytes('80CA2F00025C0000')));
    expect(first[first.length - 2]).toBe(0x61);
    await connection.reset();
    const again = await GpSession.open(connection, { securityLevel: 0x33 });
    const list = await again.send(hexToBytes('80CA2F00025C0000'));
    expect(list.sw).toBe(0x9000);
    expect(decodeTlvs(list.data).map((template) => bytesToHex(decodeTlvs(template.value)[0]?.value ?? EMPTY))).toEqual(aids.map(bytesToHex));
  });

  it('run SCP03 in S16 mode when the "i" parameter says so', async () => {
    const card = new SecureElement({ scp03I: 0x71 });
    const connection = connectInProcess(card);
    const s16 = await GpSession.open(connection, { securityLevel: 0x33, hostChallenge: new Uint8Array(16).fill(0x5a), sdAid: ISD });
    expect(s16.host.mode).toBe('S16');
    expect((await s16.send(getStatus({ subset: 'issuerSecurityDomain', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }))).sw).toBe(0x9000);
    await connection.reset();
    // An 8-byte challenge to an S16 card: 6700 (globalplatform.md §2.11), so the host cannot authenticate.
    await expect(GpSession.open(connection, { securityLevel: 0x01 })).rejects.toThrow();
  });
});
