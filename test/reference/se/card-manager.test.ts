/**
 * The card manager driven by real host code: generated GP builders, wrapped by Scp03HostSession
 * at each security level; answers parsed with the generated parse functions; codings compared
 * with the tables of globalplatform.md §1.2 / GPCS Tables 11-3…11-6.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import { buildPutKeyCommand } from '../../../runtime/scp03/index.js';
import {
  deleteCommand,
  getData,
  getDataIso,
  getDataTagList,
  getStatus,
  installForLoadInstallAndMakeSelectableFirst,
  installForLoadInstallAndMakeSelectableLast,
  storeData,
  installForInstallAndMakeSelectable,
  installForLoad,
  load,
  parseGetStatusResponse,
  parsePutKeyResponse,
  select,
  setStatus,
  setStatusCard,
} from '../../../generated/apdu/global-platform.js';
import { connectInProcess } from '../../../reference/se/transports/in-process.js';
import { SecureElement } from '../../../reference/se/secure-element.js';
import { buildLoadFileImage, buildLoadFileDataBlock } from '../../../reference/se/load-file.js';
import { DEFAULT_KEYS, ECHO_INSTANCE_AID, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession, hex, send } from './se-harness.js';

const ISD = hexToBytes('A000000151000000');
const LEVELS = [0x01, 0x03, 0x11, 0x13, 0x33] as const;

function newCard(options: ConstructorParameters<typeof SecureElement>[0] = {}) {
  const card = new SecureElement({ rom: [echoAppletClass], ...options });
  return { card, connection: connectInProcess(card) };
}

/** AES-128 KCV computed independently with node:crypto (Amd D §7.2.2: AES over 16 × 01, first 3 bytes). */
function kcv(key: Uint8Array): string {
  const cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return bytesToHex(new Uint8Array(cipher.update(new Uint8Array(16).fill(1)))).slice(0, 6);
}

async function loadAndInstall(session: GpSession, options: { hash?: boolean; blockSize?: number; code?: Uint8Array } = {}) {
  const image = { packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID], code: options.code ?? new Uint8Array(600).fill(0x5a) };
  const hash = options.hash === false ? new Uint8Array(0) : new Uint8Array(createHash('sha256').update(buildLoadFileDataBlock(image)).digest());
  const forLoad = await session.send(installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: new Uint8Array(0), loadFileDataBlockHash: hash, loadParameters: new Uint8Array(0), loadToken: new Uint8Array(0), le: 256 }));
  expect(forLoad.sw).toBe(0x9000);
  const loadFile = buildLoadFileImage(image);
  const blockSize = options.blockSize ?? 200;
  const blocks = Math.ceil(loadFile.length / blockSize);
  for (let index = 0; index < blocks; index += 1) {
    const answer = await session.send(load({ lastBlock: index === blocks - 1, blockNumber: index, loadFileBlock: loadFile.subarray(index * blockSize, (index + 1) * blockSize), le: 256 }));
    expect(answer.sw, `LOAD block ${index}`).toBe(0x9000);
  }
  return session.send(
    installForInstallAndMakeSelectable({
      moreCommands: false,
      executableLoadFileAid: ECHO_PACKAGE_AID,
      executableModuleAid: ECHO_MODULE_AID,
      applicationAid: ECHO_INSTANCE_AID,
      privileges: new Uint8Array(3),
      installParameters: hexToBytes('C9021234'),
      installToken: new Uint8Array(0),
      le: 256,
    }),
  );
}

describe('data objects, initial content and the combined INSTALL', () => {
  it('stores IIN and CIN by STORE DATA and answers GET DATA with the TLV (GP class) or the value (ISO class)', async () => {
    const { connection } = newCard();
    const session = await GpSession.open(connection, { securityLevel: 0x03 });
    expect((await session.send(storeData({ lastBlock: true, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: 0, data: hexToBytes('4203123456450401020304') }))).sw).toBe(0x9000);
    expect(hex(await session.send(getData({ tag: 0x42 })))).toBe('4203123456');
    // D3: AUTHENTICATED | C-DECRYPTION | C-MAC (GPCS Table 10-1).
    expect(hex(await session.send(getData({ tag: 0xd3 })))).toBe('D30183');
    await connection.reset();
    expect(hex(await send(connection, getDataIso({ tag: 0x45 })))).toBe('01020304');
    const cplc = await send(connection, getData({ tag: 0x9f7f }));
    expect(hex(cplc).slice(0, 6)).toBe('9F7F2A');
    expect(cplc.data.length).toBe(45);
    expect((await send(connection, getData({ tag: 0x5f50 }))).sw).toBe(0x6a88);
    // The same through DGI 0070 (BER-TLV objects inside DGI formatting, GPCS §11.11.2.2); an unknown DGI is 6A88.
    const again = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await again.send(storeData({ lastBlock: true, encryption: 'none', structure: 'dgi', responseExpected: false, blockNumber: 0, data: hexToBytes('0070085F5005687474703A') }))).sw).toBe(0x9000);
    expect(hex(await again.send(getData({ tag: 0x5f50 })))).toBe('5F5005687474703A');
    expect((await again.send(storeData({ lastBlock: true, encryption: 'none', structure: 'dgi', responseExpected: false, blockNumber: 0, data: hexToBytes('9F0101AA') }))).sw).toBe(0x6a88);
    // Block numbers run from 00: a gap is refused.
    expect((await again.send(storeData({ lastBlock: true, encryption: 'none', structure: 'berTlv', responseExpected: false, blockNumber: 3, data: hexToBytes('420100') }))).sw).toBe(0x6a86);
  });

  it('comes with initial content and lists its applications under 2F00', async () => {
    const { card, connection } = newCard({
      initialContent: {
        loadFiles: [{ aid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }],
        instances: [
          { loadFileAid: ECHO_PACKAGE_AID, moduleAid: ECHO_MODULE_AID, aid: ECHO_INSTANCE_AID },
          { loadFileAid: ECHO_PACKAGE_AID, moduleAid: ECHO_MODULE_AID, aid: hexToBytes('F0000000EC010102'), selectable: false },
        ],
      },
    });
    expect(card.registry.instances.map((entry) => (entry.kind === 'issuerSecurityDomain' ? 'isd' : entry.state))).toEqual(['isd', 'selectable', 'installed']);
    const list = await send(connection, getDataTagList({ tag: 0x2f00, tagList: new Uint8Array(0) }));
    expect(hex(list)).toBe(`610A4F08${bytesToHex(ECHO_INSTANCE_AID)}`);
    expect(() => new SecureElement({ initialContent: { instances: [{ loadFileAid: ECHO_PACKAGE_AID, moduleAid: ECHO_MODULE_AID, aid: ECHO_INSTANCE_AID }] } })).toThrow(/initial content/);
  });

  it('loads, installs and makes selectable in one INSTALL [for load, install and make selectable]', async () => {
    const { card, connection } = newCard();
    const session = await GpSession.open(connection, { securityLevel: 0x11 });
    expect((await session.send(installForLoadInstallAndMakeSelectableFirst({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: new Uint8Array(0), loadFileDataBlockHash: new Uint8Array(0), loadParameters: new Uint8Array(0), loadToken: new Uint8Array(0), le: 256 }))).sw).toBe(0x9000);
    expect((await session.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] }), le: 256 }))).sw).toBe(0x9000);
    expect((await session.send(installForLoadInstallAndMakeSelectableLast({ moreCommands: false, executableLoadFileAid: ECHO_PACKAGE_AID, executableModuleAid: ECHO_MODULE_AID, applicationAid: ECHO_INSTANCE_AID, privileges: new Uint8Array(3), installParameters: hexToBytes('C900'), installToken: new Uint8Array(0), le: 256 }))).sw).toBe(0x9000);
    expect(card.registry.instance(ECHO_INSTANCE_AID)?.kind).toBe('application');
    // GP chaining (P1 b8) is not offered: 6A86 (GPCS §11.1.5).
    const chained = installForLoad({ moreCommands: true, loadFileAid: hexToBytes('F0000000EC09'), securityDomainAid: new Uint8Array(0), loadFileDataBlockHash: new Uint8Array(0), loadParameters: new Uint8Array(0), loadToken: new Uint8Array(0), le: 256 });
    expect((await session.send(chained)).sw).toBe(0x6a86);
  });
});

describe('security domain over SCP03', () => {
  it('selects the ISD implicitly after reset and answers GET DATA without a session', async () => {
    const { connection } = newCard();
    expect(bytesToHex(connection.atr)).toBe('3BE000FF8131FE4514');
    const cardData = await send(connection, getData({ tag: 0x66 }));
    expect(cardData.sw).toBe(0x9000);
    // Card recognition data: GP 2.3.1, SCP03 with i = 70 (GPCS Appendix H; globalplatform.md §2.2).
    expect(hex(cardData)).toContain('2A864886FC6B02020301');
    expect(hex(cardData)).toContain('640B06092A864886FC6B040370');
    const keys = await send(connection, getData({ tag: 0xe0 }));
    expect(hex(keys)).toBe('E012C00401FF8810C00402FF8810C00403FF8810');
    const fci = await send(connection, select({ nextOccurrence: false, aid: ISD, le: 256 }));
    expect(fci.sw).toBe(0x9000);
    expect(hex(fci).startsWith('6F')).toBe(true);
    expect(hex(fci)).toContain('8408A000000151000000');
  });

  it('refuses card-content commands outside a secure channel with 6982', async () => {
    const { connection } = newCard();
    const plain = await send(connection, getStatus({ subset: 'issuerSecurityDomain', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
    expect(plain.sw).toBe(0x6982);
    const del = await send(connection, deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('4F05A000000001'), le: 256 }));
    expect(del.sw).toBe(0x6982);
  });

  for (const level of LEVELS) {
    it(`runs the registry at security level ${level.toString(16).padStart(2, '0')}`, async () => {
      const { card, connection } = newCard();
      const session = await GpSession.open(connection, { securityLevel: level, sdAid: ISD });
      const isd = await session.send(getStatus({ subset: 'issuerSecurityDomain', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
      expect(isd.sw).toBe(0x9000);
      const parsed = parseGetStatusResponse(Uint8Array.of(...isd.data, 0x90, 0x00));
      const entry = parsed.fields?.entries[0];
      expect(bytesToHex(entry?.aid ?? new Uint8Array(0))).toBe('A000000151000000');
      // SECURED = 0F (GPCS Table 11-6); ISD privileges 9EFE80.
      expect(bytesToHex(entry?.lifeCycleState ?? new Uint8Array(0))).toBe('0F');
      expect(bytesToHex(entry?.privileges ?? new Uint8Array(0))).toBe('9EFE80');
      const installed = await loadAndInstall(session);
      expect(installed.sw).toBe(0x9000);
      expect(hex(installed)).toBe('00');
      const apps = await session.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
      const app = parseGetStatusResponse(Uint8Array.of(...apps.data, 0x90, 0x00)).fields?.entries[0];
      expect(bytesToHex(app?.aid ?? new Uint8Array(0))).toBe(bytesToHex(ECHO_INSTANCE_AID));
      expect(bytesToHex(app?.lifeCycleState ?? new Uint8Array(0))).toBe('07');
      expect(bytesToHex(app?.executableLoadFileAid ?? new Uint8Array(0))).toBe(bytesToHex(ECHO_PACKAGE_AID));
      expect(bytesToHex(app?.associatedSecurityDomainAid ?? new Uint8Array(0))).toBe('A000000151000000');
      const files = await session.send(getStatus({ subset: 'executableLoadFilesAndModules', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }));
      const fileEntries = parseGetStatusResponse(Uint8Array.of(...files.data, 0x90, 0x00)).fields?.entries ?? [];
      const echoFile = fileEntries.find((file) => bytesToHex(file.aid) === bytesToHex(ECHO_PACKAGE_AID));
      expect(bytesToHex(echoFile?.lifeCycleState ?? new Uint8Array(0))).toBe('01');
      expect(echoFile?.executableModuleAid?.map(bytesToHex)).toEqual([bytesToHex(ECHO_MODULE_AID)]);
      expect(card.registry.instance(ECHO_INSTANCE_AID)?.kind).toBe('application');
    });
  }

  it('answers PUT KEY with the KCVs node:crypto computes, then opens a session with the new keys', async () => {
    const { connection } = newCard();
    const session = await GpSession.open(connection, { securityLevel: 0x33, sdAid: ISD });
    const newKeys = { enc: hexToBytes('000102030405060708090A0B0C0D0E0F'), mac: hexToBytes('101112131415161718191A1B1C1D1E1F'), dek: hexToBytes('202122232425262728292A2B2C2D2E2F') };
    const answer = await session.send(buildPutKeyCommand({ newKeyVersion: 0x30, keys: [newKeys.enc, newKeys.mac, newKeys.dek], dek: DEFAULT_KEYS.dek }));
    expect(answer.sw).toBe(0x9000);
    const parsed = parsePutKeyResponse(Uint8Array.of(...answer.data, 0x90, 0x00)).fields;
    expect(parsed?.keyVersionNumber).toBe(0x30);
    expect(bytesToHex(parsed?.keyCheckValues ?? new Uint8Array(0))).toBe(kcv(newKeys.enc) + kcv(newKeys.mac) + kcv(newKeys.dek));
    // Published KCVs of these keys (pySim SCP03_KCV_Test, globalplatform.md §4.3).
    expect(bytesToHex(parsed?.keyCheckValues ?? new Uint8Array(0))).toBe('C35280013808840DE5');
    await connection.reset();
    await expect(GpSession.open(connection, { keys: DEFAULT_KEYS, securityLevel: 0x01 })).rejects.toThrow();
    await connection.reset();
    const next = await GpSession.open(connection, { keys: newKeys, keyVersion: 0x30, securityLevel: 0x13, sdAid: ISD });
    const keys = await next.send(getData({ tag: 0xe0 }));
    expect(hex(keys)).toBe('E012C004013088' + '10C004023088' + '10C004033088' + '10');
    // DELETE [key] by KVN (D2): another keyset goes, the session's own and unknown ones do not.
    expect((await next.send(buildPutKeyCommand({ newKeyVersion: 0x31, keys: [GP_KEY(1), GP_KEY(2), GP_KEY(3)], dek: newKeys.dek }))).sw).toBe(0x9000);
    expect((await next.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('D20130'), le: 256 }))).sw).toBe(0x6985);
    expect((await next.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('D20131'), le: 256 }))).sw).toBe(0x9000);
    expect((await next.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('D20131'), le: 256 }))).sw).toBe(0x6a88);
    expect(hex(await next.send(getData({ tag: 0xe0 })))).toBe('E012C004013088' + '10C004023088' + '10C004033088' + '10');
  });

  it('refuses a PUT KEY whose KCV does not match with 6982', async () => {
    const { connection } = newCard();
    const session = await GpSession.open(connection, { securityLevel: 0x03 });
    const command = buildPutKeyCommand({ newKeyVersion: 0x31, keys: [GP_KEY(1), GP_KEY(2), GP_KEY(3)], dek: DEFAULT_KEYS.dek });
    command[command.length - 2] = (command[command.length - 2] ?? 0) ^ 0x01;
    expect((await session.send(command)).sw).toBe(0x6982);
  });

  it('locks, unlocks and deletes an application; a locked one is not selectable', async () => {
    const { connection } = newCard();
    const session = await GpSession.open(connection, { securityLevel: 0x33 });
    expect((await loadAndInstall(session)).sw).toBe(0x9000);
    expect((await session.send(setStatus({ statusType: 'application', state: 0x80, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x9000);
    // Locking twice asks for the current state: 6A80.
    expect((await session.send(setStatus({ statusType: 'application', state: 0x80, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x6a80);
    const status = await session.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: Uint8Array.of(0x4f, ECHO_INSTANCE_AID.length, ...ECHO_INSTANCE_AID), le: 256 }));
    expect(bytesToHex(parseGetStatusResponse(Uint8Array.of(...status.data, 0x90, 0x00)).fields?.entries[0]?.lifeCycleState ?? new Uint8Array(0))).toBe('87');
    const channel = await send(connection, '0070000001');
    expect(channel.sw).toBe(0x9000);
    const onChannel = hex(channel) === '01' ? 1 : 0;
    expect(onChannel).toBe(1);
    expect((await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }, { channel: 1 }), 1)).sw).toBe(0x6a82);
    expect((await session.send(setStatus({ statusType: 'application', state: 0x00, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x9000);
    expect((await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }, { channel: 1 }), 1)).sw).toBe(0x9000);
    expect(hex(await send(connection, '0101000003ABCDEF', 1))).toBe('ABCDEF');
    // A selected application is not deleted under its own feet.
    expect((await session.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: Uint8Array.of(0x4f, 8, ...ECHO_INSTANCE_AID), le: 256 }))).sw).toBe(0x6985);
    expect((await send(connection, '0070800100')).sw).toBe(0x9000);
    // The load file still has an instance: P2 00 refuses, P2 80 takes both.
    expect((await session.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: Uint8Array.of(0x4f, 6, ...ECHO_PACKAGE_AID), le: 256 }))).sw).toBe(0x6985);
    const deleted = await session.send(deleteCommand({ moreCommands: false, relatedObjects: true, deleteData: Uint8Array.of(0x4f, 6, ...ECHO_PACKAGE_AID), le: 256 }));
    expect(deleted.sw).toBe(0x9000);
    expect((await session.send(deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: Uint8Array.of(0x4f, 8, ...ECHO_INSTANCE_AID), le: 256 }))).sw).toBe(0x6a88);
  });

  it('moves the card life cycle through the generated machine and enforces CARD_LOCKED', async () => {
    const { connection } = newCard({ cardLifeCycle: 'opReady' });
    let session = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await session.send(setStatusCard({ cardLifeCycle: 'secured' }))).sw).toBe(0x6a80); // OP_READY → SECURED skips INITIALIZED
    expect((await session.send(setStatusCard({ cardLifeCycle: 'initialized' }))).sw).toBe(0x9000);
    expect((await session.send(setStatusCard({ cardLifeCycle: 'secured' }))).sw).toBe(0x9000);
    expect((await loadAndInstall(session)).sw).toBe(0x9000);
    expect((await session.send(setStatusCard({ cardLifeCycle: 'cardLocked' }))).sw).toBe(0x9000);
    expect((await session.send(deleteCommand({ moreCommands: false, relatedObjects: true, deleteData: Uint8Array.of(0x4f, 6, ...ECHO_PACKAGE_AID), le: 256 }))).sw).toBe(0x6985);
    await connection.reset();
    // Only the Final Application (the ISD) is selectable, with the warning 6283.
    expect((await send(connection, select({ nextOccurrence: false, aid: ECHO_INSTANCE_AID }))).sw).toBe(0x6a81);
    expect((await send(connection, select({ nextOccurrence: false, aid: ISD }))).sw).toBe(0x6283);
    expect((await send(connection, '0070000001')).sw).toBe(0x6a81);
    session = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await session.send(setStatusCard({ cardLifeCycle: 'secured' }))).sw).toBe(0x9000);
    expect((await session.send(setStatusCard({ cardLifeCycle: 'terminated' }))).sw).toBe(0x9000);
    await connection.reset();
    expect((await send(connection, getData({ tag: 0x66 }))).sw).toBe(0x9000);
    expect((await send(connection, select({ nextOccurrence: false, aid: ISD }))).sw).toBe(0x6a81);
    expect((await send(connection, '8050FF0008' + '0011223344556677' + '00')).sw).toBe(0x6985);
  });
});

function GP_KEY(seed: number): Uint8Array {
  return new Uint8Array(16).fill(seed);
}
